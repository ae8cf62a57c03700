import { describe, expect, test } from 'vitest'
import { normalizeKey, normalizeProperties, normalizeTraits, toHubSpotDate } from '../../src/core/normalize'

describe('rule 1: keys', () => {
  test('keys are lower-cased', () => {
    expect(normalizeKey('FirstName')).toBe('firstname')
    expect(normalizeProperties({ PlanTier: 'pro' })).toEqual({ plantier: 'pro' })
  })

  test.each([
    ['space', ' '],
    ['tab', '\t'],
    ['carriage return', '\r'],
    ['line feed', '\n'],
    ['vertical tab', '\v'],
    ['form feed', '\f'],
    ['period', '.'],
  ])('a %s in a key becomes _', (_name, separator) => {
    expect(normalizeKey(`Plan${separator}Tier`)).toBe('plan_tier')
    expect(normalizeProperties({ [`Plan${separator}Tier`]: 'pro' })).toEqual({ plan_tier: 'pro' })
  })

  test('each separator character becomes its own _ (runs are not collapsed)', () => {
    expect(normalizeKey('a. \tb')).toBe('a___b')
  })

  test('traits keys are normalised the same way', () => {
    expect(normalizeTraits({ 'Favourite Colour': 'teal', 'plan.Tier': 'pro' })).toEqual({
      favourite_colour: 'teal',
      plan_tier: 'pro',
    })
  })
})

describe('rule 2: contact aliases (traits only)', () => {
  test.each([
    ['firstName', 'firstname'],
    ['first_name', 'firstname'],
    ['lastName', 'lastname'],
    ['last_name', 'lastname'],
    ['companyName', 'company'],
    ['title', 'jobtitle'],
    ['position', 'jobtitle'],
    ['lifecycle_stage', 'lifecyclestage'],
    ['lifecycleStage', 'lifecyclestage'],
    ['postalCode', 'zip'],
  ])('%s becomes %s', (trait, property) => {
    expect(normalizeTraits({ [trait]: 'value' })).toEqual({ [property]: 'value' })
  })

  test('name is split into firstname and lastname', () => {
    expect(normalizeTraits({ name: 'Peter Gibbon' })).toEqual({
      name: 'Peter Gibbon',
      firstname: 'Peter',
      lastname: 'Gibbon',
    })
  })

  test('name split keeps every word after the first in lastname', () => {
    expect(normalizeTraits({ name: 'Mary Ann  Smith' })).toEqual({
      name: 'Mary Ann  Smith',
      firstname: 'Mary',
      lastname: 'Ann Smith',
    })
  })

  test('name split does not replace a firstname or lastname that is present', () => {
    expect(normalizeTraits({ name: 'Peter Gibbon', firstName: 'Pete' })).toEqual({
      name: 'Peter Gibbon',
      firstname: 'Pete',
      lastname: 'Gibbon',
    })
    expect(normalizeTraits({ lastname: 'Gibbons', name: 'Peter Gibbon' })).toEqual({
      name: 'Peter Gibbon',
      firstname: 'Peter',
      lastname: 'Gibbons',
    })
  })

  test('a one-word name gives only firstname', () => {
    expect(normalizeTraits({ name: 'Cher' })).toEqual({ name: 'Cher', firstname: 'Cher' })
  })

  test('company.name becomes the company string; other company fields flatten under company_', () => {
    expect(normalizeTraits({ company: { name: 'Initech', industry: 'Software' } })).toEqual({
      company: 'Initech',
      company_industry: 'Software',
    })
  })

  test('a company string stays company', () => {
    expect(normalizeTraits({ company: 'Initech' })).toEqual({ company: 'Initech' })
  })

  test('an address object becomes address (street), city, state, zip and country', () => {
    const address = { street: '1 Main St', city: 'Austin', state: 'TX', postalCode: '78701', country: 'USA' }
    expect(normalizeTraits({ address })).toEqual({
      address: '1 Main St',
      city: 'Austin',
      state: 'TX',
      zip: '78701',
      country: 'USA',
    })
  })

  test('an address postal_code becomes zip', () => {
    expect(normalizeTraits({ address: { postal_code: '78701' } })).toEqual({ zip: '78701' })
  })

  test('aliases do not apply to event properties', () => {
    expect(
      normalizeProperties({ firstName: 'Peter', title: 'Engineer', postalCode: '78701', company: { name: 'Initech' } }),
    ).toEqual({ firstname: 'Peter', title: 'Engineer', postalcode: '78701', company_name: 'Initech' })
  })
})

