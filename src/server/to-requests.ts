// The server half's mapping (cloud mode): one Segment event → the HubSpot API requests it becomes.
// Pure, like toCommands for the browser: plain data in, plain data out, no clock, no I/O, never throws.
import { grantsConsent } from '../core/consent'
import { asEmail, asUserId } from '../core/identity'
import { fewNotes } from '../core/log'
import { ADDRESS_PARTS, contactEntries } from '../core/contact'
import { toHubSpotDate } from '../core/date'
import { customBehavioralEventName, mappedEvent } from '../core/event-names'
import { MAX_VALUE_LENGTH, collectBelowTop, collectValue, collected, eachProperty, field, isRecord, ownKeys } from '../core/flatten'
import { hasOwn } from '../core/keys'
import { mapFields } from '../core/mappings'
import { collectProperties } from '../core/normalize'
import type { HubSpotSettings } from '../core/settings'
import type { HubSpotProperties, SegmentEvent } from '../core/types'
import { trimText } from '../core/values'
import type { EventRequests, HubSpotRequest, KnownContacts, PropertyValues } from './requests'

/** Longer event names are not sent (as in the browser half): no HubSpot event has one. */
export const MAX_EVENT_NAME_LENGTH = 1000
/** Longer `website` traits are not parsed: no company's URL is that long. */
export const MAX_WEBSITE_LENGTH = 2000

// HubSpot's visitor token (the hubspotutk cookie): 32 hexadecimal digits.
const UTK = /^[0-9a-f]{32}$/i

/** A value as a reason shows it: text quoted and cut short, anything else by its type. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  return value === null ? 'null' : typeof value
}

/** The properties as the CRM and events APIs take them: every value as text, `omit` (the id) left out. */
function asText(properties: HubSpotProperties, omit: string): PropertyValues {
  const out: PropertyValues = {}
  // Own keys only; core has already left out __proto__, constructor and prototype.
  for (const key of Object.keys(properties)) if (key !== omit) out[key] = String(properties[key])
  return out
}

type Mapped = { requests: HubSpotRequest[]; remember?: { userId: string; email: string } } | string

/** The userId as `KnownContacts` keys it, or nothing (with a note when it is too long to be one). */
function userIdOf(event: SegmentEvent, notes: string[]): string | undefined {
  const id = asUserId(field(event, 'userId'))
  if (id !== undefined && id.length > MAX_VALUE_LENGTH) {
    notes.push(`userId left out: longer than ${MAX_VALUE_LENGTH} characters`)
    return undefined
  }
  return id
}

function identifyRequests(event: SegmentEvent, notes: string[]): Mapped {
  const traits = field(event, 'traits')
  const { out: contact, notes: leftOut } = contactEntries(traits)
  notes.push(...leftOut)
  const userId = userIdOf(event, notes)
  const given = field(traits, 'email')
  // The email is read on its own too: no cap on the other traits may cost the contact.
  const fromTraits = asEmail(field(contact, 'email')) ?? asEmail(given)
  if (!fromTraits && given !== undefined) notes.push(`traits.email ${shown(given)} is not an email address`)
  const email = fromTraits ?? asEmail(userId)
  if (!email) return 'identify needs an email: traits.email, or a userId that is one (HubSpot keys contacts on email)'
  const requests: HubSpotRequest[] = [{ kind: 'upsertContact', email, properties: asText(contact, 'email') }]
  return userId === undefined ? { requests } : { requests, remember: { userId, email } }
}

/** The event's time as events v3 takes it (ISO 8601), or `''` when it has none: see `toRequests`. */
function occurredAt(event: SegmentEvent, notes: string[]): string {
  for (const name of ['timestamp', 'originalTimestamp']) {
    const value = field(event, name)
    if (value === undefined || value === null) continue
    const ms = toHubSpotDate(value)
    // Years 0000-9999 only: beyond them toISOString writes a six-digit year (or throws).
    if (ms !== undefined && ms >= -62_167_219_200_000 && ms <= 253_402_300_799_999) return new Date(ms).toISOString()
    notes.push(`${name} ${shown(value)} is not a valid date`)
  }
  notes.push('no valid timestamp: HubSpot records the event at the time it receives it')
  return ''
}

