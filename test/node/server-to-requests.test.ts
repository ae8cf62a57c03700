import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parseSettings, type HubSpotOptions } from '../../src/core/settings'
import type { SegmentEvent } from '../../src/core/types'
import type { EventRequests, KnownContacts } from '../../src/server/requests'
import { companyDomain, toRequests } from '../../src/server/to-requests'

const PORTAL_ID = '62515'
const settingsWith = (overrides: Partial<HubSpotOptions> = {}) => parseSettings({ portalId: PORTAL_ID, ...overrides })
const DEFAULTS = settingsWith()
const UTK = '0123456789abcdef0123456789abcdef'

/** What earlier identifies taught: user1234 is Peter. */
const KNOWN: KnownContacts = { emailOf: (userId) => (userId === 'user1234' ? 'peter@example.com' : undefined) }
const NOBODY: KnownContacts = { emailOf: () => undefined }

/** A Segment event as servers send it: with its timestamps (core's SegmentEvent does not list them yet). */
type ServerEvent = SegmentEvent & { timestamp?: unknown; originalTimestamp?: unknown; groupId?: unknown; previousId?: unknown }

const map = (event: ServerEvent, settings = DEFAULTS, known = KNOWN): EventRequests => toRequests(event, settings, known)

describe('identify → contact upsert by email (CRM v3 batch upsert, idProperty email)', () => {
  const table: Array<[string, ServerEvent, EventRequests]> = [
    [
      'the spec\'s example: traits become contact properties, email is the id, the userId is remembered',
      { type: 'identify', userId: 'user1234', traits: { email: 'petergibbon@email.com', firstname: 'Peter', lastname: 'Gibbon' } },
      {
        requests: [{ kind: 'upsertContact', email: 'petergibbon@email.com', properties: { firstname: 'Peter', lastname: 'Gibbon' } }],
        remember: { userId: 'user1234', email: 'petergibbon@email.com' },
      },
    ],
    [
      "HubSpot's aliases: first_name, last_name, title, lifecycle_stage, address parts, company name",
      {
        type: 'identify',
        userId: 'u1',
        traits: {
          email: 'p@example.com',
          first_name: 'Peter',
          last_name: 'Gibbon',
          title: 'Engineer',
          lifecycle_stage: 'lead',
          address: { street: '1 Initech Way', city: 'Austin', state: 'TX', postalCode: '73301', country: 'US' },
          company: { name: 'Initech' },
        },
      },
      {
        requests: [
          {
            kind: 'upsertContact',
            email: 'p@example.com',
            properties: {
              firstname: 'Peter',
              lastname: 'Gibbon',
              jobtitle: 'Engineer',
              lifecyclestage: 'lead',
              address: '1 Initech Way',
              city: 'Austin',
              state: 'TX',
              zip: '73301',
              country: 'US',
              company: 'Initech',
            },
          },
        ],
        remember: { userId: 'u1', email: 'p@example.com' },
      },
    ],
    [
      'keys lower case with underscores; numbers, booleans and dates (Unix ms) as text; name split',
      { type: 'identify', traits: { email: 'p@example.com', 'Plan Tier': 'pro', logins: 0, vip: false, offerDate: '2024-01-02T00:00:00Z', name: 'Peter Gibbon' } },
      {
        requests: [
          {
            kind: 'upsertContact',
            email: 'p@example.com',
            properties: { plan_tier: 'pro', logins: '0', vip: 'false', offerdate: '1704153600000', name: 'Peter Gibbon', firstname: 'Peter', lastname: 'Gibbon' },
          },
        ],
      },
    ],
    [
      'Personas computed traits and audiences arrive as identify traits: booleans and numbers like any trait',
      { type: 'identify', userId: 'u2', traits: { email: 'p@example.com', order_completed_last_30days: true, pricing_page_visits: 5 } },
      {
        requests: [{ kind: 'upsertContact', email: 'p@example.com', properties: { order_completed_last_30days: 'true', pricing_page_visits: '5' } }],
        remember: { userId: 'u2', email: 'p@example.com' },
      },
    ],
    [
      'a userId that is an email is the email when traits have none',
      { type: 'identify', userId: ' peter@example.com ', traits: { plan: 'pro' } },
      {
        requests: [{ kind: 'upsertContact', email: 'peter@example.com', properties: { plan: 'pro' } }],
        remember: { userId: 'peter@example.com', email: 'peter@example.com' },
      },
    ],
    [
      'traits.email that is not an email falls back to the userId, with a note',
      { type: 'identify', userId: 'peter@example.com', traits: { email: 'peter' } },
      {
        requests: [{ kind: 'upsertContact', email: 'peter@example.com', properties: {} }],
        remember: { userId: 'peter@example.com', email: 'peter@example.com' },
        notes: ['traits.email "peter" is not an email address'],
      },
    ],
    [
      'a numeric userId is remembered as text',
      { type: 'identify', userId: 42, traits: { email: 'p@example.com' } },
      { requests: [{ kind: 'upsertContact', email: 'p@example.com', properties: {} }], remember: { userId: '42', email: 'p@example.com' } },
    ],
    [
      'no email: rejected with the reason',
      { type: 'identify', userId: 'user1234', traits: { firstname: 'Peter' } },
      { requests: [], rejected: 'identify needs an email: traits.email, or a userId that is one (HubSpot keys contacts on email)' },
    ],
  ]
  test.each(table)('%s', (_, event, expected) => expect(map(event)).toEqual(expected))
})

