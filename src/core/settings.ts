import { closestName } from './closest-name'
import { field, isRecord, ownKeys } from './flatten'
import { eventMatchKey } from './event-names'
import { parseOptInSettings, type FieldMappings } from './opt-in-settings'
import { HubSpotSettingsError, INVALID, describe, fail, parseNames } from './settings-check'

export { HubSpotSettingsError, describe } from './settings-check'

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
  /** The HubSpot data centre the portal's scripts come from (`na1` unless HubSpot's embed code says otherwise). */
  region?: HubSpotRegion
  /** A successful HubSpot form submission on the page becomes `Form Submitted` (and an identify with its email) in Segment. */
  trackFormSubmissions?: boolean
  /** Form fields whose values `trackFormSubmissions` sends besides the email (never passwords or payment data). */
  formFields?: string[]
  /** HubSpot's visitor token on every Segment event, as `context.hubspot.utk`. */
  attachUserToken?: boolean
  /** HubSpot's cookie banner decides the consent for this destination. */
  consentFromHubSpotBanner?: boolean
  /** Where in the Segment event each field is read from: dotted paths (`traits.contact.email`). */
  mappings?: FieldMappings
}

/** HubSpot's data centres that serve its scripts: `js-<region>.hs-scripts.com` (`js.hs-scripts.com` for na1). */
export const REGIONS = ['na1', 'na2', 'eu1', 'ap1'] as const
export type HubSpotRegion = (typeof REGIONS)[number]

export { MAPPED_FIELDS, type FieldMappings } from './opt-in-settings'

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
  /** `enableEuropeanDataCenter: true` is `eu1`. */
  region: HubSpotRegion
  trackFormSubmissions: boolean
  formFields: readonly string[]
  attachUserToken: boolean
  consentFromHubSpotBanner: boolean
  mappings: Readonly<FieldMappings>
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
  region: 'na1',
  trackFormSubmissions: false,
  formFields: [],
  attachUserToken: false,
  consentFromHubSpotBanner: false,
  mappings: {},
} as const

/** Another spelling accepted for a setting: Segment's newer HubSpot destination's. */
const ALIASES: Readonly<Partial<Record<keyof typeof DEFAULT_OPTIONS, string>>> = { loadFormsSdk: 'loadFormsSDK' }

type BooleanSetting = {
  [K in keyof HubSpotSettings]: HubSpotSettings[K] extends boolean ? K : never
}[keyof HubSpotSettings]


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

/** The data centre: `region`, else `eu1` for `enableEuropeanDataCenter`; the two must agree. */
function parseRegion(value: unknown, european: unknown): HubSpotRegion {
  if (value != null && !REGIONS.includes(value as HubSpotRegion)) fail('region', __DEV__ ? `must be one of ${REGIONS.join(', ')}` : INVALID, value)
  // The classic integration fills in the default, na1, so only another region can disagree with the EU switch.
  if (european !== true || value === 'eu1') return (value as HubSpotRegion | undefined) ?? 'na1'
  if (value != null && value !== 'na1') fail('region', __DEV__ ? 'disagrees with enableEuropeanDataCenter: true (which is eu1)' : INVALID, value)
  return 'eu1'
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
export const parseSettings = (options: unknown): HubSpotSettings => parseCoreSettings(options, parseOptInSettings)

/** `parseSettings` without the checks of the settings only the full plugin uses, unless `optIn` does them. */
export function parseCoreSettings(options: unknown, optIn?: typeof parseOptInSettings): HubSpotSettings {
  if (!isRecord(options)) fail('portalId', 'is required', options)
  const read = (name: string): unknown => parseOne(name, () => options[name])
  const settings: Partial<HubSpotSettings> = {
    portalId: parseOne('portalId', () => parsePortalId(read('portalId'))),
    events: parseOne('events', () => parseEvents(read('events'))),
    consentCategories: parseOne('consentCategories', () => parseNames('consentCategories', read('consentCategories'))),
    // Without their checks (the main plugin): kept as given, so that one set is reported as needing the full plugin.
    ...(optIn
      ? parseOne('mappings', () => optIn(read))
      : { formFields: (read('formFields') ?? []) as string[], mappings: (read('mappings') ?? {}) as FieldMappings }),
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
  settings.region = parseOne('region', () => parseRegion(read('region'), settings.enableEuropeanDataCenter))
  settings.enableEuropeanDataCenter = settings.region === 'eu1'
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
