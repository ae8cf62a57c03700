// The page for the latency benchmark: analytics-next with a no-op destination (the floor) and HubSpot,
// either as the plugin or through classicIntegrations. Arrival times are taken where they happen:
// inside HubSpot's push on window._hsq (wrapped) and inside the no-op destination's track.
import { AnalyticsBrowser, type Context, type Plugin } from '@segment/analytics-next'
import HubSpot, { hubspot } from 'hubspot-destination'

type Mode = 'plugin' | 'classic'

const hubspotArrivals = new Map<number, number>()
const noopArrivals = new Map<number, number>()

function seqOf(value: unknown): number | undefined {
  const seq = (value as { seq?: unknown } | null)?.seq
  // A custom behavioral property of 0 travels as '0' (HubSpot's tracker would empty the number).
  return typeof seq === 'number' ? seq : typeof seq === 'string' && seq !== '' ? Number(seq) : undefined
}

/** A push that notes when each bench event arrives, then runs as it would. */
function timed(push: (...items: unknown[]) => unknown) {
  return function (this: unknown, ...items: unknown[]) {
    const at = performance.now()
    for (const item of items) {
      if (Array.isArray(item) && (item[0] === 'trackEvent' || item[0] === 'trackCustomBehavioralEvent')) {
        const payload = item[1] as { properties?: unknown } | undefined
        const seq = seqOf(payload) ?? seqOf(payload?.properties)
        if (seq !== undefined && !hubspotArrivals.has(seq)) hubspotArrivals.set(seq, at)
      }
    }
    return push.apply(this, items)
  }
}

// What counts is HubSpot's push: the tracker's own, set on the array (or on an object of its own) when it runs.
function wrap(queue: unknown): unknown {
  if (Array.isArray(queue)) {
    return new Proxy(queue, {
      set: (target, key, value, receiver) =>
        Reflect.set(target, key, key === 'push' && typeof value === 'function' ? timed(value) : value, receiver),
    })
  }
  if (typeof queue === 'object' && queue !== null && typeof (queue as { push?: unknown }).push === 'function') {
    const target = queue as { push: (...items: unknown[]) => unknown }
    target.push = timed(target.push)
  }
  return queue
}

// Whoever sets _hsq (the destination's [] or HubSpot's script replacing it), HubSpot's push is wrapped.
let hsq: unknown
Object.defineProperty(window, '_hsq', { configurable: true, get: () => hsq, set: (value: unknown) => (hsq = wrap(value)) })

const noop: Plugin = {
  name: 'No-op destination',
  type: 'destination',
  version: '1.0.0',
  isLoaded: () => true,
  load: () => Promise.resolve(),
  track(ctx: Context) {
    const at = performance.now()
    const seq = seqOf(ctx.event.properties)
    if (seq !== undefined) noopArrivals.set(seq, at)
    return ctx
  },
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const scriptLoaded = () => (window as { __hubspot?: { loaded?: boolean } }).__hubspot?.loaded === true

/** Sequence numbers from here on are calls made through AnalyticsBrowser's buffer, before analytics-next has loaded. */
const STARTUP = 1_000_000

export interface Sample {
  seq: number
  /** startup: buffered by AnalyticsBrowser; waiting: made before HubSpot's script ran; loaded: after. */
  phase: 'startup' | 'waiting' | 'loaded'
  /** performance.now() when analytics.track() was called. */
  sentAt: number
  hubspot: number
  noop: number
}

async function run(mode: Mode, options: { untilMs: number; gapMs: number; startupEvents: number; afterEvents: number; forms: boolean }) {
  const settings = { portalId: '62515', loadFormsSdk: options.forms }
  const loading =
    mode === 'plugin'
      ? AnalyticsBrowser.load(
          { writeKey: 'bench', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'bench' } } }, plugins: [noop, hubspot(settings)] },
          { integrations: { 'Segment.io': false } },
        )
      : AnalyticsBrowser.load(
          { writeKey: 'bench', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'bench' }, HubSpot: settings } }, classicIntegrations: [HubSpot as never], plugins: [noop] },
          { integrations: { 'Segment.io': false } },
        )
  const sent = new Map<number, number>()
  // As an app does: calls made at once, buffered by AnalyticsBrowser until analytics-next has loaded.
  for (let k = 0; k < options.startupEvents; k++) {
    sent.set(STARTUP + k, performance.now())
    void loading.track('Bench Event', { seq: STARTUP + k })
  }
  const [analytics] = await loading
  await analytics.page()
  let seq = 0
  const waiting = new Set<number>()
  // While HubSpot's script loads, then as many again once it has run.
  let after = 0
  while (performance.now() < options.untilMs && after < options.afterEvents) {
    const i = seq++
    if (scriptLoaded()) after++
    else waiting.add(i)
    const sentAt = performance.now()
    sent.set(i, sentAt)
    await analytics.track('Bench Event', { seq: i })
    await sleep(options.gapMs)
  }
  const deadline = performance.now() + 15_000
  while ((hubspotArrivals.size < sent.size || noopArrivals.size < sent.size) && performance.now() < deadline) await sleep(20)
  const samples: Sample[] = [...sent].map(([i, sentAt]) => ({
    seq: i,
    phase: i >= STARTUP ? 'startup' : waiting.has(i) ? 'waiting' : 'loaded',
    sentAt,
    hubspot: (hubspotArrivals.get(i) ?? Number.NaN) - sentAt,
    noop: (noopArrivals.get(i) ?? Number.NaN) - sentAt,
  }))
  return { mode, samples, crossOriginIsolated: window.crossOriginIsolated, scriptLoadedDuringRun: scriptLoaded() }
}

Object.assign(window, { runLatencyBench: run })
