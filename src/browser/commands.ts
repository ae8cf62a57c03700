import { grantsConsent } from '../core/consent'
import { asEmail, asUserId } from '../core/identity'
import { fewNotes } from '../core/log'
import { customBehavioralEventName, mappedEvent } from '../core/event-names'
import { MAX_VALUE_LENGTH, field, ownKeys } from '../core/flatten'
import { FULL_ENTRY, type Features } from './features'
import { hasOwn } from '../core/keys'
import { legacyEvent } from './legacy-event'
import { mapFields } from '../core/mappings'
import { contactEntries } from '../core/contact'
import { collectProperties } from '../core/normalize'
import type { HubSpotSettings } from '../core/settings'
import { isReservedIdentityKey, survivesEmptying } from './tracker-fields'
import type { HubSpotCommand, HubSpotProperties, SegmentEvent } from '../core/types'
import { trimText } from '../core/values'

/** What the mapping remembers between events. */
export interface MappingState {
  /** A page call has been seen: the first one is HubSpot's automatic view, which only needs its path. */
  pageSeen: boolean
}

export const INITIAL_STATE: MappingState = { pageSeen: false }

/**
 * The commands for one event, the state after it, why nothing was sent when that is the case,
 * and what was left out or renamed on the way.
 */
export interface Mapping {
  commands: HubSpotCommand[]
  state: MappingState
  skipped?: string
  notes?: string[]
}

/** Longer event names are not sent: no HubSpot event has one, and mapping them costs time. */
export const MAX_EVENT_NAME_LENGTH = 1000

/** `['identify', { email, id?, ...traits }]`, or nothing without an email. */
function identifyCommand(traits: unknown, userId: unknown, userIdMayBeEmail: boolean, notes: string[]): HubSpotCommand | undefined {
  const { out: contact, notes: leftOut } = contactEntries(traits)
  notes.push(...leftOut)
  let id = asUserId(userId) ?? (field(contact, 'id') as string | number | boolean | undefined)
  if (typeof id === 'string' && id.length > MAX_VALUE_LENGTH) {
    notes.push(__DEV__ ? `userId left out: longer than ${MAX_VALUE_LENGTH} characters` : 'userId left out')
    id = undefined
  }
  // The email is read on its own too: no cap on the other traits may cost the contact.
  const email = asEmail(field(contact, 'email')) ?? asEmail(field(traits, 'email')) ?? (userIdMayBeEmail ? asEmail(id) : undefined)
  if (!email) return undefined
  // email and id lead, so the command reads the way HubSpot documents it.
  const payload: HubSpotProperties = id === undefined ? { email } : { email, id }
  // Own keys only: a polluted Object.prototype must not reach HubSpot.
  for (const key of Object.keys(contact)) {
    if (isReservedIdentityKey(key)) notes.push(__DEV__ ? `trait "${key}" left out: HubSpot's tracker reads it as another visitor's token` : `"${key}" left out`)
    else if (key !== 'email' && key !== 'id') payload[key] = contact[key]!
  }
  return ['identify', payload]
}

/** The page's path and query, as `setPath` takes it; `undefined` when the event has no path. */
export function pagePath(event: SegmentEvent): string | undefined {
  const properties = field(event, 'properties')
  const source = typeof field(properties, 'path') === 'string' ? properties : field(field(event, 'context'), 'page')
  const path = field(source, 'path')
  const search = field(source, 'search')
  if (typeof path !== 'string' || path[0] !== '/') return undefined
  return path + (typeof search === 'string' && search ? (search[0] === '?' ? search : `?${search}`) : '')
}

/** Custom behavioral event properties, with `0` and `false` as text so the tracker does not empty them. */
function behavioralProperties(properties: unknown, notes: string[]): HubSpotProperties {
  const { out: props, notes: leftOut } = collectProperties(properties)
  notes.push(...leftOut)
  for (const key of Object.keys(props)) {
    // Sent as `_<key>`: `_proto__` would become `__proto__` in the tracker and vanish.
    if (key === '_proto__') {
      notes.push(__DEV__ ? `property "${key}" left out: HubSpot's tracker loses it` : `"${key}" left out`)
      delete props[key]
    } else props[key] = survivesEmptying(props[key]!)
  }
  return props
}

