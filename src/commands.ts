import { grantsConsent } from './consent'
import { customBehavioralEventName, mappedEvent } from './event-names'
import { MAX_VALUE_LENGTH, field } from './flatten'
import { hasOwn } from './keys'
import { contactEntries } from './contact'
import { collectProperties } from './normalize'
import type { HubSpotSettings } from './settings'
import { isReservedIdentityKey, isTrackerField, survivesEmptying } from './tracker-fields'
import type { HubSpotCommand, HubSpotProperties, SegmentEvent } from './types'
import { trimText } from './values'

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

// RFC 5321 caps an address at 254 characters; the cap also keeps the regex cheap.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function asEmail(value: unknown): string | undefined {
  const email = typeof value === 'string' ? trimText(value) : ''
  return email.length <= 254 && EMAIL.test(email) ? email : undefined
}

function asUserId(value: unknown): string | undefined {
  const id = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? trimText(value) : ''
  return id || undefined
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** `['identify', { email, id?, ...traits }]`, or nothing without an email. */
function identifyCommand(traits: unknown, userId: unknown, userIdMayBeEmail: boolean, notes: string[]): HubSpotCommand | undefined {
  const { out: contact, notes: leftOut } = contactEntries(traits)
  notes.push(...leftOut)
  let id = asUserId(userId) ?? contact.id
  if (typeof id === 'string' && id.length > MAX_VALUE_LENGTH) {
    notes.push(`userId left out: longer than ${MAX_VALUE_LENGTH} characters`)
    id = undefined
  }
  // The email is read on its own too: no cap on the other traits may cost the contact.
  const email = asEmail(contact.email) ?? asEmail(field(traits, 'email')) ?? (userIdMayBeEmail ? asEmail(id) : undefined)
  if (!email) return undefined
  // email and id lead, so the command reads the way HubSpot documents it.
  const payload: HubSpotProperties = id === undefined ? { email } : { email, id }
  // Own keys only: a polluted Object.prototype must not reach HubSpot.
  for (const key of Object.keys(contact)) {
    if (isReservedIdentityKey(key)) notes.push(`trait "${key}" left out: HubSpot's tracker reads it as another visitor's token`)
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

/** The legacy custom event: `{ id, value?, ...properties }`; no property may take one of the tracker's own fields. */
function trackEventPayload(id: string, properties: unknown, notes: string[]): HubSpotProperties & { id: string; value?: number | string } {
  const { out: props, notes: leftOut } = collectProperties(properties)
  notes.push(...leftOut)
  const { value, revenue } = props
  const amount = isFiniteNumber(value) ? value : isFiniteNumber(revenue) ? revenue : undefined
  const payload: HubSpotProperties & { id: string; value?: number | string } =
    amount === undefined ? { id } : { id, value: survivesEmptying(amount) }
  for (const key of Object.keys(props)) {
    // revenue stays a property unless it became the value.
    if (key === 'value' || (key === 'revenue' && amount === revenue && value !== revenue)) continue
    const moved = key === 'id' || isTrackerField(key)
    if (moved && hasOwn(props, `_${key}`)) notes.push(`property "${key}" left out: it is a field of HubSpot's beacon and "_${key}" is taken`)
    else if (moved && key !== 'id') notes.push(`property "${key}" sent as "_${key}": "${key}" is a field of HubSpot's beacon`)
    if (!moved) payload[key] = props[key]!
    else if (!hasOwn(props, `_${key}`)) payload[`_${key}`] = props[key]!
  }
  return payload
}

/** Custom behavioral event properties, with `0` and `false` as text so the tracker does not empty them. */
function behavioralProperties(properties: unknown, notes: string[]): HubSpotProperties {
  const { out: props, notes: leftOut } = collectProperties(properties)
  notes.push(...leftOut)
  for (const key of Object.keys(props)) {
    // Sent as `_<key>`: `_proto__` would become `__proto__` in the tracker and vanish.
    if (key === '_proto__') {
      notes.push(`property "${key}" left out: HubSpot's tracker loses it`)
      delete props[key]
    } else props[key] = survivesEmptying(props[key]!)
  }
  return props
}

function trackCommands(event: SegmentEvent, settings: HubSpotSettings, notes: string[]): HubSpotCommand[] | string {
  const name = field(event, 'event')
  const trimmed = typeof name === 'string' ? trimText(name) : ''
  if (!trimmed) return 'track needs an event name'
  if (trimmed.length > MAX_EVENT_NAME_LENGTH) return `track event names are limited to ${MAX_EVENT_NAME_LENGTH} characters`
  const contextTraits = field(field(event, 'context'), 'traits')
  // "Setting Contact Properties on Track": identify first so the event lands on that contact.
  const identify = asEmail(field(contextTraits, 'email')) && identifyCommand(contextTraits, field(event, 'userId'), false, notes)
  const mapped = mappedEvent(settings.events, trimmed)
  const properties = field(event, 'properties')
  let command: HubSpotCommand
  if (settings.useCustomBehavioralEvents) {
    const internal = mapped ?? (settings.formatCustomBehavioralEventNames ? customBehavioralEventName(trimmed, settings.portalId) : trimmed)
    if (!internal) return `event name ${JSON.stringify(trimmed.slice(0, 40))} has nothing HubSpot's internal names can hold (a-z, 0-9, _): map it with the "events" setting`
    command = ['trackCustomBehavioralEvent', { name: internal, properties: behavioralProperties(properties, notes) }]
  } else {
    command = ['trackEvent', trackEventPayload(mapped ?? trimmed, properties, notes)]
  }
  return identify ? [identify, command] : [command]
}

const NOT_SENT: Readonly<Record<string, string>> = {
  group: "group needs HubSpot's server-side Companies API",
  alias: "alias has no HubSpot tracking command",
}

function commandsFor(type: unknown, event: SegmentEvent, settings: HubSpotSettings, state: MappingState, notes: string[]): HubSpotCommand[] | string {
  switch (type) {
    case 'page': {
      const path = pagePath(event)
      // The first view is HubSpot's own: it only needs the path.
      const view: HubSpotCommand[] = state.pageSeen ? [['trackPageView']] : []
      return path ? [['setPath', path], ...view] : state.pageSeen ? view : "first page view: HubSpot's script records it"
    }
    case 'identify': {
      const identify = identifyCommand(field(event, 'traits'), field(event, 'userId'), true, notes)
      if (!identify) return 'identify needs an email (traits.email, or a userId that is one)'
      return settings.flushIdentifyImmediately ? [identify, ['trackPageView']] : [identify]
    }
    case 'track':
      return trackCommands(event, settings, notes)
    default:
      return (typeof type === 'string' && hasOwn(NOT_SENT, type) ? NOT_SENT[type] : undefined) ?? `no HubSpot command for a ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeof type} call`
  }
}

/**
 * The HubSpot commands one Segment event becomes. Pure: the caller keeps `state`
 * and replaces it with the returned one.
 */
export function toCommands(event: SegmentEvent, settings: HubSpotSettings, state: MappingState): Mapping {
  const type = field(event, 'type')
  const next = type === 'page' ? { pageSeen: true } : state
  const notes: string[] = []
  const result = grantsConsent(event, settings.consentCategories)
    ? commandsFor(type, event, settings, state, notes)
    : `consent not granted for ${settings.consentCategories.join(', ')}`
  const mapping: Mapping = typeof result === 'string' ? { commands: [], state: next, skipped: result } : { commands: result, state: next }
  // Six lines at most, however much one event loses.
  if (notes.length) mapping.notes = notes.length > 6 ? [...notes.slice(0, 5), `and ${notes.length - 5} more notes like these`] : notes
  return mapping
}
