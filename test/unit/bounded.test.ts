// Issue 9, "work bounded by the input's size, output bounded outright": what one event becomes is
// capped (key length, value length, array length, the payload in all), what was left out is said in
// a debug note, and the walk stops after MAX_VISITS properties whatever the shape. The work is
// asserted by counting reads, not by timing; `npm run bench` shows the cost of the worst shapes.
import { describe, expect, it } from 'vitest'
import { toCommands } from '../../src/browser/commands'
import {
  MAX_ARRAY_LENGTH,
  MAX_KEY_LENGTH,
  MAX_PAYLOAD_LENGTH,
  MAX_PROPERTIES,
  MAX_VALUE_LENGTH,
  MAX_VISITS,
  MAX_VISITS_BELOW_ONE,
} from '../../src/core/flatten'
import { collectProperties, normalizeProperties, normalizeTraits } from '../../src/core/normalize'
import { settingsWith } from './helpers'

/** An object whose property reads are counted: `reads()` tells how many the walk made. */
function counted<T extends object>(target: T): { value: T; reads: () => number } {
  let reads = 0
  const value = new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === 'string') reads++
      return Reflect.get(object, key, receiver)
    },
  })
  return { value, reads: () => reads }
}

describe('the walk is bounded, whatever the shape', () => {
  it('objects that share their children (20 wide, 6 deep: 64 million paths) are read at most MAX_VISITS times', () => {
    let level: Record<string, unknown> = { leaf: 'x' }
    const probes: Array<() => number> = []
    for (let depth = 0; depth < 6; depth++) {
      const { value, reads } = counted(level)
      probes.push(reads)
      const next: Record<string, unknown> = {}
      for (let i = 0; i < 20; i++) next[`k${i}`] = value
      level = next
    }
    const result = collectProperties(level)
    const total = probes.reduce((sum, reads) => sum + reads(), 0)
    expect(total).toBeLessThanOrEqual(MAX_VISITS)
    expect(result.notes[0]).toBe(`properties past ${MAX_VISITS_BELOW_ONE} read below one key left out`)
    // The leaves sit six levels down, one past MAX_DEPTH: nothing is kept, and the walk still stopped early.
    expect(result.out).toEqual({})
  })

  it('one huge value does not crowd out the properties after it: each top-level key has its own share of the reads', () => {
    const tree = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`b${i}`, Object.fromEntries(Array.from({ length: 100 }, (_, j) => [`l${j}`, j]))]))
    const { value, reads } = counted(tree)
    const result = collectProperties({ tree: value, plan: 'pro', seats: 3 })
    expect(reads()).toBeLessThanOrEqual(MAX_VISITS_BELOW_ONE)
    expect(result.out).toMatchObject({ plan: 'pro', seats: 3 })
  })

  it('an object with 200,000 keys is read only until MAX_VISITS, and the output stops at MAX_PROPERTIES', () => {
    const wide: Record<string, number> = {}
    for (let i = 0; i < 200_000; i++) wide[`k${i}`] = 1
    const { value, reads } = counted(wide)
    const result = collectProperties(value)
    expect(reads()).toBeLessThanOrEqual(MAX_VISITS)
    expect(Object.keys(result.out)).toHaveLength(MAX_PROPERTIES)
    expect(result.notes[0]).toBe(`"k${MAX_PROPERTIES}" left out: more than ${MAX_PROPERTIES} properties`)
  })

  it('a 100 KB key is left out before any work on it, under 1,000 children or at the top', () => {
    const long = 'K'.repeat(100_000)
    const children = Array.from({ length: 1000 }, (_, i) => ({ [long]: i, ok: i }))
    const result = collectProperties(Object.fromEntries(children.map((child, i) => [`c${i}`, child])))
    expect(Object.keys(result.out).every((key) => key.length <= MAX_KEY_LENGTH)).toBe(true)
    expect(result.out.c0_ok).toBe(0)
    expect(result.notes[0]).toMatch(/^key "K{40}…" left out: longer than 100 characters$/)
  })
})