describe('track → custom behavioral event (events v3 send)', () => {
  const table: Array<[string, ServerEvent, EventRequests, Partial<HubSpotOptions>?]> = [
    [
      "the spec's server example: properties.email ties the event to the contact; the name is pe<portalId>_<name>",
      { type: 'track', userId: 'YOUR_USER_ID', event: 'Bought Item', timestamp: '2024-05-06T07:08:09.123Z', properties: { email: 'peter@example.com', value: 20.5 } },
      { requests: [{ kind: 'sendEvent', eventName: 'pe62515_bought_item', email: 'peter@example.com', occurredAt: '2024-05-06T07:08:09.123Z', properties: { value: '20.5' } }] },
    ],
    [
      '"Setting Contact Properties on Track": context.traits upsert the contact before the event',
      {
        type: 'track',
        userId: 'YOUR_USER_ID',
        event: 'Bought Item',
        timestamp: '2024-05-06T07:08:09Z',
        properties: { email: 'peter@example.com' },
        context: { traits: { firstname: 'Peter', lastname: 'Gibbons' } },
      },
      {
        requests: [
          { kind: 'upsertContact', email: 'peter@example.com', properties: { firstname: 'Peter', lastname: 'Gibbons' } },
          { kind: 'sendEvent', eventName: 'pe62515_bought_item', email: 'peter@example.com', occurredAt: '2024-05-06T07:08:09.000Z', properties: {} },
        ],
      },
    ],
    [
      'without properties.email, context.traits.email is the contact (and what KnownContacts learns for the userId)',
      { type: 'track', userId: 'u1', event: 'Signed Up', timestamp: '2024-05-06T07:08:09Z', context: { traits: { email: 'p@example.com', first_name: 'Peter' } } },
      {
        requests: [
          { kind: 'upsertContact', email: 'p@example.com', properties: { firstname: 'Peter' } },
          { kind: 'sendEvent', eventName: 'pe62515_signed_up', email: 'p@example.com', occurredAt: '2024-05-06T07:08:09.000Z', properties: {} },
        ],
        remember: { userId: 'u1', email: 'p@example.com' },
      },
    ],
    [
      'context.traits with an email of their own update that contact; the event still goes to properties.email',
      { type: 'track', event: 'Invited', timestamp: '2024-05-06T07:08:09Z', properties: { email: 'guest@example.com' }, context: { traits: { email: 'host@example.com', plan: 'pro' } } },
      {
        requests: [
          { kind: 'upsertContact', email: 'host@example.com', properties: { plan: 'pro' } },
          { kind: 'sendEvent', eventName: 'pe62515_invited', email: 'guest@example.com', occurredAt: '2024-05-06T07:08:09.000Z', properties: {} },
        ],
        notes: ['context.traits update host@example.com, their own email; the event goes to properties.email guest@example.com'],
      },
    ],
    [
      "no email: HubSpot's visitor token (context.hubspot.utk) ties the event to the visitor",
      { type: 'track', event: 'Viewed Demo', timestamp: '2024-05-06T07:08:09Z', properties: { plan: 'pro' }, context: { hubspot: { utk: UTK } } },
      { requests: [{ kind: 'sendEvent', eventName: 'pe62515_viewed_demo', utk: UTK, occurredAt: '2024-05-06T07:08:09.000Z', properties: { plan: 'pro' } }] },
    ],
    [
      'context.traits without an email are not applied to a visitor token, with a note',
      { type: 'track', event: 'Viewed Demo', timestamp: '2024-05-06T07:08:09Z', context: { traits: { plan: 'pro' }, hubspot: { utk: UTK } } },
      {
        requests: [{ kind: 'sendEvent', eventName: 'pe62515_viewed_demo', utk: UTK, occurredAt: '2024-05-06T07:08:09.000Z', properties: {} }],
        notes: ["context.traits not applied: no email to upsert the contact with (a visitor token can't update a contact)"],
      },
    ],
    [
      'Personas audiences: Audience Entered is an ordinary track; nested properties flattened, arrays joined with ;',
      {
        type: 'track',
        event: 'Audience Entered',
        originalTimestamp: '2024-05-06T09:08:09+02:00',
        properties: { email: 'p@example.com', audience_key: 'order_completed_last_30days', tags: ['a', 'b'], order: { total: 12 } },
      },
      {
        requests: [
          {
            kind: 'sendEvent',
            eventName: 'pe62515_audience_entered',
            email: 'p@example.com',
            occurredAt: '2024-05-06T07:08:09.000Z',
            properties: { audience_key: 'order_completed_last_30days', tags: 'a;b', order_total: '12' },
          },
        ],
      },
    ],
    [
      'the events setting maps a Segment name to a HubSpot internal name',
      { type: 'track', event: 'order completed', timestamp: '2024-05-06T07:08:09Z', properties: { email: 'p@example.com' } },
      { requests: [{ kind: 'sendEvent', eventName: 'pe62515_purchase', email: 'p@example.com', occurredAt: '2024-05-06T07:08:09.000Z', properties: {} }] },
      { events: { 'Order Completed': 'pe62515_purchase' } },
    ],
    [
      'formatCustomBehavioralEventNames: false sends the trimmed name as it is',
      { type: 'track', event: ' pe62515_clicked ', timestamp: '2024-05-06T07:08:09Z', properties: { email: 'p@example.com' } },
      { requests: [{ kind: 'sendEvent', eventName: 'pe62515_clicked', email: 'p@example.com', occurredAt: '2024-05-06T07:08:09.000Z', properties: {} }] },
      { formatCustomBehavioralEventNames: false },
    ],
    [
      'no timestamp: occurredAt is empty (delivery leaves it out and HubSpot uses the time it receives it)',
      { type: 'track', event: 'Clicked', properties: { email: 'p@example.com' } },
      {
        requests: [{ kind: 'sendEvent', eventName: 'pe62515_clicked', email: 'p@example.com', occurredAt: '', properties: {} }],
        notes: ['no valid timestamp: HubSpot records the event at the time it receives it'],
      },
    ],
    [
      'an invalid timestamp falls back to originalTimestamp, with a note',
      { type: 'track', event: 'Clicked', timestamp: '2024-02-30T00:00:00Z', originalTimestamp: new Date(Date.UTC(2024, 0, 1)), properties: { email: 'p@example.com' } },
      {
        requests: [{ kind: 'sendEvent', eventName: 'pe62515_clicked', email: 'p@example.com', occurredAt: '2024-01-01T00:00:00.000Z', properties: {} }],
        notes: ['timestamp "2024-02-30T00:00:00Z" is not a valid date'],
      },
    ],
    [
      'no contact at all: rejected with the reason',
      { type: 'track', event: 'Clicked', properties: { email: 'not an email' }, context: { hubspot: { utk: 'short' } } },
      {
        requests: [],
        rejected: "track needs a contact: properties.email, context.traits.email, or HubSpot's visitor token in context.hubspot.utk",
        notes: ['properties.email "not an email" is not an email address', 'context.hubspot.utk "short" is not HubSpot\'s visitor token (32 hexadecimal digits)'],
      },
    ],
    [
      'no event name: rejected',
      { type: 'track', event: '  ', properties: { email: 'p@example.com' } },
      { requests: [], rejected: 'track needs an event name' },
    ],
    [
      'a name with nothing an internal name can hold: rejected, pointing at the events setting',
      { type: 'track', event: '🎉🎉', properties: { email: 'p@example.com' } },
      { requests: [], rejected: 'event name "🎉🎉" has nothing HubSpot\'s internal names can hold (a-z, 0-9, _): map it with the "events" setting' },
    ],
  ]
  test.each(table)('%s', (_, event, expected, options) => expect(map(event, options ? settingsWith(options) : DEFAULTS)).toEqual(expected))

  test('an event name longer than 1000 characters is rejected', () => {
    expect(map({ type: 'track', event: 'a'.repeat(1001), properties: { email: 'p@example.com' } }).rejected).toBe('track event names are limited to 1000 characters')
  })
})

