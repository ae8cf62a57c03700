import { describe, expect, test } from 'vitest'
import { INITIAL_STATE, toCommands, type MappingState } from '../../src/browser/commands'
import type { SegmentEvent } from '../../src/core/types'
import { classicIntegration, settingsWith } from './helpers'

const SEEN: MappingState = { pageSeen: true }
const DEFAULTS = settingsWith()
const LEGACY = settingsWith({ useCustomBehavioralEvents: false })

/** The commands for one event under `settings`, after the first page view. */
const commands = (event: SegmentEvent, settings = DEFAULTS) => toCommands(event, settings, SEEN).commands

describe('page', () => {
  test("the first page call only sets the path of HubSpot's automatic view, and remembers that a page was seen", () => {
    expect(toCommands({ type: 'page', properties: { path: '/pricing', search: '?a=1' } }, DEFAULTS, INITIAL_STATE)).toEqual({
      commands: [['setPath', '/pricing?a=1']],
      state: { pageSeen: true },
    })
    expect(INITIAL_STATE).toEqual({ pageSeen: false })
  })

  test('a first page call without a path pushes nothing and says why', () => {
    expect(toCommands({ type: 'page', properties: {} }, DEFAULTS, INITIAL_STATE)).toEqual({
      commands: [],
      state: { pageSeen: true },
      skipped: expect.stringMatching(/first page/),
    })
  })

  test('a later page call pushes setPath with path + search, then trackPageView', () => {
    expect(toCommands({ type: 'page', properties: { path: '/pricing', search: '?plan=pro' } }, DEFAULTS, SEEN)).toEqual({
      commands: [['setPath', '/pricing?plan=pro'], ['trackPageView']],
      state: { pageSeen: true },
    })
  })

  test('a later page call without a search pushes setPath with the path alone', () => {
    expect(commands({ type: 'page', properties: { path: '/pricing', search: '' } })).toEqual([
      ['setPath', '/pricing'],
      ['trackPageView'],
    ])
  })

  test('the path is read from context.page when the properties have none', () => {
    expect(commands({ type: 'page', properties: {}, context: { page: { path: '/docs', search: '?q=1' } } })).toEqual([
      ['setPath', '/docs?q=1'],
      ['trackPageView'],
    ])
  })

  test('a later page call without a path pushes only trackPageView', () => {
    expect(commands({ type: 'page', properties: { title: 'Pricing' } })).toEqual([['trackPageView']])
  })
})

describe('identify', () => {
  test('identify with traits.email pushes identify with the email, the userId as id and the normalised traits', () => {
    const event = { type: 'identify', userId: 'user1234', traits: { email: 'peter@example.com', firstName: 'Peter', 'Plan Tier': 'pro' } }
    expect(commands(event)).toEqual([
      ['identify', { email: 'peter@example.com', id: 'user1234', firstname: 'Peter', plan_tier: 'pro' }],
    ])
  })

  test('identify takes the email from a userId that is an email address', () => {
    expect(commands({ type: 'identify', userId: 'peter@example.com', traits: { lastName: 'Gibbon' } })).toEqual([
      ['identify', { email: 'peter@example.com', id: 'peter@example.com', lastname: 'Gibbon' }],
    ])
  })

  test('identify without an email pushes nothing and says why', () => {
    expect(toCommands({ type: 'identify', userId: 'user1234', traits: { firstName: 'Peter' } }, DEFAULTS, SEEN)).toEqual({
      commands: [],
      state: SEEN,
      skipped: expect.stringMatching(/email/),
    })
  })

  test('identify without a userId has no id', () => {
    expect(commands({ type: 'identify', anonymousId: 'anon-1', traits: { email: 'peter@example.com' } })).toEqual([
      ['identify', { email: 'peter@example.com' }],
    ])
  })

  test('id is the userId, even when the traits carry an id', () => {
    expect(commands({ type: 'identify', userId: 'user1234', traits: { email: 'peter@example.com', id: 'trait-id' } })).toEqual([
      ['identify', { email: 'peter@example.com', id: 'user1234' }],
    ])
  })

  test('identify with flushIdentifyImmediately is followed by trackPageView', () => {
    const settings = settingsWith({ flushIdentifyImmediately: true })
    expect(commands({ type: 'identify', userId: 'user1234', traits: { email: 'peter@example.com' } }, settings)).toEqual([
      ['identify', { email: 'peter@example.com', id: 'user1234' }],
      ['trackPageView'],
    ])
  })
})

