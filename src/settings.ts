import { isRecord, ownEntries } from './flatten'
import { eventMatchKey } from './event-names'

/** Settings as a site owner writes them (or as Segment's CDN sends them). */
export interface HubSpotOptions {
  /** Your HubSpot Hub ID: digits only. */
  portalId: string | number
  loadFormsSdk?: boolean
  enableEuropeanDataCenter?: boolean
  flushIdentifyImmediately?: boolean
  useCustomBehavioralEvents?: boolean
  formatCustomBehavioralEventNames?: boolean
  /** Segment event name → HubSpot event id or internal name. */
  events?: Record<string, string> | Array<{ key: string; value: string }>
  /** Consent categories that must all be granted before anything reaches HubSpot. */
  consentCategories?: string[]
  /** On `analytics.reset()`, remove HubSpot's cookies so the next visitor is a new contact. */
  revokeCookiesOnReset?: boolean
}

/** Settings after parsing: every field present and trusted. */
export interface HubSpotSettings {
  portalId: string
  loadFormsSdk: boolean
  enableEuropeanDataCenter: boolean
  flushIdentifyImmediately: boolean
  useCustomBehavioralEvents: boolean
  formatCustomBehavioralEventNames: boolean
  /** Keyed by `eventMatchKey` of the Segment event name; the first mapping for a name wins. */
  events: ReadonlyMap<string, string>
  consentCategories: readonly string[]
  revokeCookiesOnReset: boolean
}

export const DEFAULT_OPTIONS = {
  loadFormsSdk: false,
  enableEuropeanDataCenter: false,
  flushIdentifyImmediately: false,
  useCustomBehavioralEvents: false,
  formatCustomBehavioralEventNames: true,
  events: {},
  consentCategories: [],
  revokeCookiesOnReset: false,
} as const

type BooleanSetting = {
  [K in keyof HubSpotSettings]: HubSpotSettings[K] extends boolean ? K : never
}[keyof HubSpotSettings]

const BOOLEAN_SETTINGS: readonly BooleanSetting[] = [
  'loadFormsSdk',
  'enableEuropeanDataCenter',
  'flushIdentifyImmediately',
  'useCustomBehavioralEvents',
  'formatCustomBehavioralEventNames',
  'revokeCookiesOnReset',
]

/** A setting that cannot be used; `setting` names it. */
export class HubSpotSettingsError extends Error {
  readonly setting: string
  constructor(setting: string, problem: string) {
    super(`HubSpot setting "${setting}" ${problem}`)
    this.name = 'HubSpotSettingsError'
    this.setting = setting
  }
}

/** A short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value
    return JSON.stringify(shown)
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (value === null || value === undefined) return String(value)
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}

const DIGITS = /^[0-9]+$/

/** The Hub ID as the digits that go into HubSpot's script URL. */
export function parsePortalId(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  if (typeof value === 'string' && DIGITS.test(value)) return value
  const hint =
    typeof value === 'string' && DIGITS.test(value.trim())
      ? '; remove the whitespace around it'
      : value === undefined || value === ''
        ? ' (find it under Settings > Account Defaults in HubSpot)'
        : ''
  throw new HubSpotSettingsError('portalId', `must be your Hub ID, digits only (like "62515"); got ${describe(value)}${hint}`)
}

function parseEvents(value: unknown): Map<string, string> {
  const events = new Map<string, string>()
  if (value === undefined || value === null) return events
  let pairs: Array<[unknown, unknown]>
  if (Array.isArray(value)) {
    // Segment's "mixed" mapping: [{ key, value }, ...]
    pairs = value.map((item) => (isRecord(item) ? [item.key, item.value] : [undefined, item]))
  } else if (isRecord(value)) {
    pairs = ownEntries(value)
  } else {
    throw new HubSpotSettingsError('events', `must map Segment event names to HubSpot event names; got ${describe(value)}`)
  }
  for (const [name, target] of pairs) {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new HubSpotSettingsError('events', `has an entry without a Segment event name (${describe(name)})`)
    }
    if (typeof target !== 'string' || target.trim() === '') {
      throw new HubSpotSettingsError(
        'events',
        `maps "${name}" to ${describe(target)}; it must be a HubSpot event id or internal name (a non-empty string)`,
      )
    }
    const key = eventMatchKey(name)
    if (!events.has(key)) events.set(key, target.trim())
  }
  return events
}

function parseConsentCategories(value: unknown): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.some((c) => typeof c !== 'string' || c.trim() === '')) {
    throw new HubSpotSettingsError('consentCategories', `must be a list of consent category names; got ${describe(value)}`)
  }
  return value.map((c: string) => c.trim())
}

/** Defaults filled in and every setting checked; throws `HubSpotSettingsError` naming the bad one. */
export function parseSettings(options: unknown): HubSpotSettings {
  if (!isRecord(options)) {
    throw new HubSpotSettingsError('portalId', `is required; settings were ${describe(options)}`)
  }
  const read = (name: string): unknown => {
    try {
      return options[name]
    } catch {
      throw new HubSpotSettingsError(name, 'could not be read')
    }
  }
  const flags = {} as Record<BooleanSetting, boolean>
  for (const name of BOOLEAN_SETTINGS) {
    const value = read(name)
    if (value === undefined || value === null) flags[name] = DEFAULT_OPTIONS[name]
    else if (typeof value === 'boolean') flags[name] = value
    else throw new HubSpotSettingsError(name, `must be true or false; got ${describe(value)}`)
  }
  const settings: HubSpotSettings = {
    portalId: parsePortalId(read('portalId')),
    ...flags,
    events: parseEvents(read('events')),
    consentCategories: parseConsentCategories(read('consentCategories')),
  }
  return settings
}