describe('group → company upsert keyed on the domain of traits.website, then association', () => {
  const table: Array<[string, ServerEvent, EventRequests, KnownContacts?]> = [
    [
      "the spec's example, with the contact an earlier identify created for the userId",
      { type: 'group', groupId: 'some_group_id', userId: 'user1234', traits: { website: 'https://www.example.com', name: 'Example Inc.' } },
      {
        requests: [
          { kind: 'upsertCompany', domain: 'example.com', properties: { name: 'Example Inc.', domain: 'example.com' } },
          { kind: 'associate', email: 'peter@example.com', domain: 'example.com' },
        ],
      },
    ],
    [
      "the spec's special company traits under HubSpot's names",
      {
        type: 'group',
        userId: 'user1234',
        traits: {
          name: 'Initech',
          website: 'http://Initech.example.co.uk/about?x=1',
          address: { street: '1 Initech Way', city: 'Austin', state: 'TX', postalCode: '73301', country: 'US' },
          description: 'Software',
          employees: 250,
          industry: 'Technology',
          phone: '+1 555 0100',
          lifecycle_stage: 'customer',
        },
      },
      {
        requests: [
          {
            kind: 'upsertCompany',
            domain: 'initech.example.co.uk',
            properties: {
              name: 'Initech',
              address: '1 Initech Way',
              city: 'Austin',
              state: 'TX',
              zip: '73301',
              country: 'US',
              description: 'Software',
              numberofemployees: '250',
              industry: 'Technology',
              phone: '+1 555 0100',
              lifecyclestage: 'customer',
              domain: 'initech.example.co.uk',
            },
          },
          { kind: 'associate', email: 'peter@example.com', domain: 'initech.example.co.uk' },
        ],
      },
    ],
    [
      'no contact known for the userId: the company alone, with a note',
      { type: 'group', userId: 'stranger', traits: { website: 'https://example.com' } },
      {
        requests: [{ kind: 'upsertCompany', domain: 'example.com', properties: { domain: 'example.com' } }],
        notes: ['no contact known for userId "stranger": identify it with an email first; the company is not associated'],
      },
    ],
    [
      'no userId: the company alone, with a note',
      { type: 'group', anonymousId: 'a1', traits: { website: 'https://example.com' } },
      { requests: [{ kind: 'upsertCompany', domain: 'example.com', properties: { domain: 'example.com' } }], notes: ['no userId: the company is not associated with a contact'] },
    ],
    [
      'what KnownContacts holds is used only when it is an email',
      { type: 'group', userId: 'user1234', traits: { website: 'https://example.com' } },
      {
        requests: [{ kind: 'upsertCompany', domain: 'example.com', properties: { domain: 'example.com' } }],
        notes: ['no contact known for userId "user1234": identify it with an email first; the company is not associated'],
      },
      { emailOf: () => 'not an email' },
    ],
  ]
  test.each(table)('%s', (_, event, expected, known) => expect(map(event, DEFAULTS, known ?? KNOWN)).toEqual(expected))

  const need = 'group needs traits.website to be a full URL with a domain (like "https://www.example.com")'
  test.each([
    [undefined, `${need}; it has none`],
    ['example.com', `${need}; got "example.com"`],
    ['www.example.com', `${need}; got "www.example.com"`],
    ['ftp://example.com', `${need}; got "ftp://example.com", which is not http or https`],
    ['https://localhost:3000', `${need}; got "https://localhost:3000", whose host "localhost" is not a domain`],
    ['http://127.0.0.1/', `${need}; got "http://127.0.0.1/", whose host "127.0.0.1" is not a domain`],
    ['http://[::1]/', `${need}; got "http://[::1]/", whose host "[::1]" is not a domain`],
    [42, `${need}; got number`],
    [`https://${'a'.repeat(2000)}.com`, `${need}; got one longer than 2000 characters`],
  ])('traits.website %j is rejected with the reason', (website, reason) => {
    expect(map({ type: 'group', userId: 'user1234', traits: { website, name: 'X' } })).toEqual({ requests: [], rejected: reason })
  })

  test.each([
    ['https://www.example.com', 'example.com'],
    ['  HTTPS://WWW.Example.COM./path  ', 'example.com'],
    ['http://shop.example.com:8080', 'shop.example.com'],
    ['https://www.com', 'www.com'],
    ['https://bücher.example', 'xn--bcher-kva.example'],
  ])('the domain of %j is %j', (website, domain) => expect(companyDomain(website)).toBe(domain))
})

