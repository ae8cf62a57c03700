import type { Context, Plugin } from '@segment/analytics-next'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import HubSpot from '../../src/index'
import type { HubSpotWindow } from '../../src/browser/queue'
import { parseSettings, type HubSpotOptions, type HubSpotSettings } from '../../src/core/settings'
import type { SegmentEvent } from '../../src/core/types'

export const PORTAL_ID = '62515'

/** Parsed settings for the test portal, with `overrides` on top. */
export function settingsWith(overrides: Partial<HubSpotOptions> = {}): HubSpotSettings {
  return parseSettings({ portalId: PORTAL_ID, ...overrides })
}

/** The page's globals as the destination sees them. */
export const page = (): Window & HubSpotWindow => window as Window & HubSpotWindow

/** What has been pushed on `window._hsq` (the plain array while HubSpot's script is absent). */
export function hsq(): unknown[] {
  const queue = page()._hsq
  if (!Array.isArray(queue)) throw new Error(`window._hsq is not an array: ${String(queue)}`)
  return queue
}

/** Every `<script>` on the page, as `{ id, async, src }`. */
export function scripts(): Array<{ id: string; async: boolean; src: string }> {
  // jsdom has no `async` IDL attribute: `script.async = true` is a plain property there, not the attribute.
  return Array.from(document.getElementsByTagName('script')).map((script) => ({
    id: script.id,
    async: script.async === true || script.hasAttribute('async'),
    src: script.src,
  }))
}

/** Puts a script tag on the page, as a site that already embeds HubSpot would have. */
export function addScript(src: string, id?: string): HTMLScriptElement {
  const script = document.createElement('script')
  if (id) script.id = id
  script.src = src
  document.head.appendChild(script)
  return script
}

/** A fresh page: no scripts, no HubSpot globals, no analytics-next storage. */
export function resetPage(): void {
  for (const script of Array.from(document.getElementsByTagName('script'))) script.remove()
  const win = page()
  delete win._hsq
  delete win._hsp
  delete win.hbspt
  forgetDestinations()
  const loose = window as unknown as Record<string, unknown>
  delete loose.__hubspot
  delete loose._hstc_ran
  localStorage.clear()
  sessionStorage.clear()
  clearCookies()
}

/** Forgets which Hub IDs a destination loaded for on this page (a second one for the same Hub ID stays off). */
export function forgetDestinations(): void {
  delete (window as unknown as Record<symbol, unknown>)[Symbol.for('hubspot-destination.loaded')]
}

/** A getter or trap that throws, as hostile input does. */
export const boom = (): never => {
  throw new Error('hostile input')
}

/** A Proxy that was revoked: any operation on it throws a TypeError. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

/** Expires every cookie the page can see. */
export function clearCookies(): void {
  for (const cookie of document.cookie.split(';')) {
    const name = cookie.split('=')[0]!.trim()
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`
  }
}

/** The classic integration instance as analytics.js-integration builds it (its typings stop at the options). */
export interface ClassicInstance {
  name: string
  options: Record<string, unknown>
  initialize(): void
  loaded(): boolean
  invoke(method: string, ...args: unknown[]): unknown
  page(facade: unknown): void
  identify(facade: unknown): void
  track(facade: unknown): void
  group(facade: unknown): void
  alias(facade: unknown): void
  once(event: string, listener: () => void): void
  on(event: string, listener: () => void): void
  map(options: unknown, key: string): unknown[]
}

/** `new HubSpot(options)`, the way analytics.js 1.x constructs an integration. */
export function classicIntegration(options: Record<string, unknown> = { portalId: PORTAL_ID }): ClassicInstance {
  return new HubSpot(options) as unknown as ClassicInstance
}

/**
 * The documented defaults of the options, restated here once as the spec: issue 2's, with custom behavioral
 * events and the visitor reset on log-out switched on by issue 8 (HubSpot: trackEvent "no longer works").
 */
export const DOCUMENTED_DEFAULTS = {
  loadFormsSdk: false,
  enableEuropeanDataCenter: false,
  flushIdentifyImmediately: false,
  useCustomBehavioralEvents: true,
  formatCustomBehavioralEventNames: true,
  events: {},
  consentCategories: [],
  resetVisitorOnReset: true,
  revokeCookiesOnReset: false,
} as const

/**
 * `window._hsq` as HubSpot's tracker leaves it once it has run: the same array, with an own `push` that
 * runs each command at once. Here "running" a command keeps a copy of it in the array (HubSpot's tracker
 * writes into the objects it gets, so a copy is what the destination must not rely on), and a function
 * is called, as the tracker calls it.
 */
export function trackerRunning(...pageCommands: unknown[]): unknown[] {
  const queue: unknown[] = [...pageCommands]
  Object.defineProperty(queue, 'push', {
    configurable: true,
    writable: true,
    value(...items: unknown[]) {
      for (const item of items) {
        if (typeof item === 'function') (item as () => void)()
        else Array.prototype.push.call(queue, item)
      }
      return queue.length
    },
  })
  page()._hsq = queue
  // HubSpot's tracker marks its run on the window.
  page()._hstc_ran = true
  return queue
}

// jsdom gives modules an http: import.meta.url; vitest runs from the package root.
const STAND_IN = readFileSync(join(process.cwd(), 'test/fixtures/hubspot-stand-in.js'), 'utf8')

/** What the stand-in for HubSpot's tracker (test/fixtures) ran and sent, as it records it on the page. */
export interface StandInRecord {
  commands: unknown[]
  beacons: string[]
  loads: Array<{ host: string; portalId: string }>
  loaded?: boolean
}

/**
 * Runs the stand-in for HubSpot's tracker in this jsdom page, as if its script had just arrived from
 * `src` (jsdom's document is already complete, so it drains `_hsq` at once). Returns its record.
 */
export function runStandIn(src = `https://js.hs-scripts.com/${PORTAL_ID}.js`): StandInRecord {
  const script = document.createElement('script')
  script.setAttribute('src', src)
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script })
  try {
    ;(0, eval)(STAND_IN)
  } finally {
    delete (document as { currentScript?: unknown }).currentScript
  }
  return (window as unknown as { __hubspot: StandInRecord }).__hubspot
}

export { readBeacon as beacon } from '../support/beacons'

/**
 * What HubSpot's tracker runs from this page: the stand-in arrives (unless it already has), drains
 * `_hsq`, and the destination sends what waited for it. The commands it ran, in order, without its
 * own setup (setPortalId, setTrackingDomain); its automatic first view is the `['trackPageView']`
 * that follows what `_hsq` held.
 */
export async function reachedHubSpot(): Promise<unknown[]> {
  const current = (window as unknown as { __hubspot?: StandInRecord }).__hubspot
  const record = current?.loaded ? current : runStandIn()
  await new Promise((resolve) => setTimeout(resolve, 0))
  return record.commands.filter((command) => !['setPortalId', 'setTrackingDomain'].includes((command as string[])[0]!))
}

/** A destination that records the events analytics-next hands to destinations. */
export function recorder(): Plugin & { events: SegmentEvent[] } {
  const events: SegmentEvent[] = []
  const record = (ctx: Context): Context => {
    events.push(JSON.parse(JSON.stringify(ctx.event)) as SegmentEvent)
    return ctx
  }
  return {
    name: 'Recorder',
    type: 'destination',
    version: '1.0.0',
    isLoaded: () => true,
    load: () => Promise.resolve(),
    page: record,
    identify: record,
    track: record,
    events,
  }
}