function trackRequests(event: SegmentEvent, settings: HubSpotSettings, notes: string[]): Mapped {
  const name = field(event, 'event')
  const trimmed = typeof name === 'string' ? trimText(name) : ''
  if (!trimmed) return 'track needs an event name'
  if (trimmed.length > MAX_EVENT_NAME_LENGTH) return `track event names are limited to ${MAX_EVENT_NAME_LENGTH} characters`
  // Events v3 takes custom behavioral events only: the server half always sends those.
  const eventName = mappedEvent(settings.events, trimmed) ?? (settings.formatCustomBehavioralEventNames ? customBehavioralEventName(trimmed, settings.portalId) : trimmed)
  if (!eventName) {
    return `event name ${shown(trimmed)} has nothing HubSpot's internal names can hold (a-z, 0-9, _): map it with the "events" setting`
  }

  const properties = field(event, 'properties')
  const context = field(event, 'context')
  const contextTraits = field(context, 'traits')
  const givenEmail = field(properties, 'email')
  const traitsEmail = asEmail(field(contextTraits, 'email'))
  if (givenEmail !== undefined && !asEmail(givenEmail)) notes.push(`properties.email ${shown(givenEmail)} is not an email address`)
  const email = asEmail(givenEmail) ?? traitsEmail
  const givenUtk = field(field(context, 'hubspot'), 'utk')
  const utk = !email && typeof givenUtk === 'string' && UTK.test(givenUtk) ? givenUtk : undefined
  if (!email && !utk) {
    if (givenUtk !== undefined) notes.push(`context.hubspot.utk ${shown(givenUtk)} is not HubSpot's visitor token (32 hexadecimal digits)`)
    return "track needs a contact: properties.email, context.traits.email, or HubSpot's visitor token in context.hubspot.utk"
  }

  const requests: HubSpotRequest[] = []
  let remember: { userId: string; email: string } | undefined
  // "Setting Contact Properties on Track": context.traits update the contact first. They carry their
  // own identity: with an email of their own they update that contact, else the event's.
  if (isRecord(contextTraits)) {
    const { out: traits, notes: leftOut } = contactEntries(contextTraits)
    notes.push(...leftOut)
    const owner = traitsEmail ?? email
    const contactProperties = asText(traits, 'email')
    if (owner && (traitsEmail || ownKeys(contactProperties).length)) {
      if (email && owner !== email) notes.push(`context.traits update ${owner}, their own email; the event goes to properties.email ${email}`)
      requests.push({ kind: 'upsertContact', email: owner, properties: contactProperties })
      // The traits are the user's: what an identify would have told KnownContacts.
      const userId = traitsEmail && userIdOf(event, notes)
      if (userId) remember = { userId, email: traitsEmail }
    } else if (!owner && ownKeys(contactProperties).length) {
      notes.push("context.traits not applied: no email to upsert the contact with (a visitor token can't update a contact)")
    }
  }

  const { out: eventProperties, notes: leftOut } = collectProperties(properties)
  notes.push(...leftOut)
  const time = occurredAt(event, notes)
  const send: HubSpotRequest = email
    ? { kind: 'sendEvent', eventName, email, occurredAt: time, properties: asText(eventProperties, 'email') }
    : { kind: 'sendEvent', eventName, utk: utk!, occurredAt: time, properties: asText(eventProperties, 'email') }
  requests.push(send)
  return remember ? { requests, remember } : { requests }
}

/**
 * The company's domain from `traits.website`, which must be a full http(s) URL with a host name:
 * HubSpot keys companies on the domain. A reason when it is not one.
 */
export function companyDomain(website: unknown): string | { rejected: string } {
  const need = 'group needs traits.website to be a full URL with a domain (like "https://www.example.com")'
  if (website === undefined) return { rejected: `${need}; it has none` }
  if (typeof website !== 'string') return { rejected: `${need}; got ${shown(website)}` }
  const text = trimText(website)
  if (text.length > MAX_WEBSITE_LENGTH) return { rejected: `${need}; got one longer than ${MAX_WEBSITE_LENGTH} characters` }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { rejected: `${need}; got ${shown(website)}` }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { rejected: `${need}; got ${shown(website)}, which is not http or https` }
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  // An address or a single label (localhost) names no company.
  if (host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host) || !host.includes('.')) {
    return { rejected: `${need}; got ${shown(website)}, whose host ${shown(host)} is not a domain` }
  }
  const bare = host.startsWith('www.') ? host.slice(4) : host
  return bare.includes('.') ? bare : host
}