function trackCommands(event: SegmentEvent, settings: HubSpotSettings, features: Features, notes: string[]): HubSpotCommand[] | string {
  const name = field(event, 'event')
  const trimmed = typeof name === 'string' ? trimText(name) : ''
  if (!trimmed) return __DEV__ ? 'track needs an event name' : 'no event name'
  if (trimmed.length > MAX_EVENT_NAME_LENGTH) return __DEV__ ? `track event names are limited to ${MAX_EVENT_NAME_LENGTH} characters` : 'event name too long'
  const contextTraits = field(field(event, 'context'), 'traits')
  // "Setting Contact Properties on Track": identify first so the event lands on that contact.
  const identify = asEmail(field(contextTraits, 'email')) && identifyCommand(contextTraits, field(event, 'userId'), false, notes)
  const mapped = mappedEvent(settings.events, trimmed)
  const properties = field(event, 'properties')
  let command: HubSpotCommand
  if (settings.useCustomBehavioralEvents) {
    const internal = mapped ?? (settings.formatCustomBehavioralEventNames ? customBehavioralEventName(trimmed, settings.portalId) : trimmed)
    if (!internal) {
      const shown = JSON.stringify(trimmed.slice(0, 40))
      return __DEV__ ? `event name ${shown} has nothing HubSpot's internal names can hold (a-z, 0-9, _): map it with the "events" setting` : `no internal name for ${shown}`
    }
    command = ['trackCustomBehavioralEvent', { name: internal, properties: behavioralProperties(properties, notes) }]
  } else if (features.legacyEvent) {
    command = features.legacyEvent(mapped ?? trimmed, properties, notes)
  } else return `legacy events need ${FULL_ENTRY}`
  return identify ? [identify, command] : [command]
}

const NOT_SENT: Readonly<Record<string, string>> = {
  group: "group needs HubSpot's server-side Companies API",
  alias: "alias has no HubSpot tracking command",
}

function commandsFor(type: unknown, event: SegmentEvent, settings: HubSpotSettings, state: MappingState, features: Features, notes: string[]): HubSpotCommand[] | string {
  switch (type) {
    case 'page': {
      const path = pagePath(event)
      // The first view is HubSpot's own: it only needs the path.
      const view: HubSpotCommand[] = state.pageSeen ? [['trackPageView']] : []
      return path ? [['setPath', path], ...view] : state.pageSeen ? view : __DEV__ ? "first page view: HubSpot's script records it" : 'first page view'
    }
    case 'identify': {
      const identify = identifyCommand(field(event, 'traits'), field(event, 'userId'), true, notes)
      if (!identify) return __DEV__ ? 'identify needs an email (traits.email, or a userId that is one)' : 'no email'
      return settings.flushIdentifyImmediately ? [identify, ['trackPageView']] : [identify]
    }
    case 'track':
      return trackCommands(event, settings, features, notes)
    default:
      return (__DEV__ && typeof type === 'string' && hasOwn(NOT_SENT, type) ? NOT_SENT[type] : undefined) ?? `no HubSpot command for a ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeof type} call`
  }
}

/**
 * The HubSpot commands one Segment event becomes. Pure: the caller keeps `state`
 * and replaces it with the returned one.
 */
export const toCommands = (event: SegmentEvent, settings: HubSpotSettings, state: MappingState): Mapping =>
  mapEvent(event, settings, state, { legacyEvent, mapFields })

/** `toCommands` with only the given features: a setting that needs another is not mapped. */
export function mapEvent(input: SegmentEvent, settings: HubSpotSettings, state: MappingState, features: Features): Mapping {
  // `mappings`: each field read from where the site says, then mapped as usual.
  const event = features.mapFields && ownKeys(settings.mappings).length ? features.mapFields(input, settings.mappings) : input
  const type = field(event, 'type')
  const next = type === 'page' ? { pageSeen: true } : state
  const notes: string[] = []
  const result = grantsConsent(event, settings.consentCategories)
    ? commandsFor(type, event, settings, state, features, notes)
    : `consent not granted${__DEV__ ? ` for ${settings.consentCategories.join(', ')}` : ''}`
  const mapping: Mapping = typeof result === 'string' ? { commands: [], state: next, skipped: result } : { commands: result, state: next }
  if (notes.length) mapping.notes = fewNotes(notes)
  return mapping
}
