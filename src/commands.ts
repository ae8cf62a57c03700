import { grantsConsent } from './consent'
import { customBehavioralEventName, mappedEvent } from './event-names'
import { field } from './flatten'
import { hasOwn } from './keys'
import { normalizeProperties, normalizeTraits } from './normalize'
import type { HubSpotSettings } from './settings'
import type { HubSpotCommand, HubSpotProperties, SegmentEvent } from './types'
import { trimText } from './values'

/** What the mapping remembers between events. */
export interface MappingState {
  /** A page call has been seen: HubSpot's script records the first view itself. */
  pageSeen: boolean
}

export const INITIAL_STATE: MappingState = { pageSeen: false }

/** The commands for one event, the state after it, and why nothing was sent when that is the case. */
export interface Mapping {
  commands: HubSpotCommand[]
  state: MappingState
  skipped?: string
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
function identifyCommand(traits: unknown, userId: unknown, userIdMayBeEmail: boolean): HubSpotCommand | undefined {
  const contact = normalizeTraits(traits)
  const id = asUserId(userId) ?? contact.id
  const email = asEmail(contact.email) ?? (userIdMayBeEmail ? asEmail(id) : undefined)
  if (!email) return undefined
  // email and id lead, so the command reads the way HubSpot documents it.
  const payload: HubSpotProperties = id === undefined ? { email } : { email, id }
  for (const key in contact) if (key !== 'email' && key !== 'id') payload[key] = contact[key]!
  return ['identify', payload]
}

function pageCommands(event: SegmentEvent): HubSpotCommand[] {
  const properties = field(event, 'properties')
  const source = typeof field(properties, 'path') === 'string' ? properties : field(field(event, 'context'), 'page')
  const path = field(source, 'path')
  const search = field(source, 'search')
  if (typeof path !== 'string' || path[0] !== '/') return [['trackPageView']]
  const query = typeof search === 'string' && search ? (search[0] === '?' ? search : `?${search}`) : ''
  return [['setPath', path + query], ['trackPageView']]
}

/** The legacy custom event: `{ id, value?, ...properties }`, with `properties.id` moved to `_id`. */
function trackEventPayload(id: string, properties: unknown): HubSpotProperties & { id: string; value?: number } {
  const props = normalizeProperties(properties)
  const { id: ownId, value, revenue } = props
  const amount = isFiniteNumber(value) ? value : isFiniteNumber(revenue) ? revenue : undefined
  const payload: HubSpotProperties & { id: string; value?: number } = amount === undefined ? { id } : { id, value: amount }
  for (const key in props) {
    // revenue stays a property unless it became the value.
    if (key !== 'id' && key !== 'value' && (key !== 'revenue' || amount !== revenue || value === revenue)) payload[key] = props[key]!
  }
  if (ownId !== undefined && !hasOwn(props, '_id')) payload._id = ownId
  return payload
}

function trackCommands(event: SegmentEvent, settings: HubSpotSettings): HubSpotCommand[] | string {
  const name = field(event, 'event')
  if (typeof name !== 'string' || !trimText(name)) return 'track needs an event name'
  if (name.length > MAX_EVENT_NAME_LENGTH) return `track event names are limited to ${MAX_EVENT_NAME_LENGTH} characters`
  const contextTraits = field(field(event, 'context'), 'traits')
  // "Setting Contact Properties on Track": identify first so the event lands on that contact.
  const identify = asEmail(field(contextTraits, 'email')) && identifyCommand(contextTraits, field(event, 'userId'), false)
  const mapped = mappedEvent(settings.events, name)
  const properties = field(event, 'properties')
  const command: HubSpotCommand = settings.useCustomBehavioralEvents
    ? [
        'trackCustomBehavioralEvent',
        {
          name: mapped ?? (settings.formatCustomBehavioralEventNames ? customBehavioralEventName(name, settings.portalId) : name),
          properties: normalizeProperties(properties),
        },
      ]
    : ['trackEvent', trackEventPayload(mapped ?? name, properties)]
  return identify ? [identify, command] : [command]
}

const NOT_SENT: Readonly<Record<string, string>> = {
  group: "group needs HubSpot's server-side Companies API",
  alias: "alias has no HubSpot tracking command",
}

function commandsFor(type: unknown, event: SegmentEvent, settings: HubSpotSettings, state: MappingState): HubSpotCommand[] | string {
  switch (type) {
    case 'page':
      return state.pageSeen ? pageCommands(event) : "first page view: HubSpot's script records it"
    case 'identify': {
      const identify = identifyCommand(field(event, 'traits'), field(event, 'userId'), true)
      if (!identify) return 'identify needs an email (traits.email, or a userId that is one)'
      return settings.flushIdentifyImmediately ? [identify, ['trackPageView']] : [identify]
    }
    case 'track':
      return trackCommands(event, settings)
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
  const result = grantsConsent(event, settings.consentCategories)
    ? commandsFor(type, event, settings, state)
    : `consent not granted for ${settings.consentCategories.join(', ')}`
  return typeof result === 'string' ? { commands: [], state: next, skipped: result } : { commands: result, state: next }
}