describe('what one event becomes is capped', () => {
  it(`keys: longer than ${MAX_KEY_LENGTH} characters, before or after flattening, are left out`, () => {
    const key = 'k'.repeat(MAX_KEY_LENGTH)
    expect(normalizeProperties({ [key]: 1, [`${key}x`]: 2 })).toEqual({ [key]: 1 })
    expect(normalizeProperties({ a: { [key]: 1 } })).toEqual({})
  })

  it(`values: text longer than ${MAX_VALUE_LENGTH} characters is left out, and the note says which`, () => {
    const result = collectProperties({ note: 'n'.repeat(MAX_VALUE_LENGTH + 1), plan: 'pro', fits: 'f'.repeat(MAX_VALUE_LENGTH) })
    expect(result.out).toEqual({ plan: 'pro', fits: 'f'.repeat(MAX_VALUE_LENGTH) })
    expect(result.notes).toEqual([`"note" left out: its value is longer than ${MAX_VALUE_LENGTH} characters`])
  })

  it(`arrays: more than ${MAX_ARRAY_LENGTH} items, or items that join past ${MAX_VALUE_LENGTH} characters, are left out; the event is kept`, () => {
    // 10,000 strings of 60 KB: joined, they once made the whole event throw a RangeError.
    const huge = Array.from({ length: 10_000 }, () => 'x'.repeat(60_000))
    const mapping = toCommands({ type: 'track', event: 'Big', properties: { huge, long: ['y'.repeat(600), 'z'.repeat(600)], plan: 'pro' } }, settingsWith(), { pageSeen: true })
    expect(mapping.commands).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_big', properties: { plan: 'pro' } }]])
    expect(mapping.notes).toEqual([
      `"huge" left out: more than ${MAX_ARRAY_LENGTH} items`,
      `"long" left out: its value is longer than ${MAX_VALUE_LENGTH} characters`,
    ])
    expect(normalizeProperties({ tags: Array.from({ length: MAX_ARRAY_LENGTH }, (_, i) => i) }).tags).toBe(
      Array.from({ length: MAX_ARRAY_LENGTH }, (_, i) => i).join(';'),
    )
  })

  it(`the payload: keys and values stop at ${MAX_PAYLOAD_LENGTH} characters in all`, () => {
    const properties = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${String(i).padStart(2, '0')}`, 'v'.repeat(900)]))
    const result = collectProperties(properties)
    const length = Object.entries(result.out).reduce((sum, [key, value]) => sum + key.length + String(value).length, 0)
    expect(length).toBeLessThanOrEqual(MAX_PAYLOAD_LENGTH)
    expect(Object.keys(result.out)).toHaveLength(8)
    expect(result.notes[0]).toBe(`"p08" left out: the payload would pass ${MAX_PAYLOAD_LENGTH} characters`)
  })

  it('traits have the same caps, and identify says what it left out', () => {
    const mapping = toCommands({ type: 'identify', traits: { email: 'a@example.com', bio: 'b'.repeat(5000) } }, settingsWith(), { pageSeen: true })
    expect(mapping.commands).toEqual([['identify', { email: 'a@example.com' }]])
    expect(mapping.notes).toEqual([`"bio" left out: its value is longer than ${MAX_VALUE_LENGTH} characters`])
    expect(normalizeTraits({ ['t'.repeat(200)]: 1 })).toEqual({})
  })

  it('an overwrite by the key already in normal form counts too: the payload cap holds', () => {
    const properties: Record<string, string> = {}
    for (let i = 0; i < 999; i++) {
      properties[`K${i}`] = 'x'
      properties[`k${i}`] = 'y'.repeat(1000)
    }
    const result = collectProperties(properties)
    const length = Object.entries(result.out).reduce((sum, [key, value]) => sum + key.length + String(value).length, 0)
    expect(length).toBeLessThanOrEqual(MAX_PAYLOAD_LENGTH)
  })

  it('a key that lower case makes longer than the cap is left out (İ lower-cases to two characters)', () => {
    expect(normalizeTraits({ ['İ'.repeat(100)]: 'v', ok: 1 })).toEqual({ ok: 1 })
  })

  it('a huge address or company gets one share like any top-level value: the email after it still identifies', () => {
    const address = Object.fromEntries(Array.from({ length: 12_000 }, (_, i) => [`part${i}`, 'x']))
    const mapping = toCommands({ type: 'identify', traits: { address, email: 'a@example.com', plan: 'pro' } }, settingsWith(), { pageSeen: true })
    expect(mapping.commands[0]?.[0]).toBe('identify')
    expect(mapping.commands[0]?.[1]).toMatchObject({ email: 'a@example.com', plan: 'pro' })
  })

  it('a userId longer than the value cap is left out of identify, with a note; the contact still is', () => {
    const mapping = toCommands({ type: 'identify', userId: 'u'.repeat(100_000), traits: { email: 'a@example.com' } }, settingsWith(), { pageSeen: true })
    expect(mapping.commands).toEqual([['identify', { email: 'a@example.com' }]])
    expect(mapping.notes).toEqual([`userId left out: longer than ${MAX_VALUE_LENGTH} characters`])
  })

  it('the notes themselves are capped: a payload with a million problems gets six lines', () => {
    const result = collectProperties(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'x'.repeat(2000)])))
    expect(result.notes).toHaveLength(6)
    expect(result.notes.at(-1)).toBe('and more left out by the same caps')
  })
})
