import { grantsConsent } from './consent'
import { customBehavioralEventName, mappedEvent } from './event-names'
import { isRecord } from './flatten'
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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function asEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const email = trimText(value)
  // RFC 5321 caps an address at 254 characters; the cap also keeps the regex cheap.
  return email.length <= 254 && EMAIL.test(email) ? email : undefined
}

function asUserId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value !== 'string') return undefined
  const id = trimText(value)
  return id === '' ? undefined : id
}

function field(record: unknown, key: string): unknown {
  try {
    return isRecord(record) ? record[key] : undefined
  } catch {
    return undefined
  }
}

/** `['identify', { email, id?, ...traits }]`, or nothing without an email. */
function identifyCommand(traits: unknown, userId: unknown, userIdMayBeEmail: boolean): HubSpotCommand | undefined {
  const { email: traitEmail, ...contact } = normalizeTraits(traits)
  const id = asUserId(userId)
  const email = asEmail(traitEmail) ?? (userIdMayBeEmail ? asEmail(id) : undefined)
  if (!email) return undefined
  if (id !== undefined) delete contact.id
  return ['identify', { email, ...(id === undefined ? {} : { id }), ...contact }]
}

function pageCommands(event: SegmentEvent): HubSpotCommand[] {
  const properties = field(event, 'properties')
  const page = field(field(event, 'context'), 'page')
  const source = typeof field(properties, 'path') === 'string' ? properties : page
  const path = field(source, 'path')
  if (typeof path !== 'string' || !path.startsWith('/')) return [['trackPageView']]
  const search = field(source, 'search')
  const query = typeof search !== 'string' || search === '' ? '' : search.startsWith('?') ? search : `?${search}`
  return [['setPath', path + query], ['trackPageView']]
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** The legacy custom event: `{ id, value?, ...properties }`, with `properties.id` moved to `_id`. */
function trackEventPayload(id: string, properties: unknown): HubSpotProperties & { id: string; value?: number } {
  const { id: ownId, value, revenue, ...rest } = normalizeProperties(properties)
  const amount = isFiniteNumber(value) ? value : isFiniteNumber(revenue) ? revenue : undefined
  if (revenue !== undefined && amount !== revenue) rest.revenue = revenue
  if (ownId !== undefined && !('_id' in rest)) rest._id = ownId
  return { id, ...(amount === undefined ? {} : { value: amount }), ...rest }
}

function trackCommands(event: SegmentEvent, settings: HubSpotSettings): HubSpotCommand[] | string {
  const name = field(event, 'event')
  if (typeof name !== 'string' || trimText(name) === '') return `track needs an event name; got ${typeof name}`
  const commands: HubSpotCommand[] = []
  const contextTraits = field(field(event, 'context'), 'traits')
  // "Setting Contact Properties on Track": identify first so the event lands on that contact.
  const identify = asEmail(field(contextTraits, 'email')) && identifyCommand(contextTraits, field(event, 'userId'), false)
  if (identify) commands.push(identify)
  const mapped = mappedEvent(settings.events, name)
  const properties = field(event, 'properties')
  if (settings.useCustomBehavioralEvents) {
    const eventName =
      mapped ?? (settings.formatCustomBehavioralEventNames ? customBehavioralEventName(name, settings.portalId) : name)
    commands.push(['trackCustomBehavioralEvent', { name: eventName, properties: normalizeProperties(properties) }])
  } else {
    commands.push(['trackEvent', trackEventPayload(mapped ?? name, properties)])
  }
  return commands
}

/**
 * The HubSpot commands one Segment event becomes. Pure: the caller keeps `state`
 * and replaces it with the returned one.
 */
export function toCommands(event: SegmentEvent, settings: HubSpotSettings, state: MappingState): Mapping {
  const type = field(event, 'type')
  if (!grantsConsent(event, settings.consentCategories)) {
    return {
      commands: [],
      state: type === 'page' ? { pageSeen: true } : state,
      skipped: `consent not granted for ${settings.consentCategories.join(', ')}`,
    }
  }
  switch (type) {
    case 'page':
      if (!state.pageSeen) {
        return { commands: [], state: { pageSeen: true }, skipped: "first page view: HubSpot's script records it" }
      }
      return { commands: pageCommands(event), state }
    case 'identify': {
      const identify = identifyCommand(field(event, 'traits'), field(event, 'userId'), true)
      if (!identify) return { commands: [], state, skipped: 'identify needs an email (traits.email, or a userId that is one)' }
      return { commands: settings.flushIdentifyImmediately ? [identify, ['trackPageView']] : [identify], state }
    }
    case 'track': {
      const commands = trackCommands(event, settings)
      return typeof commands === 'string' ? { commands: [], state, skipped: commands } : { commands, state }
    }
    case 'group':
      return { commands: [], state, skipped: "group needs HubSpot's Companies API, which the browser tracking code has no access to" }
    case 'alias':
      return { commands: [], state, skipped: "alias has no counterpart in HubSpot's tracking code" }
    default:
      return { commands: [], state, skipped: `HubSpot has no command for a ${typeof type === 'string' ? `"${type.slice(0, 40)}"` : typeof type} call` }
  }
}
