import { closestName } from './closest-name'
import { field, isRecord, ownKeys } from './flatten'
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
  /** On `analytics.reset()`, clear the identity in HubSpot's tracker and start a new HubSpot visitor (default `true`). */
  resetVisitorOnReset?: boolean
  /** On `analytics.reset()`, also revoke HubSpot's cookie consent (for sites with HubSpot's cookie banner). */
  revokeCookiesOnReset?: boolean
  /** Spelling of Segment's newer HubSpot destination (Hubspot Web (Actions)) for `loadFormsSdk`. */
  loadFormsSDK?: boolean
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
  resetVisitorOnReset: boolean
  revokeCookiesOnReset: boolean
}

export const DEFAULT_OPTIONS = {
  loadFormsSdk: false,
  enableEuropeanDataCenter: false,
  flushIdentifyImmediately: false,
  // HubSpot's API reference: trackEvent "has been deprecated and no longer works".
  useCustomBehavioralEvents: true,
  formatCustomBehavioralEventNames: true,
  events: {},
  consentCategories: [],
  resetVisitorOnReset: true,
  revokeCookiesOnReset: false,
} as const

/** Another spelling accepted for a setting: Segment's newer HubSpot destination's. */
const ALIASES: Readonly<Partial<Record<keyof typeof DEFAULT_OPTIONS, string>>> = { loadFormsSdk: 'loadFormsSDK' }

type BooleanSetting = {
  [K in keyof HubSpotSettings]: HubSpotSettings[K] extends boolean ? K : never
}[keyof HubSpotSettings]

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
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'object' && value !== null) {
    try {
      return Array.isArray(value) ? 'an array' : 'an object'
    } catch {
      return 'an object' // a revoked Proxy
    }
  }
  return typeof value === 'function' || typeof value === 'symbol' ? `a ${typeof value}` : String(value)
}

/** Throws the settings error; `problem` is the development build's explanation, production's is shorter. */
function fail(setting: string, problem: string, value: unknown): never {
  throw new HubSpotSettingsError(setting, `${problem}; got ${describe(value)}`)
}

const INVALID = 'is invalid'

// A Hub ID is a safe integer: at most 16 digits.
const DIGITS = /^\d{1,16}$/

/** The Hub ID as the digits that go into HubSpot's script URL. */
export function parsePortalId(value: unknown): string {
  if (value == null || value === '') fail('portalId', __DEV__ ? 'is required: your Hub ID, digits only (like "62515")' : 'is required', value)
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  if (typeof value === 'string' && DIGITS.test(value) && Number(value) <= Number.MAX_SAFE_INTEGER) return value
  if (!__DEV__) return fail('portalId', 'must be digits', value)
  const untrimmed = typeof value === 'string' && DIGITS.test(value.trim())
  return fail('portalId', `must be your Hub ID, digits only (like "62515")${untrimmed ? ', without spaces around it' : ''}`, value)
}

function parseEvents(value: unknown): Map<string, string> {
  const events = new Map<string, string>()
  if (value == null) return events
  // An object, or Segment's "mixed" mapping: [{ key, value }, ...]
  // Array.from visits the holes of a sparse list too (as undefined), where map would leave them.
  const pairs = Array.isArray(value)
    ? Array.from(value as unknown[], (item): [unknown, unknown] => (isRecord(item) ? [item.key, item.value] : [item, undefined]))
    : isRecord(value)
      ? ownKeys(value).map((name): [unknown, unknown] => [name, field(value, name)])
      : fail('events', __DEV__ ? 'must map Segment event names to HubSpot event names' : INVALID, value)
  for (const [name, target] of pairs) {
    if (typeof name !== 'string' || !name.trim()) fail('events', __DEV__ ? 'needs a Segment event name for each entry' : INVALID, name)
    if (typeof target !== 'string' || !target.trim()) {
      fail('events', __DEV__ ? `maps ${describe(name)} to a HubSpot event id or internal name, which must be a non-empty string` : INVALID, target)
    }
    const key = eventMatchKey(name)
    if (!events.has(key)) events.set(key, target.trim())
  }
  return events
}

function parseConsentCategories(value: unknown): string[] {
  if (value == null) return []
  const categories = Array.isArray(value) ? Array.from(value as unknown[]) : []
  if (!Array.isArray(value) || categories.some((c) => typeof c !== 'string' || !c.trim())) {
    fail('consentCategories', __DEV__ ? 'must be a list of consent category names' : INVALID, value)
  }
  return categories.map((c) => (c as string).trim())
}

/** One setting's parser; whatever else it throws (a revoked Proxy, a getter that throws) becomes a settings error naming it. */
function parseOne<T>(name: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof HubSpotSettingsError) throw error
    throw new HubSpotSettingsError(name, __DEV__ ? 'could not be read: reading it threw' : 'threw')
  }
}

/** Defaults filled in and every setting checked; throws `HubSpotSettingsError` naming the bad one. */
export function parseSettings(options: unknown): HubSpotSettings {
  if (!isRecord(options)) fail('portalId', 'is required', options)
  const read = (name: string): unknown => parseOne(name, () => options[name])
  const settings: Partial<HubSpotSettings> = {
    portalId: parseOne('portalId', () => parsePortalId(read('portalId'))),
    events: parseOne('events', () => parseEvents(read('events'))),
    consentCategories: parseOne('consentCategories', () => parseConsentCategories(read('consentCategories'))),
  }
  for (const [name, fallback] of Object.entries(DEFAULT_OPTIONS)) {
    if (typeof fallback !== 'boolean') continue
    const alias = ALIASES[name as keyof typeof DEFAULT_OPTIONS]
    // The alias counts unless the documented spelling says otherwise than its default (the classic fills defaults in).
    const canonical = read(name)
    const written = alias && read(alias) != null && (canonical == null || canonical === fallback) ? alias : name
    const value = read(written)
    if (value != null && typeof value !== 'boolean') fail(written, 'must be true or false', value)
    settings[name as BooleanSetting] = (value as boolean | null | undefined) ?? fallback
  }
  return settings as HubSpotSettings
}

/** One warning per setting this destination does not know, naming the closest known one (development builds warn). */
export function unknownSettings(options: unknown): string[] {
  if (!isRecord(options)) return []
  // Keys Segment's CDN settings carry for every destination, and the cloud-mode half's; not ours to judge.
  const SEGMENT_KEYS = ['apiKey', 'accessToken', 'type', 'versionSettings', 'bundlingStatus']
  const KNOWN = ['portalId', ...Object.keys(DEFAULT_OPTIONS), ...Object.values(ALIASES)]
  return ownKeys(options)
    .filter((name) => !KNOWN.includes(name) && !SEGMENT_KEYS.includes(name))
    .slice(0, 10)
    .map((name) => `HubSpot setting ${describe(name)} is not known and is ignored; did you mean "${closestName(name, KNOWN)}"?`)
}