describe('rule 3: values', () => {
  test('a Date object becomes Unix milliseconds', () => {
    expect(normalizeProperties({ at: new Date(Date.UTC(2024, 2, 15, 10, 20, 30)) })).toEqual({
      at: Date.UTC(2024, 2, 15, 10, 20, 30),
    })
  })

  test('a date-only ISO string becomes midnight UTC', () => {
    expect(normalizeProperties({ renewal: '2024-03-15' })).toEqual({ renewal: Date.UTC(2024, 2, 15) })
  })

  test('a date-time with Z becomes its Unix milliseconds', () => {
    expect(normalizeProperties({ at: '2024-03-15T10:20:30Z', precise: '2024-03-15T10:20:30.123Z' })).toEqual({
      at: Date.UTC(2024, 2, 15, 10, 20, 30),
      precise: Date.UTC(2024, 2, 15, 10, 20, 30, 123),
    })
  })

  test('a date-time without a zone is UTC', () => {
    expect(normalizeProperties({ at: '2024-03-15T10:20:30', short: '2024-03-15T10:20' })).toEqual({
      at: Date.UTC(2024, 2, 15, 10, 20, 30),
      short: Date.UTC(2024, 2, 15, 10, 20),
    })
  })

  test('a date-time with an offset is converted to UTC', () => {
    expect(
      normalizeProperties({ east: '2024-03-15T10:20:30+02:00', compact: '2024-03-15T10:20:30+0200', west: '2024-03-15T10:20:30-05:30' }),
    ).toEqual({
      east: Date.UTC(2024, 2, 15, 8, 20, 30),
      compact: Date.UTC(2024, 2, 15, 8, 20, 30),
      west: Date.UTC(2024, 2, 15, 15, 50, 30),
    })
  })

  test('a leap day in a leap year is a valid date', () => {
    expect(normalizeProperties({ leap: '2024-02-29' })).toEqual({ leap: Date.UTC(2024, 1, 29) })
  })

  test('an invalid date is dropped', () => {
    expect(
      normalizeProperties({
        february30: '2023-02-30',
        notALeapYear: '2023-02-29',
        month13: '2023-13-01',
        hour25: '2023-01-05T25:00:00Z',
        minute60: '2023-01-05T10:60:00Z',
        invalidDate: new Date('not a date'),
        kept: 'x',
      }),
    ).toEqual({ kept: 'x' })
  })

  test('toHubSpotDate converts Dates and ISO strings and rejects the rest', () => {
    expect(toHubSpotDate('2024-03-15')).toBe(Date.UTC(2024, 2, 15))
    expect(toHubSpotDate('2024-03-15T10:20:30+02:00')).toBe(Date.UTC(2024, 2, 15, 8, 20, 30))
    expect(toHubSpotDate(new Date(Date.UTC(2024, 2, 15)))).toBe(Date.UTC(2024, 2, 15))
    expect(toHubSpotDate('2023-02-30')).toBeUndefined()
    expect(toHubSpotDate('March 15, 2024')).toBeUndefined()
    expect(toHubSpotDate(1710460800000)).toBeUndefined()
  })

  test('strings lose leading and trailing runs of whitespace and zero-width/BOM characters, mixed in any order', () => {
    expect(
      normalizeProperties({
        plan: '\u200b \t\ufeff\n pro \u200d\r\u00a0\u2060 \u200c',
        inner: ' keeps  inner \u200b spaces ',
      }),
    ).toEqual({ plan: 'pro', inner: 'keeps  inner \u200b spaces' })
  })

  test('a trimmed ISO date is still a date', () => {
    expect(normalizeProperties({ renewal: '\ufeff 2024-03-15 \u200b' })).toEqual({ renewal: Date.UTC(2024, 2, 15) })
  })

  test('an empty string stays (it clears the property in HubSpot)', () => {
    expect(normalizeTraits({ phone: '', city: ' \u200b ' })).toEqual({ phone: '', city: '' })
  })

  test('finite numbers and booleans stay', () => {
    expect(normalizeProperties({ zero: 0, negative: -1.5, yes: true, no: false })).toEqual({
      zero: 0,
      negative: -1.5,
      yes: true,
      no: false,
    })
  })

  test('null, undefined, functions, symbols, NaN and ±Infinity are dropped', () => {
    expect(
      normalizeProperties({
        empty: null,
        missing: undefined,
        callback: () => 1,
        tag: Symbol('tag'),
        nan: Number.NaN,
        big: Number.POSITIVE_INFINITY,
        small: Number.NEGATIVE_INFINITY,
        kept: 1,
      }),
    ).toEqual({ kept: 1 })
  })
})

describe('rule 4: flattening', () => {
  test('nested objects are flattened with _', () => {
    expect(normalizeProperties({ plan: { tier: 'pro', 'Seat Count': 5 } })).toEqual({
      plan_tier: 'pro',
      plan_seat_count: 5,
    })
  })

  test('a value five levels below the top is kept, six levels below is dropped', () => {
    const nested = { a: { b: { c: { d: { e: { five: 5, f: { six: 6 } } } } } } }
    expect(normalizeProperties(nested)).toEqual({ a_b_c_d_e_five: 5 })
    expect(normalizeTraits(nested)).toEqual({ a_b_c_d_e_five: 5 })
  })

  test('arrays of primitives are joined with ;', () => {
    expect(normalizeProperties({ interests: ['golf', ' tennis ', 3, true], plan: { seats: ['a', 'b'] } })).toEqual({
      interests: 'golf;tennis;3;true',
      plan_seats: 'a;b',
    })
  })

  test('empty arrays and arrays holding objects are dropped', () => {
    expect(normalizeProperties({ none: [], items: [{ sku: 'a' }], mixed: ['a', { sku: 'b' }], kept: 'x' })).toEqual({
      kept: 'x',
    })
  })
})

