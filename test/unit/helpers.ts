import HubSpot from '../../src/index'
import type { HubSpotWindow } from '../../src/queue'
import { parseSettings, type HubSpotOptions, type HubSpotSettings } from '../../src/settings'

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
  localStorage.clear()
  sessionStorage.clear()
  clearCookies()
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

/** The defaults issue 2 documents for the classic options, restated here once as the spec. */
export const DOCUMENTED_DEFAULTS = {
  loadFormsSdk: false,
  enableEuropeanDataCenter: false,
  flushIdentifyImmediately: false,
  useCustomBehavioralEvents: false,
  formatCustomBehavioralEventNames: true,
  events: {},
} as const
