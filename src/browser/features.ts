import type { BrowserWindow } from './loader'
import { isRecord, ownKeys } from '../core/flatten'
import type { Log } from '../core/log'
import type { FieldMappings, HubSpotSettings } from '../core/settings'
import { fail } from '../core/settings-check'
import type { HubSpotCommand, SegmentEvent } from '../core/types'

/** A source middleware's argument, as analytics-next hands it (`payload.obj` is the event on its way out). */
export interface MiddlewareInput {
  payload: { obj: object }
  next(payload: unknown): void
}

/** What the features use of the page's analytics (analytics-next; analytics.js 1.x has the same calls). */
export interface SegmentAnalytics {
  track?(event: string, properties?: object, options?: object): unknown
  identify?(traits: object, options?: object): unknown
  addSourceMiddleware?(middleware: (input: MiddlewareInput) => void): unknown
}

/** What a feature that runs on the page gets from the destination. */
export interface FeatureContext {
  win: BrowserWindow
  settings: HubSpotSettings
  analytics: SegmentAnalytics
  /** Pushes commands for HubSpot's tracker as the destination does: held, in order, until it runs. */
  push(commands: HubSpotCommand[]): void
  /** The destination may act: consent is granted (and not taken back), and `event`, if given, grants it too. */
  consented(event?: unknown): boolean
  /** With `consentFromHubSpotBanner`: whether HubSpot's cookie banner allows tracking now (nothing is sent before). */
  allow?(allowed: boolean): void
  log: Log
}

/**
 * What a site switches on with a setting. Handed in, not imported, so the default plugin carries none
 * of it; `hubspot-destination/full`, the classic integration and the script-tag and CDN bundles have all.
 */
export interface Features {
  /** `loadFormsSdk`: adds HubSpot's Forms SDK; settles once `hbspt.forms` is there or it gave up. */
  formsSdk?: (win: BrowserWindow, settings: HubSpotSettings, warn: (message: string) => void) => Promise<void>
  /** `useCustomBehavioralEvents: false`: HubSpot's legacy `trackEvent`. */
  legacyEvent?: (id: string, properties: unknown, notes: string[]) => HubSpotCommand
  /** The settings parser that also checks the full plugin's own settings (`mappings`, `formFields`). */
  parseSettings?: (options: unknown) => HubSpotSettings
  /** `mappings`: the event with each mapped field moved to where the mapping reads it by default. */
  mapFields?: (event: SegmentEvent, mappings: Readonly<FieldMappings>) => SegmentEvent
  /**
   * What runs on the page once the destination has loaded (with the page's analytics): the visitor token,
   * form submissions, HubSpot's cookie banner, as the settings say. Returns what stops it.
   */
  attach?: (context: FeatureContext) => () => void
}

// The settings a site switches on that need a feature, each with the value that switches it on
// (undefined: `mappings` and `formFields`, which the main plugin keeps as given, unchecked).
const OPT_IN: ReadonlyArray<[keyof HubSpotSettings, unknown]> = [
  ['loadFormsSdk', true],
  ['useCustomBehavioralEvents', false],
  ['mappings', undefined],
  ['formFields', undefined],
  ['trackFormSubmissions', true],
  ['attachUserToken', true],
  ['consentFromHubSpotBanner', true],
]

/** Anything but nothing: an empty plain object or list is no setting; a `Map`, a string or `[]` of mappings is. */
const given = (value: unknown, name: keyof HubSpotSettings): boolean =>
  !(name === 'formFields' ? Array.isArray(value) && !value.length : isRecord(value) && !ownKeys(value).length)

/** The entry whose plugin has every feature. */
export const FULL_ENTRY = 'hubspot-destination/full'

/** Throws a settings error naming a setting that needs a feature these `features` lack. */
export function checkFeatures(settings: HubSpotSettings, features: Features): void {
  // The full plugin has every feature; the main one has none.
  if (features.attach) return
  for (const [name, on] of OPT_IN) {
    const value = settings[name]
    if (on === undefined ? given(value, name) : value === on) {
      fail(name, `needs ${__DEV__ ? `the plugin of "${FULL_ENTRY}": import { hubspot } from '${FULL_ENTRY}'` : FULL_ENTRY}`, value)
    }
  }
}