describe('rule 5: collisions', () => {
  test('when two keys normalise to the same name, the key already in normal form wins, whatever the order', () => {
    expect(normalizeProperties({ 'Plan Tier': 'a', plan_tier: 'b' })).toEqual({ plan_tier: 'b' })
    expect(normalizeProperties({ plan_tier: 'b', 'Plan Tier': 'a' })).toEqual({ plan_tier: 'b' })
  })

  test('a flattened path loses to a top-level key of the same name', () => {
    expect(normalizeProperties({ plan: { tier: 'a' }, plan_tier: 'b' })).toEqual({ plan_tier: 'b' })
    expect(normalizeProperties({ plan_tier: 'b', plan: { tier: 'a' } })).toEqual({ plan_tier: 'b' })
  })

  test('a contact property in normal form wins over its alias, whatever the order', () => {
    expect(normalizeTraits({ firstName: 'alias', firstname: 'normal' })).toEqual({ firstname: 'normal' })
    expect(normalizeTraits({ firstname: 'normal', firstName: 'alias' })).toEqual({ firstname: 'normal' })
    expect(normalizeTraits({ zip: '10001', postalCode: '78701' })).toEqual({ zip: '10001' })
  })
})

describe('rule 6: safety', () => {
  const traits = () => ({
    email: ' peter@example.com ',
    name: 'Peter Gibbon',
    'Plan Tier': 'pro',
    company: { name: 'Initech', size: { seats: 10 } },
    address: { street: '1 Main St', postalCode: '78701' },
    interests: ['golf', 'tennis'],
    signedUp: new Date(Date.UTC(2024, 2, 15)),
    renewal: '2024-03-15',
  })

  test("the caller's objects are never mutated", () => {
    const input = traits()
    const before = structuredClone(input)
    normalizeTraits(input)
    normalizeProperties(input)
    expect(input).toEqual(before)
  })

  test('frozen input is normalised without error', () => {
    const freeze = <T>(value: T): T => {
      if (typeof value === 'object' && value !== null) {
        for (const child of Object.values(value)) freeze(child)
        Object.freeze(value)
      }
      return value
    }
    expect(normalizeTraits(freeze(traits()))).toEqual({
      email: 'peter@example.com',
      name: 'Peter Gibbon',
      firstname: 'Peter',
      lastname: 'Gibbon',
      plan_tier: 'pro',
      company: 'Initech',
      company_size_seats: 10,
      address: '1 Main St',
      zip: '78701',
      interests: 'golf;tennis',
      signedup: Date.UTC(2024, 2, 15),
      renewal: Date.UTC(2024, 2, 15),
    })
  })

  test('__proto__, constructor and prototype never reach the output nor touch Object.prototype', () => {
    const hostile = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": "x",' +
        ' "Constructor": "x", "__PROTO__": "x", "nested": {"__proto__": {"polluted": "yes"}, "ok": 1},' +
        ' "address": {"__proto__": {"polluted": "yes"}, "city": "Austin"}}',
    ) as unknown
    for (const out of [normalizeProperties(hostile), normalizeTraits(hostile)]) {
      expect(Object.keys(out).filter((key) => /__proto__|constructor|prototype/.test(key))).toEqual([])
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
      expect(out).not.toHaveProperty('polluted')
    }
    expect(normalizeProperties(hostile)).toEqual({ nested_ok: 1, address_city: 'Austin' })
    expect(normalizeTraits(hostile)).toEqual({ nested_ok: 1, city: 'Austin' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })

  test('a cyclic object terminates', () => {
    const account: Record<string, unknown> = { plan: 'pro' }
    const owner: Record<string, unknown> = { name: 'Peter', account }
    account.owner = owner
    account.self = account
    account.list = [account]
    expect(normalizeProperties(account)).toEqual({ plan: 'pro', owner_name: 'Peter' })
    const traits: Record<string, unknown> = { email: 'peter@example.com', address: { city: 'Austin' } }
    ;(traits.address as Record<string, unknown>).resident = traits
    expect(normalizeTraits(traits)).toEqual({ email: 'peter@example.com', city: 'Austin' })
  })

  test('an object shared by two keys (not a cycle) is flattened in both places', () => {
    const address = { city: 'Austin' }
    expect(normalizeProperties({ billing: address, shipping: address })).toEqual({
      billing_city: 'Austin',
      shipping_city: 'Austin',
    })
  })

  test('anything that is not a plain object normalises to nothing', () => {
    for (const input of [undefined, null, 'text', 42, ['a'], new Date()]) {
      expect(normalizeProperties(input)).toEqual({})
      expect(normalizeTraits(input)).toEqual({})
    }
  })
})
