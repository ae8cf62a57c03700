/**
 * Issue 11, "Where the fields come from" (`mappings`): dotted paths into the Segment event say where
 * the email, the contact id, the contact and event properties, the event name and the page path are
 * read from; what a mapping does not name is read as before. The same through the CDN settings path.
 */
import { AnalyticsBrowser } from '@segment/analytics-next'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HubSpot } from '../../src/browser/classic'
import { toCommands } from '../../src/browser/commands'
import { hubspot } from '../../src/browser/full'
import { mapFields, valueAt } from '../../src/core/mappings'
import { hsq, resetPage, settingsWith, trackerRunning } from './helpers'

const commands = (event: Record<string, unknown>, mappings: Record<string, string>) =>
  toCommands(event, settingsWith({ mappings }), { pageSeen: true }).commands

describe('mappings, through toCommands', () => {
  it("identify: the email in traits.contact.email, the contact's properties in traits.contact", () => {
    const event = { type: 'identify', userId: 'u1', traits: { plan: 'pro', contact: { email: 'ada@example.com', firstName: 'Ada' } } }
    expect(commands(event, { email: 'traits.contact.email' })).toEqual([
      ['identify', { email: 'ada@example.com', id: 'u1', plan: 'pro', contact_email: 'ada@example.com', contact_firstname: 'Ada' }],
    ])
    expect(commands(event, { email: 'traits.contact.email', contactProperties: 'traits.contact' })).toEqual([
      ['identify', { email: 'ada@example.com', id: 'u1', firstname: 'Ada' }],
    ])
  })

  it('identify: with only the contact properties mapped, the email is still read from traits.email', () => {
    const event = { type: 'identify', userId: 'u1', traits: { email: 'ada@example.com', contact: { plan: 'pro' } } }
    expect(commands(event, { contactProperties: 'traits.contact' })).toEqual([['identify', { email: 'ada@example.com', id: 'u1', plan: 'pro' }]])
  })

  it('identify: the contact id from another field', () => {
    const event = { type: 'identify', userId: 'u1', traits: { email: 'ada@example.com', account: { id: 'acct-7' } } }
    expect(commands(event, { userId: 'traits.account.id' })).toEqual([['identify', { email: 'ada@example.com', id: 'acct-7', account_id: 'acct-7' }]])
  })

  it("track: the event name, its properties and the contact's email from where the site keeps them", () => {
    const event = { type: 'track', event: 'Action', properties: { action: 'Order Placed', details: { total: 42 }, buyer: { email: 'ada@example.com' } } }
    expect(commands(event, { eventName: 'properties.action', eventProperties: 'properties.details', email: 'properties.buyer.email' })).toEqual([
      ['identify', { email: 'ada@example.com' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_order_placed', properties: { total: 42 } }],
    ])
  })

  it('page: the path from another field', () => {
    const event = { type: 'page', properties: { path: '/ignored', search: '?a=1', route: '/pricing' } }
    expect(commands(event, { pagePath: 'properties.route' })).toEqual([['setPath', '/pricing'], ['trackPageView']])
  })

  it('a path that leads nowhere, or to the wrong kind of value, maps nothing: the default field is read', () => {
    const event = { type: 'identify', traits: { email: 'ada@example.com', contact: 'not an object' } }
    expect(commands(event, { email: 'traits.missing.email', contactProperties: 'traits.contact' })).toEqual([
      ['identify', { email: 'ada@example.com', contact: 'not an object' }],
    ])
  })

  it("the caller's event is left as it was", () => {
    const event = { type: 'track', event: 'A', properties: { buyer: { email: 'ada@example.com' } }, context: { traits: { plan: 'pro' } } }
    const before = structuredClone(event)
    commands(event, { email: 'properties.buyer.email' })
    expect(event).toEqual(before)
  })

  it('valueAt reads own properties of plain objects only', () => {
    const proto = Object.create({ email: 'inherited@example.com' }) as Record<string, unknown>
    expect(valueAt({ traits: proto }, 'traits.email')).toBeUndefined()
    expect(valueAt({ traits: { a: { b: 1 } } }, 'traits.a.b')).toBe(1)
    expect(valueAt({ traits: [{ email: 'x' }] }, 'traits.0.email')).toBeUndefined()
    expect(mapFields({ type: 'alias' }, { email: 'traits.email' })).toEqual({ type: 'alias' })
  })
})

describe('mappings in the page', () => {
  beforeEach(() => {
    resetPage()
    trackerRunning()
    vi.spyOn(console, 'debug').mockImplementation(() => {})
  })
  afterEach(() => vi.restoreAllMocks())

  it('the plugin of hubspot-destination/full, with the real analytics-next', async () => {
    const [analytics] = await AnalyticsBrowser.load(
      { writeKey: 'test', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'test' } } }, plugins: [hubspot({ portalId: '62515', mappings: { email: 'traits.contact.email' } })] },
      { integrations: { 'Segment.io': false } },
    )
    await analytics.identify('u1', { contact: { email: 'ada@example.com' } })
    expect(hsq()).toEqual([['identify', { email: 'ada@example.com', id: 'u1', contact_email: 'ada@example.com' }]])
  })

  it("the classic integration, with mappings from Segment's CDN settings", () => {
    const integration = new HubSpot({ portalId: '62515', mappings: { email: 'traits.contact.email' } }) as unknown as { initialize(): void; identify(facade: unknown): void }
    integration.initialize()
    integration.identify({ obj: { type: 'identify', userId: 'u1', traits: { contact: { email: 'ada@example.com' } } } })
    expect(hsq()).toEqual([['identify', { email: 'ada@example.com', id: 'u1', contact_email: 'ada@example.com' }]])
  })
})