describe('track (legacy trackEvent, useCustomBehavioralEvents: false)', () => {
  const legacy = (event: SegmentEvent, settings = LEGACY) => commands(event, settings)

  test('track pushes trackEvent with id = the event name, value and the normalised properties', () => {
    expect(legacy({ type: 'track', event: 'Clicked Buy Now', properties: { value: 20.5, 'Plan Tier': 'pro' } })).toEqual([
      ['trackEvent', { id: 'Clicked Buy Now', value: 20.5, plan_tier: 'pro' }],
    ])
  })

  test('properties.id moves to _id', () => {
    expect(legacy({ type: 'track', event: 'Order Completed', properties: { id: 'order-1' } })).toEqual([
      ['trackEvent', { id: 'Order Completed', _id: 'order-1' }],
    ])
  })

  test('revenue becomes value when there is no value', () => {
    expect(legacy({ type: 'track', event: 'Order Completed', properties: { revenue: 99.5 } })).toEqual([
      ['trackEvent', { id: 'Order Completed', value: 99.5 }],
    ])
  })

  test('revenue stays a property when there is a value', () => {
    expect(legacy({ type: 'track', event: 'Order Completed', properties: { value: 10, revenue: 99.5 } })).toEqual([
      ['trackEvent', { id: 'Order Completed', value: 10, revenue: 99.5 }],
    ])
  })

  test('value is sent only when it is a finite number', () => {
    for (const value of ['20.5', Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, true]) {
      expect(legacy({ type: 'track', event: 'Clicked Buy Now', properties: { value } })).toEqual([
        ['trackEvent', { id: 'Clicked Buy Now' }],
      ])
    }
  })

  test('events maps a Segment event to its HubSpot event id', () => {
    const settings = settingsWith({ events: { 'Order Completed': '000123' }, useCustomBehavioralEvents: false })
    expect(legacy({ type: 'track', event: 'Order Completed', properties: {} }, settings)).toEqual([
      ['trackEvent', { id: '000123' }],
    ])
  })

  test("events are matched the way analytics.js-integration's map matches (case, camelCase and separators don't count)", () => {
    const events = { 'Order Completed': '000123' }
    const settings = settingsWith({ events, useCustomBehavioralEvents: false })
    const integration = classicIntegration()
    const map = (options: unknown, name: string) => integration.map(options, name)
    for (const name of ['Order Completed', 'order_completed', 'orderCompleted', 'order-completed', 'Order.Completed']) {
      expect(map(events, name), name).toEqual(['000123'])
      expect(legacy({ type: 'track', event: name }, settings), name).toEqual([['trackEvent', { id: '000123' }]])
    }
    expect(map(events, 'Order Started')).toEqual([])
    expect(legacy({ type: 'track', event: 'Order Started' }, settings)).toEqual([['trackEvent', { id: 'Order Started' }]])
  })

  test('a track call without an event name pushes nothing and says why', () => {
    expect(toCommands({ type: 'track', properties: {} }, LEGACY, SEEN)).toEqual({
      commands: [],
      state: SEEN,
      skipped: expect.stringMatching(/event name/),
    })
  })
})

describe('track (trackCustomBehavioralEvent, the default)', () => {
  const custom = settingsWith()

  test('track sends a custom behavioral event by default: HubSpot says trackEvent no longer works', () => {
    expect(DEFAULTS.useCustomBehavioralEvents).toBe(true)
    expect(commands({ type: 'track', event: 'Signed Up' })).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: {} }],
    ])
  })

  test('the name is pe<portalId>_<event name lower-cased>, with the normalised properties', () => {
    expect(commands({ type: 'track', event: 'Clicked Buy Now', properties: { 'Plan Tier': 'pro', value: 20.5 } }, custom)).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_clicked_buy_now', properties: { plan_tier: 'pro', value: 20.5 } }],
    ])
  })

  test('each run of whitespace or periods in the event name becomes one _', () => {
    expect(commands({ type: 'track', event: 'Viewed \t Pricing..Page', properties: {} }, custom)).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_viewed_pricing_page', properties: {} }],
    ])
  })

  test('without formatCustomBehavioralEventNames the event name is sent as it is', () => {
    const settings = settingsWith({ useCustomBehavioralEvents: true, formatCustomBehavioralEventNames: false })
    expect(commands({ type: 'track', event: 'Clicked Buy Now', properties: { plan: 'pro' } }, settings)).toEqual([
      ['trackCustomBehavioralEvent', { name: 'Clicked Buy Now', properties: { plan: 'pro' } }],
    ])
  })

  test('the mapped event name wins, with or without formatting', () => {
    const events = { 'Clicked Buy Now': 'pe62515_buy_clicked' }
    for (const formatCustomBehavioralEventNames of [true, false]) {
      const settings = settingsWith({ useCustomBehavioralEvents: true, formatCustomBehavioralEventNames, events })
      expect(commands({ type: 'track', event: 'clicked_buy_now', properties: {} }, settings)).toEqual([
        ['trackCustomBehavioralEvent', { name: 'pe62515_buy_clicked', properties: {} }],
      ])
    }
  })
})

