/**
 * Cases the property-based tests (test/unit/fuzz.test.ts) found, each reduced by fast-check's
 * shrinker to the smallest input that shows it, kept here as named tests so they stay fixed.
 */
import { Track } from '@segment/facade'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HubSpot } from '../../src/browser/classic'
import { toCommands, type MappingState } from '../../src/browser/commands'
import { normalizeProperties, normalizeTraits, toHubSpotDate } from '../../src/core/normalize'
import { hubspot } from '../../src/browser/plugin'
import { parseSettings } from '../../src/core/settings'
import type { SegmentEvent } from '../../src/core/types'
import { boom, resetPage, revokedProxy, trackerRunning } from './helpers'
import { measure } from './timing'

type HsWindow = Window & { _hsq?: unknown; _hsp?: unknown }
const win = window as HsWindow

const settings = parseSettings({ portalId: '62515' })
const seen: MappingState = { pageSeen: true }

/** Any read through it throws, `Symbol.toStringTag` included. */
const throwingProxy = (): object => new Proxy({ b: 1 }, { get: boom })
/** A plain object that says it is a Date. */
const fakeDate = (): object => ({ [Symbol.toStringTag]: 'Date' })
/** A plain object whose `Symbol.toStringTag` getter throws. */
const throwingTag = (): object => Object.defineProperty({ b: 1 }, Symbol.toStringTag, { get: boom })

beforeEach(() => {
  resetPage()
  trackerRunning()
  vi.spyOn(console, 'debug').mockImplementation(() => {})
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
})

describe('regressions: values that cannot be inspected are skipped, not thrown', () => {
  // fuzz seed 20240611: {"a b": <revoked Proxy>}; date.ts isDate → Object.prototype.toString on a revoked Proxy
  it('a revoked Proxy as a property value is skipped', () => {
    expect(normalizeProperties({ 'a b': revokedProxy(), plan: 'pro' })).toEqual({ plan: 'pro' })
    expect(normalizeTraits({ 'a b': revokedProxy(), plan: 'pro' })).toEqual({ plan: 'pro' })
  })

  it('a revoked Proxy inside an array drops the array, like any object in an array', () => {
    expect(normalizeProperties({ tags: ['a', revokedProxy()], plan: 'pro' })).toEqual({ plan: 'pro' })
  })

  it('a Proxy whose get trap throws, as a property value, is skipped', () => {
    expect(normalizeProperties({ a: throwingProxy(), plan: 'pro' })).toEqual({ plan: 'pro' })
    expect(normalizeTraits({ a: throwingProxy(), plan: 'pro' })).toEqual({ plan: 'pro' })
  })

  it('an object whose Symbol.toStringTag getter throws does not throw (its own keys may be flattened)', () => {
    expect(() => normalizeProperties({ a: throwingTag(), plan: 'pro' })).not.toThrow()
    expect(normalizeProperties({ a: throwingTag(), plan: 'pro' })).toMatchObject({ plan: 'pro' })
    expect(normalizeProperties({ tags: [throwingTag()], plan: 'pro' })).toEqual({ plan: 'pro' })
  })

  // date.ts toHubSpotDate: isDate trusts the tag, then Date.prototype.getTime throws "this is not a Date object"
  it('an object that claims to be a Date (Symbol.toStringTag) is not a date', () => {
    expect(toHubSpotDate(fakeDate())).toBeUndefined()
    expect(normalizeProperties({ at: fakeDate(), plan: 'pro' })).toEqual({ plan: 'pro' })
    expect(normalizeProperties({ at: [fakeDate()], plan: 'pro' })).toEqual({ plan: 'pro' })
    expect(normalizeTraits({ createdAt: fakeDate(), email: 'a@example.com' })).toEqual({ email: 'a@example.com' })
  })

  // date.ts isDate: `value instanceof Date` holds for Object.create(Date.prototype), which has no
  // [[DateValue]], so Date.prototype.getTime.call throws "this is not a Date object".
  it('an object made from Date.prototype is not a date', () => {
    const notADate = () => Object.create(Date.prototype) as object
    expect(toHubSpotDate(notADate())).toBeUndefined()
    expect(normalizeProperties({ at: notADate(), plan: 'pro' })).toEqual({ plan: 'pro' })
    expect(normalizeProperties({ at: [notADate()], plan: 'pro' })).toEqual({ plan: 'pro' })
    expect(normalizeTraits({ createdAt: notADate(), email: 'a@example.com' })).toEqual({ email: 'a@example.com' })
  })

  // fuzz: {"type":"track","event":"Signed Up","properties":{" ":{"proto type":<revoked Proxy>}}}
  it('toCommands sends a track whose properties hold a revoked Proxy, without that property', () => {
    const event = { type: 'track', event: 'Signed Up', properties: { ' ': { 'proto type': revokedProxy() }, plan: 'pro' } }
    expect(toCommands(event, settings, seen).commands).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: { plan: 'pro' } }]])
  })

  it('the plugin still pushes that track (the event is not dropped whole)', () => {
    const plugin = hubspot({ portalId: '62515' })
    void plugin.load({} as never, undefined as never)
    plugin.track!({ event: { type: 'track', event: 'Signed Up', properties: { plan: 'pro', bad: revokedProxy() } } } as never)
    expect(win._hsq).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: { plan: 'pro' } }]])
  })
})

