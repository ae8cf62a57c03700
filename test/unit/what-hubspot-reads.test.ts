// The mapping rules that exist because of what HubSpot's tracker (build 1.398) does with a command:
// it copies legacy event properties into its own beacon query, empties 0 and false, keeps whitespace
// and zero-width characters in names, and reads some identify keys itself. Each rule here failed
// against the first version; the browser suites show the same through the beacons.
import { describe, expect, test } from 'vitest'
import { toCommands, type MappingState } from '../../src/browser/commands'
import { customBehavioralEventName } from '../../src/core/event-names'
import { isTrackerField } from '../../src/browser/tracker-fields'
import type { SegmentEvent } from '../../src/core/types'
import { settingsWith } from './helpers'

const SEEN: MappingState = { pageSeen: true }
const LEGACY = settingsWith({ useCustomBehavioralEvents: false })
const map = (event: SegmentEvent, settings = settingsWith()) => toCommands(event, settings, SEEN)

describe("no property takes one of the tracker's own beacon fields", () => {
  test('legacy trackEvent: each property named like a beacon field is sent as _<name>, with a debug note', () => {
    const properties = { i: 'email=evil@example.com', po: '/admin', k: 9, n: 'x', m: 'y', a: '1', vi: 'v', pu: 'u', cts: 1, ce: true, plan: 'pro' }
    const mapping = map({ type: 'track', event: 'Signed Up', properties }, LEGACY)
    expect(mapping.commands).toEqual([
      [
        'trackEvent',
        { id: 'Signed Up', _i: 'email=evil@example.com', _po: '/admin', _k: 9, _n: 'x', _m: 'y', _a: '1', _vi: 'v', _pu: 'u', _cts: 1, _ce: true, plan: 'pro' },
      ],
    ])
    expect(mapping.notes![0]).toBe('property "i" sent as "_i": "i" is a field of HubSpot\'s beacon')
    // Six lines at most, however much one event loses.
    expect(mapping.notes).toHaveLength(6)
    expect(mapping.notes![5]).toBe('and 5 more notes like these')
  })

  test('legacy trackEvent: a colliding property whose _<name> is taken is left out, and the note says so', () => {
    const mapping = map({ type: 'track', event: 'Signed Up', properties: { k: 1, _k: 2 } }, LEGACY)
    expect(mapping.commands).toEqual([['trackEvent', { id: 'Signed Up', _k: 2 }]])
    expect(mapping.notes).toEqual(['property "k" left out: it is a field of HubSpot\'s beacon and "_k" is taken'])
  })

  test('the list covers every field the tracker writes in a view or event beacon', () => {
    for (const field of ['a', 'b', 'bfp', 'cc', 'cd', 'ce', 'cs', 'cts', 'i', 'k', 'ln', 'm', 'n', 'nc', 'po', 'pt', 'pu', 'r', 'rpo', 'rv', 'sd', 't', 'u', 'v', 'vi']) {
      expect(isTrackerField(field), field).toBe(true)
    }
    for (const key of ['plan', 'value_', 'id', 'value', '_i', 'email']) expect(isTrackerField(key), key).toBe(false)
  })

  test('custom behavioral events: properties travel as _<key>, so none collides; _proto__ (which would become __proto__) is left out', () => {
    const mapping = map({ type: 'track', event: 'Signed Up', properties: { i: 'x', po: '/p', _proto__: 'gone' } })
    expect(mapping.commands).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: { i: 'x', po: '/p' } }]])
    expect(mapping.notes).toEqual(['property "_proto__" left out: HubSpot\'s tracker loses it'])
  })

  test("identify: a `visitor` trait is left out (the tracker reads it as another visitor's token)", () => {
    const mapping = map({ type: 'identify', traits: { email: 'p@example.com', visitor: 'abc', plan: 'pro' } })
    expect(mapping.commands).toEqual([['identify', { email: 'p@example.com', plan: 'pro' }]])
    expect(mapping.notes).toEqual(['trait "visitor" left out: HubSpot\'s tracker reads it as another visitor\'s token'])
  })
})

describe('values arrive as sent', () => {
  test('custom behavioral properties 0 and false are sent as "0" and "false", which the tracker does not empty', () => {
    const mapping = map({ type: 'track', event: 'Cart Viewed', properties: { items: 0, gift: false, paid: true, total: 12.5, note: '' } })
    expect(mapping.commands).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_cart_viewed', properties: { items: '0', gift: 'false', paid: true, total: 12.5, note: '' } }],
    ])
  })

  test('legacy value 0 is sent as "0": the tracker would send m= empty', () => {
    expect(map({ type: 'track', event: 'Refund', properties: { value: 0 } }, LEGACY).commands).toEqual([['trackEvent', { id: 'Refund', value: '0' }]])
    expect(map({ type: 'track', event: 'Refund', properties: { revenue: 0 } }, LEGACY).commands).toEqual([['trackEvent', { id: 'Refund', value: '0' }]])
  })
})

describe('names and ids are trimmed of whitespace and zero-width characters, in both modes', () => {
  const name = ' \u200bSigned Up\ufeff\n'
  test('legacy trackEvent id', () => {
    expect(map({ type: 'track', event: name }, LEGACY).commands).toEqual([['trackEvent', { id: 'Signed Up' }]])
  })
  test('custom behavioral name, formatted and not', () => {
    expect(map({ type: 'track', event: name }).commands).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: {} }]])
    const unformatted = settingsWith({ formatCustomBehavioralEventNames: false })
    expect(map({ type: 'track', event: name }, unformatted).commands).toEqual([['trackCustomBehavioralEvent', { name: 'Signed Up', properties: {} }]])
  })
  test('a zero-width character inside a name vanishes rather than splitting it', () => {
    expect(customBehavioralEventName('Sign\u200bed Up', '62515')).toBe('pe62515_signed_up')
  })
})

describe("formatted names hold only what HubSpot's internal names may hold: a-z, 0-9 and _", () => {
  test.each([
    ['Order Completed', 'pe62515_order_completed'],
    ['Viewed \t Pricing..Page', 'pe62515_viewed_pricing_page'],
    ['Café Visited!', 'pe62515_cafe_visited'],
    ['Plan/Upgrade (Pro) #2', 'pe62515_plan_upgrade_pro_2'],
    ['  --Signed--Up--  ', 'pe62515_signed_up'],
    ['pe62515_Clicked Buy', 'pe62515_clicked_buy'],
    ['pe999_already_internal', 'pe999_already_internal'],
  ])('%j → %s', (segmentName, internal) => {
    expect(customBehavioralEventName(segmentName, '62515')).toBe(internal)
    expect(internal).toMatch(/^pe\d+_[a-z0-9_]+$/)
  })

  test('a name with nothing HubSpot can hold is not sent, and the reason says to map it', () => {
    const mapping = map({ type: 'track', event: '日本語' })
    expect(mapping.commands).toEqual([])
    expect(mapping.skipped).toMatch(/has nothing HubSpot's internal names can hold .* "events" setting/)
    expect(map({ type: 'track', event: '日本語' }, settingsWith({ events: { 日本語: 'pe62515_japanese' } })).commands).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_japanese', properties: {} }],
    ])
  })
})