describe('calls HubSpot has no server API for', () => {
  test.each([
    [{ type: 'page', name: 'Home', properties: { path: '/' } }, "page has no HubSpot API from a server: page views come from HubSpot's tracking code in the browser"],
    [{ type: 'screen', name: 'Home' }, 'screen has no HubSpot API from a server: HubSpot records no screen views'],
    [{ type: 'alias', userId: 'new', previousId: 'old' }, 'alias has no HubSpot API: HubSpot keys contacts on email, so identify with the new email instead'],
    [{ type: 'launch' }, 'no HubSpot request for a "launch" call'],
    [{ type: 42 }, 'no HubSpot request for a number call'],
    [{}, 'no HubSpot request for a undefined call'],
  ])('%j → nothing, with the reason', (event, rejected) => expect(map(event as SegmentEvent)).toEqual({ requests: [], rejected }))
})

describe('settings shared with the browser half', () => {
  test('consent categories not granted: nothing is sent', () => {
    const settings = settingsWith({ consentCategories: ['Marketing'] })
    const event = { type: 'identify', traits: { email: 'p@example.com' } }
    expect(map(event, settings)).toEqual({ requests: [], rejected: 'consent not granted for Marketing' })
    const granted = { ...event, context: { consent: { categoryPreferences: { Marketing: true } } } }
    expect(map(granted, settings).requests).toEqual([{ kind: 'upsertContact', email: 'p@example.com', properties: {} }])
  })

  test('mappings read each field from where the site says', () => {
    const settings = settingsWith({ mappings: { email: 'properties.customer.email', eventName: 'properties.action' } })
    const event = { type: 'track', event: 'Generic', timestamp: '2024-05-06T07:08:09Z', properties: { action: 'Renewed', customer: { email: 'c@example.com' } } }
    expect(map(event, settings)).toEqual({
      requests: [
        { kind: 'upsertContact', email: 'c@example.com', properties: {} },
        { kind: 'sendEvent', eventName: 'pe62515_renewed', email: 'c@example.com', occurredAt: '2024-05-06T07:08:09.000Z', properties: { action: 'Renewed', customer_email: 'c@example.com' } },
      ],
    })
  })

  test('notes from the caps are kept, six lines at most', () => {
    const traits: Record<string, unknown> = { email: 'p@example.com' }
    for (let i = 0; i < 8; i++) traits[`k${i}`] = 'x'.repeat(1001)
    const { notes, requests } = map({ type: 'identify', traits })
    expect(requests).toEqual([{ kind: 'upsertContact', email: 'p@example.com', properties: {} }])
    expect(notes).toHaveLength(6)
    expect(notes![0]).toMatch(/"k0" left out/)
  })
})