describe('track with context.traits (setting contact properties on track)', () => {
  test('an email in context.traits pushes identify with those traits first, then the event', () => {
    const event = {
      type: 'track',
      event: 'Bought Item',
      properties: { sku: 'A1' },
      context: { traits: { email: 'peter@example.com', firstName: 'Peter', lastname: 'Gibbons' } },
    }
    expect(commands(event)).toEqual([
      ['identify', { email: 'peter@example.com', firstname: 'Peter', lastname: 'Gibbons' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_bought_item', properties: { sku: 'A1' } }],
    ])
  })

  test('the identify comes before a legacy trackEvent too', () => {
    const event = { type: 'track', event: 'Bought Item', context: { traits: { email: 'peter@example.com' } } }
    expect(commands(event, LEGACY)).toEqual([
      ['identify', { email: 'peter@example.com' }],
      ['trackEvent', { id: 'Bought Item' }],
    ])
  })

  test('context.traits without an email push only the event', () => {
    const event = { type: 'track', event: 'Bought Item', context: { traits: { firstName: 'Peter' } } }
    expect(commands(event)).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_bought_item', properties: {} }]])
  })
})

describe('group and alias', () => {
  test('group pushes nothing: it needs HubSpot’s server-side Companies API', () => {
    expect(toCommands({ type: 'group', groupId: 'g1', traits: { name: 'Initech' } } as SegmentEvent, DEFAULTS, SEEN)).toEqual({
      commands: [],
      state: SEEN,
      skipped: expect.stringMatching(/Companies API/),
    })
  })

  test('alias pushes nothing and says why', () => {
    expect(toCommands({ type: 'alias', userId: 'user1234' }, DEFAULTS, SEEN)).toEqual({
      commands: [],
      state: SEEN,
      skipped: expect.stringMatching(/alias/),
    })
  })
})

describe('consent', () => {
  const settings = settingsWith({ consentCategories: ['Advertising', 'Analytics'] })
  const track = (categoryPreferences?: Record<string, boolean>): SegmentEvent => ({
    type: 'track',
    event: 'Clicked Buy Now',
    context: categoryPreferences ? { consent: { categoryPreferences } } : {},
  })

  test('with every required category granted, the event is sent', () => {
    expect(commands(track({ Advertising: true, Analytics: true }), settings)).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_clicked_buy_now', properties: {} }],
    ])
  })

  test('with a required category denied or missing, nothing is sent and the mapping says why', () => {
    for (const event of [track({ Advertising: true, Analytics: false }), track({ Advertising: true }), track()]) {
      expect(toCommands(event, settings, SEEN)).toEqual({ commands: [], state: SEEN, skipped: expect.stringMatching(/consent/) })
    }
  })

  test('without consentCategories no consent is needed', () => {
    expect(commands(track({ Advertising: false }))).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_clicked_buy_now', properties: {} }],
    ])
  })
})

test('toCommands is pure: the event and the state passed in are not changed', () => {
  const event = { type: 'track', event: 'Order Completed', properties: { id: 'o1', revenue: 5 }, context: { traits: { email: 'p@example.com' } } }
  const before = structuredClone(event)
  const state = Object.freeze({ pageSeen: false })
  toCommands(event, DEFAULTS, state)
  toCommands({ type: 'page' }, DEFAULTS, state)
  expect(event).toEqual(before)
  expect(state).toEqual({ pageSeen: false })
})

describe('a polluted Object.prototype reaches no command', () => {
  test('an inherited email, id or name is not the contact’s', () => {
    const proto = Object.prototype as Record<string, unknown>
    proto.email = 'evil@example.com'
    proto.id = 'evil'
    proto.name = 'Eve Il'
    try {
      const identify = toCommands({ type: 'identify', traits: { plan: 'pro' } }, settingsWith(), { pageSeen: true })
      expect(identify.commands).toEqual([])
      const named = toCommands({ type: 'identify', traits: { email: 'ada@example.com' } }, settingsWith(), { pageSeen: true })
      expect(named.commands).toEqual([['identify', { email: 'ada@example.com' }]])
    } finally {
      delete proto.email
      delete proto.id
      delete proto.name
    }
  })
})