describe('regressions: an event type is looked up as a string, never on Object.prototype', () => {
  // commands.ts commandsFor: NOT_SENT[type] finds Object.prototype members, so toCommands returned
  // `commands: Object` (a function) for type "constructor", and Object.prototype for "__proto__".
  for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
    it(`type ${JSON.stringify(type)} sends nothing and says why`, () => {
      const mapping = toCommands({ type, event: 'Signed Up' }, settings, seen)
      expect(mapping.commands).toEqual([])
      expect(typeof mapping.skipped).toBe('string')
    })
  }

  // NOT_SENT[type] converts a non-string type to a property key, running its toString / Symbol.toPrimitive.
  const unprintable: Array<[string, () => unknown]> = [
    ['a null-prototype object', () => Object.create(null)],
    ['an array holding a Symbol', () => [Symbol('type')]],
    ['a revoked Proxy', revokedProxy],
    ['a Proxy whose get trap throws', throwingProxy],
    ['an object whose toString throws', () => ({ toString: boom })],
  ]
  for (const [name, make] of unprintable) {
    it(`a type that is ${name} sends nothing and does not throw`, () => {
      const mapping = toCommands({ type: make(), event: 'Signed Up' } as SegmentEvent, settings, seen)
      expect(mapping.commands).toEqual([])
      expect(typeof mapping.skipped).toBe('string')
    })
  }
})

describe('regressions: the classic integration never lets an error out', () => {
  // classic.ts: `{ ...(facade.raw ?? facade.obj), type }` runs outside Destination.handle's try,
  // and analytics.js-integration's invoke does not catch either.
  function integration(): Record<'initialize' | 'track' | 'identify', (facade?: unknown) => void> {
    const instance = new HubSpot({ portalId: '62515' }) as unknown as Record<'initialize' | 'track' | 'identify', (facade?: unknown) => void>
    instance.initialize()
    return instance
  }
  function facadeAround(event: object): Track {
    const facade = new Track({ event: 'Signed Up' }, { clone: false, traverse: false } as never) as Track & { raw: unknown; obj: unknown }
    facade.raw = event
    facade.obj = event
    return facade
  }

  it('a facade whose event has a getter that throws', () => {
    const event = Object.defineProperty({ event: 'Signed Up' }, 'properties', { get: boom, enumerable: true })
    const classic = integration()
    expect(() => classic.identify(facadeAround(event))).not.toThrow()
  })

  it('a facade whose event is a revoked Proxy', () => {
    const classic = integration()
    expect(() => classic.identify(facadeAround(revokedProxy()))).not.toThrow()
  })
})

describe('regressions: a 1 MB payload returns within 50 ms', () => {
  // The fastest of five calls, in the lower of wall and CPU time (see timing.ts for why).
  const MB = 1024 * 1024

  // event-names.ts eventMatchKey: four Unicode regex passes over the whole name, the first of which
  // inserts a space at every lower→upper boundary; ~150 ms for 1 MB of "aBaB…" when `events` is set.
  it('a 1 MB camelCase event name with an events mapping', () => {
    const mapped = parseSettings({ portalId: '62515', events: { 'Signed Up': 'pe62515_signed_up' } })
    const event = { type: 'track', event: 'aB'.repeat(MB / 2), properties: {} }
    expect(measure(() => toCommands(event, mapped, seen))).toBeLessThan(50)
  })

  // eventMatchKey plus customBehavioralEventName: each a few regex passes over the whole name.
  it('a 1 MB event name with custom behavioral events and an events mapping', () => {
    const custom = parseSettings({ portalId: '62515', useCustomBehavioralEvents: true, events: { 'Signed Up': 'pe62515_signed_up' } })
    const event = { type: 'track', event: `Signed Up ${'word '.repeat(MB / 5)}`, properties: {} }
    expect(measure(() => toCommands(event, custom, seen))).toBeLessThan(50)
  })
})