describe('pure and unbreakable', () => {
  const events: ServerEvent[] = [
    { type: 'identify', userId: 'u1', traits: { email: 'p@example.com', address: { city: 'Austin' }, tags: ['a', 'b'], when: new Date(0) } },
    { type: 'track', event: 'Bought', properties: { email: 'p@example.com', items: [{ sku: 1 }], nested: { a: { b: 1 } } }, context: { traits: { email: 'p@example.com', firstname: 'P' } } },
    { type: 'group', userId: 'user1234', traits: { website: 'https://example.com', address: { street: 'x' }, employees: 3 } },
  ]
  test.each(events)('the input is not changed (%j)', (event) => {
    const copy = structuredClone(event)
    const settings = settingsWith({ mappings: { userId: 'userId' } })
    map(event, settings)
    map(event)
    expect(event).toEqual(copy)
  })

  test('the same event maps to the same requests every time (no clock)', () => {
    const event = { type: 'track', event: 'Clicked', properties: { email: 'p@example.com' } }
    expect(map(event)).toEqual(map(event))
  })

  test('getters that throw lose their field, not the event', () => {
    const traits = { email: 'p@example.com', get plan(): string { throw new Error('boom') } }
    expect(map({ type: 'identify', traits })).toEqual({ requests: [{ kind: 'upsertContact', email: 'p@example.com', properties: {} }] })
    const event = { type: 'track', get event(): string { throw new Error('boom') }, properties: { email: 'p@example.com' } }
    expect(map(event).rejected).toBe('track needs an event name')
  })

  test('Proxies that throw on every trap, revoked Proxies, cycles and a KnownContacts that throws', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('get') }, ownKeys: () => { throw new Error('keys') }, getPrototypeOf: () => { throw new Error('proto') }, getOwnPropertyDescriptor: () => { throw new Error('desc') }, has: () => { throw new Error('has') } })
    const { proxy: revoked, revoke } = Proxy.revocable({}, {})
    revoke()
    const cycle: Record<string, unknown> = { email: 'p@example.com' }
    cycle.self = cycle
    const throwing: KnownContacts = { emailOf: () => { throw new Error('store down') } }
    for (const event of [hostile, revoked, { type: 'identify', traits: hostile }, { type: 'track', event: 'X', properties: revoked, context: hostile }, { type: 'identify', traits: cycle }]) {
      expect(() => map(event as SegmentEvent)).not.toThrow()
    }
    expect(map(hostile as SegmentEvent)).toEqual({ requests: [], rejected: 'no HubSpot request for a undefined call' })
    expect(map({ type: 'identify', traits: cycle }).requests).toEqual([{ kind: 'upsertContact', email: 'p@example.com', properties: {} }])
    expect(map({ type: 'group', userId: 'user1234', traits: { website: 'https://example.com' } }, DEFAULTS, throwing).requests).toEqual([
      { kind: 'upsertCompany', domain: 'example.com', properties: { domain: 'example.com' } },
    ])
    expect(map({ type: 'group', userId: 'u', traits: { website: 'https://example.com' } }, DEFAULTS, hostile as KnownContacts).requests).toHaveLength(1)
  })

  test('a polluted Object.prototype does not reach HubSpot', () => {
    const proto = Object.prototype as Record<string, unknown>
    proto.email = 'evil@example.com'
    proto.website = 'https://evil.example.com'
    try {
      expect(map({ type: 'identify', traits: { plan: 'pro' } }).rejected).toMatch(/needs an email/)
      expect(map({ type: 'group', userId: 'user1234', traits: {} }).rejected).toMatch(/it has none/)
      expect(map({ type: 'identify', traits: JSON.parse('{"email":"p@example.com","__proto__":{"x":1}}') }).requests).toEqual([
        { kind: 'upsertContact', email: 'p@example.com', properties: {} },
      ])
    } finally {
      delete proto.email
      delete proto.website
    }
  })

  test('any input: never throws, and every request is well formed', () => {
    const type = fc.constantFrom('identify', 'track', 'group', 'page', 'screen', 'alias', 'other')
    const event = fc.record(
      {
        type,
        event: fc.oneof(fc.string(), fc.anything()),
        userId: fc.oneof(fc.constant('user1234'), fc.emailAddress(), fc.anything()),
        traits: fc.oneof(fc.record({ email: fc.emailAddress(), website: fc.webUrl() }, { requiredKeys: [] }), fc.anything()),
        properties: fc.oneof(fc.record({ email: fc.emailAddress() }), fc.anything()),
        context: fc.oneof(fc.record({ traits: fc.anything(), hubspot: fc.record({ utk: fc.constant(UTK) }) }), fc.anything()),
        timestamp: fc.oneof(fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())), fc.anything()),
      },
      { requiredKeys: ['type'] },
    )
    fc.assert(
      fc.property(event, (input) => {
        const out = map(input as SegmentEvent)
        expect(Array.isArray(out.requests)).toBe(true)
        expect(out.rejected === undefined).toBe(out.requests.length > 0)
        for (const request of out.requests) {
          if ('properties' in request) for (const value of Object.values(request.properties)) expect(typeof value).toBe('string')
          if (request.kind === 'sendEvent') {
            expect(request.eventName).not.toBe('')
            expect(Boolean(request.email) !== Boolean(request.utk)).toBe(true)
            expect(request.occurredAt === '' || !Number.isNaN(Date.parse(request.occurredAt))).toBe(true)
            expect(request.properties).not.toHaveProperty('email')
          }
          if (request.kind === 'upsertContact') expect(request.properties).not.toHaveProperty('email')
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    )
  })
})
