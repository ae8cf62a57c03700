// The page for the latency benchmark: analytics-next with a no-op destination (the floor) and HubSpot,
// either as the plugin or through classicIntegrations. Arrival times are taken where they happen:
// inside a wrapped window._hsq.push and inside the no-op destination's track.
import { AnalyticsBrowser, type Context, type Plugin } from '@segment/analytics-next'
import HubSpot, { hubspot } from 'hubspot-destination'

type Mode = 'plugin' | 'classic'

const hubspotArrivals = new Map<number, number>()
const noopArrivals = new Map<number, number>()

function seqOf(value: unknown): number | undefined {
  const seq = (value as { seq?: unknown } | null)?.seq
  return typeof seq === 'number' ? seq : undefined
}

function wrap(queue: unknown): unknown {
  if (typeof queue !== 'object' || queue === null || typeof (queue as { push?: unknown }).push !== 'function') return queue
  const target = queue as { push: (...items: unknown[]) => unknown }
  const push = target.push
  target.push = function (...items: unknown[]) {
    const at = performance.now()
    for (const item of items) {
      if (Array.isArray(item) && item[0] === 'trackEvent') {
        const seq = seqOf(item[1])
        if (seq !== undefined && !hubspotArrivals.has(seq)) hubspotArrivals.set(seq, at)
      }
    }
    return push.apply(this, items)
  }
  return queue
}

// Whoever sets _hsq (the destination's [] or HubSpot's script replacing it), its push is wrapped.
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
  phase: 'startup' | 'loaded'
  /** performance.now() when analytics.track() was called. */
  sentAt: number
  hubspot: number
  noop: number
}

async function run(mode: Mode, options: { untilMs: number; gapMs: number; startupEvents: number; forms: boolean }) {
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
  // Only while HubSpot's script is still loading.
  while (!scriptLoaded() && performance.now() < options.untilMs) {
    const i = seq++
    const sentAt = performance.now()
    sent.set(i, sentAt)
    await analytics.track('Bench Event', { seq: i })
    await sleep(options.gapMs)
  }
  const deadline = performance.now() + 15_000
  while ((hubspotArrivals.size < sent.size || noopArrivals.size < sent.size) && performance.now() < deadline) await sleep(20)
  const samples: Sample[] = [...sent].map(([i, sentAt]) => ({
    seq: i,
    phase: i >= STARTUP ? 'startup' : 'loaded',
    sentAt,
    hubspot: (hubspotArrivals.get(i) ?? Number.NaN) - sentAt,
    noop: (noopArrivals.get(i) ?? Number.NaN) - sentAt,
  }))
  return { mode, samples, crossOriginIsolated: window.crossOriginIsolated, scriptLoadedDuringRun: scriptLoaded() }
}

Object.assign(window, { runLatencyBench: run })