// Segment group traits (normalised) → HubSpot company property: the spec's special company traits.
const COMPANY_ALIASES: Readonly<Record<string, string>> = {
  employees: 'numberofemployees',
  lifecycle_stage: 'lifecyclestage',
  postalcode: 'zip',
  postal_code: 'zip',
}

// A company's `address` object has the same parts as a contact's.
const COMPANY_ADDRESS_PARTS = ADDRESS_PARTS

/** Segment group traits as HubSpot company properties, `domain` the website's. */
function companyProperties(traits: unknown, domain: string, notes: string[]): PropertyValues {
  const into = collected()
  if (isRecord(traits)) {
    const ancestors: object[] = [traits]
    eachProperty(traits, into, (key, normal, value) => {
      if (normal === 'website') return // becomes `domain` below
      if (hasOwn(COMPANY_ALIASES, normal)) collectValue(COMPANY_ALIASES[normal]!, value, 0, false, ancestors, into)
      else if (normal === 'address' && isRecord(value)) collectBelowTop(value, 'address', ancestors, into, COMPANY_ADDRESS_PARTS)
      else collectValue(normal, value, 0, normal === key, ancestors, into)
    })
  }
  notes.push(...into.notes)
  // Set last, past every cap: HubSpot keys the company on it.
  return { ...asText(into.out, 'domain'), domain }
}

function groupRequests(event: SegmentEvent, known: KnownContacts, notes: string[]): Mapped {
  const traits = field(event, 'traits')
  const domain = companyDomain(field(traits, 'website'))
  if (typeof domain !== 'string') return domain.rejected
  const requests: HubSpotRequest[] = [{ kind: 'upsertCompany', domain, properties: companyProperties(traits, domain, notes) }]
  const userId = userIdOf(event, notes)
  if (userId === undefined) {
    notes.push('no userId: the company is not associated with a contact')
    return { requests }
  }
  let email: string | undefined
  try {
    email = asEmail(known.emailOf(userId))
  } catch {
    email = undefined // what the caller knows could not be read: as if nothing were known
  }
  if (email) requests.push({ kind: 'associate', email, domain })
  else notes.push(`no contact known for userId ${shown(userId)}: identify it with an email first; the company is not associated`)
  return { requests }
}

const NOT_SENT: Readonly<Record<string, string>> = {
  page: "page has no HubSpot API from a server: page views come from HubSpot's tracking code in the browser",
  screen: 'screen has no HubSpot API from a server: HubSpot records no screen views',
  alias: 'alias has no HubSpot API: HubSpot keys contacts on email, so identify with the new email instead',
}

function requestsFor(event: SegmentEvent, settings: HubSpotSettings, known: KnownContacts, notes: string[]): Mapped {
  const type = field(event, 'type')
  switch (type) {
    case 'identify':
      return identifyRequests(event, notes)
    case 'track':
      return trackRequests(event, settings, notes)
    case 'group':
      return groupRequests(event, known, notes)
    default:
      if (typeof type === 'string' && hasOwn(NOT_SENT, type)) return NOT_SENT[type]!
      return `no HubSpot request for a ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeof type} call`
  }
}

/**
 * The HubSpot API requests one Segment event becomes, in the order they must be made, or why it
 * becomes none. Pure: `known` is only read, the event is never changed, nothing is thrown.
 *
 * `occurredAt` is the event's `timestamp` (else `originalTimestamp`) as ISO 8601. Without a valid one it
 * is `''`, and delivery leaves the field out: HubSpot then uses the time it receives the event. No clock
 * is read here, so the same event always maps to the same requests.
 */
export function toRequests(input: SegmentEvent, settings: HubSpotSettings, known: KnownContacts): EventRequests {
  const notes: string[] = []
  let result: Mapped
  try {
    // `mappings`: each field read from where the site says, then mapped as usual (a copy).
    const event = ownKeys(settings.mappings).length ? mapFields(input, settings.mappings) : input
    result = grantsConsent(event, settings.consentCategories)
      ? requestsFor(event, settings, known, notes)
      : `consent not granted for ${settings.consentCategories.join(', ')}`
  } catch {
    // Every read above is guarded; this is the last line for whatever a hostile object finds next.
    result = 'the event could not be read'
  }
  const out: EventRequests = typeof result === 'string' ? { requests: [], rejected: result } : result
  if (notes.length) out.notes = fewNotes(notes)
  return out
}
