import { describe, expect, it } from 'vitest'
import { createDelivery, DAILY_LIMIT_REACHED, RollingWindow, type Clock, type DeliveryItem, type DeliveryOptions, type DeliveryProgress } from '../../src/server/delivery'
import { HubSpotApiError, type CrmObject, type EventOccurrence, type HubSpotApi } from '../../src/server/hubspot-api'
import type { HubSpotRequest, PropertyValues } from '../../src/server/requests'

/** Virtual time: sleeping moves the clock on at once, and every sleep is recorded. */
class FakeClock implements Clock {
  t = 0
  sleeps: number[] = []
  now(): number {
    return this.t
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.t += Math.max(0, ms)
    return Promise.resolve()
  }
}

type Method = keyof HubSpotApi

/** A fault on one call: thrown before HubSpot processes it, or after (the change is made, the answer lost). */
interface Fault {
  when: 'before' | 'after'
  error: HubSpotApiError
}

interface Call {
  method: Method
  at: number
  args: unknown
}

const error = (status: number, message: string, options: { headers?: Record<string, string>; body?: Record<string, unknown>; maybeDelivered?: boolean } = {}): HubSpotApiError =>
  new HubSpotApiError(message, status, options.headers ?? {}, options.body ?? { status: 'error', message, category: status === 400 ? 'VALIDATION_ERROR' : 'ERROR' }, options.maybeDelivered)

const tenSecondly = (retryAfter?: string): HubSpotApiError =>
  error(429, 'You have reached your ten_secondly_rolling limit.', {
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
  })

const daily = (): HubSpotApiError =>
  error(429, 'You have reached your daily limit.', {
    headers: { 'x-hubspot-ratelimit-daily': '250000', 'x-hubspot-ratelimit-daily-remaining': '0' },
    body: { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' },
  })

/** An in-memory HubSpot portal with HubSpot's batch rules (100 inputs, unique ids, known properties). */
class FakeHubSpot implements HubSpotApi {
  calls: Call[] = []
  contacts = new Map<string, { id: string; properties: Record<string, string> }>()
  companies: Array<{ id: string; properties: Record<string, string> }> = []
  associations = new Set<string>()
  events: EventOccurrence[] = []
  contactProperties = new Set(['email', 'firstname', 'lastname', 'plan', 'lifecyclestage'])
  companyProperties = new Set(['domain', 'name', 'industry', 'numberofemployees'])
  /** Calls over this rate are answered 429 and counted: delivery must never cause one. */
  rate?: { max: number; intervalMs: number }
  overLimit = 0
  fault?: (method: Method, args: unknown, index: number) => Fault | undefined
  private nextId = 1

  constructor(private readonly clock: FakeClock) {}

  private async enter<T>(method: Method, args: unknown, run: () => T): Promise<T> {
    const at = this.clock.now()
    this.calls.push({ method, at, args })
    await Promise.resolve()
    if (this.rate) {
      const recent = this.calls.filter((call) => call.at > at - this.rate!.intervalMs).length
      if (recent > this.rate.max) {
        this.overLimit++
        throw tenSecondly()
      }
    }
    const fault = this.fault?.(method, args, this.calls.length - 1)
    if (fault?.when === 'before') throw fault.error
    const value = run()
    if (fault?.when === 'after') throw fault.error
    return value
  }

  private checkBatch(inputs: unknown[]): void {
    if (inputs.length > 100) throw error(400, `Batch input size ${inputs.length} exceeds the limit of 100`)
  }

  private checkProperties(properties: PropertyValues, known: Set<string>): void {
    const unknown = Object.keys(properties).filter((name) => !known.has(name))
    if (unknown.length > 0) {
      throw error(400, `Property values were not valid: [${unknown.map((name) => JSON.stringify({ isValid: false, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST', name })).join(',')}]`)
    }
    for (const [name, value] of Object.entries(properties)) {
      if (value === 'INVALID') throw error(400, `Property values were not valid: [{"isValid":false,"message":"${value} was not a valid value","name":"${name}"}]`)
    }
  }

  upsertContacts(inputs: Array<{ email: string; properties: PropertyValues }>): Promise<CrmObject[]> {
    return this.enter('upsertContacts', inputs, () => {
      this.checkBatch(inputs)
      const ids = inputs.map((input) => input.email.toLowerCase())
      const twice = ids.filter((id, i) => ids.indexOf(id) !== i)
      if (twice.length > 0) throw error(400, `Duplicate IDs found in batch input: [${twice.join(', ')}]. IDs must be unique`)
      inputs.forEach((input) => this.checkProperties(input.properties, this.contactProperties))
      return inputs.map((input) => {
        const key = input.email.toLowerCase()
        const contact = this.contacts.get(key) ?? { id: String(this.nextId++), properties: { email: key } }
        Object.assign(contact.properties, input.properties)
        this.contacts.set(key, contact)
        return { id: contact.id, properties: { ...contact.properties } }
      })
    })
  }

  readContactsByEmail(emails: string[]): Promise<CrmObject[]> {
    return this.enter('readContactsByEmail', emails, () => {
      this.checkBatch(emails)
      return emails.flatMap((email) => {
        const contact = this.contacts.get(email.toLowerCase())
        return contact ? [{ id: contact.id, properties: { ...contact.properties } }] : []
      })
    })
  }

  findCompanyByDomain(domain: string): Promise<CrmObject | undefined> {
    return this.enter('findCompanyByDomain', domain, () => {
      const company = this.companies.find((candidate) => candidate.properties.domain === domain)
      return company ? { id: company.id, properties: { ...company.properties } } : undefined
    })
  }

  createCompanies(inputs: Array<{ properties: PropertyValues }>): Promise<CrmObject[]> {
    return this.enter('createCompanies', inputs, () => {
      this.checkBatch(inputs)
      inputs.forEach((input) => this.checkProperties(input.properties, this.companyProperties))
      return inputs.map((input) => {
        const company = { id: `c${this.nextId++}`, properties: { ...input.properties } }
        this.companies.push(company)
        return { id: company.id, properties: { ...company.properties } }
      })
    })
  }

  updateCompanies(inputs: Array<{ id: string; properties: PropertyValues }>): Promise<CrmObject[]> {
    return this.enter('updateCompanies', inputs, () => {
      this.checkBatch(inputs)
      const ids = inputs.map((input) => input.id)
      if (new Set(ids).size !== ids.length) throw error(400, 'Duplicate IDs found in batch input. IDs must be unique')
      inputs.forEach((input) => this.checkProperties(input.properties, this.companyProperties))
      return inputs.map((input) => {
        const company = this.companies.find((candidate) => candidate.id === input.id)
        if (!company) throw error(404, `Object not found. objectId are usually numeric. ${input.id}`)
        Object.assign(company.properties, input.properties)
        return { id: company.id, properties: { ...company.properties } }
      })
    })
  }

  associateContactsWithCompanies(pairs: Array<{ contactId: string; companyId: string }>): Promise<void> {
    return this.enter('associateContactsWithCompanies', pairs, () => {
      this.checkBatch(pairs)
      for (const { contactId, companyId } of pairs) this.associations.add(`${contactId}-${companyId}`)
    })
  }

  sendEvent(event: EventOccurrence): Promise<void> {
    return this.enter('sendEvent', event, () => {
      if (event.eventName === 'pe_unknown') throw error(400, 'Event definition pe_unknown does not exist', { maybeDelivered: false })
      this.events.push(event)
    })
  }

  propertyNames(objectType: 'contacts' | 'companies'): Promise<string[]> {
    return this.enter('propertyNames', objectType, () => [...(objectType === 'contacts' ? this.contactProperties : this.companyProperties)])
  }

  count(method: Method): number {
    return this.calls.filter((call) => call.method === method).length
  }
}

const upsert = (email: string, properties: PropertyValues = {}): HubSpotRequest => ({ kind: 'upsertContact', email, properties })
const event = (email: string, eventName = 'pe123_signed_up', properties: PropertyValues = {}): HubSpotRequest => ({
  kind: 'sendEvent',
  eventName,
  email,
  occurredAt: '2024-05-01T00:00:00.000Z',
  properties,
})
const company = (domain: string, properties: PropertyValues = {}): HubSpotRequest => ({ kind: 'upsertCompany', domain, properties: { domain, ...properties } })
const associate = (email: string, domain: string): HubSpotRequest => ({ kind: 'associate', email, domain })

function setup(options: Partial<DeliveryOptions> = {}) {
  const clock = new FakeClock()
  const api = new FakeHubSpot(clock)
  const delivery = createDelivery({ api, clock, random: () => 0.5, ...options })
  return { clock, api, delivery }
}

/** The most calls that started within any window of `intervalMs`. */
function busiestWindow(times: number[], intervalMs: number): number {
  let most = 0
  let start = 0
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= intervalMs) start++
    most = Math.max(most, end - start + 1)
  }
  return most
}

describe('batching', () => {
  it('1,000 identifies become 10 upsert calls of 100 contacts (and one read of the property names)', async () => {
    const { api, delivery } = setup()
    const items = Array.from({ length: 1000 }, (_, i) => ({ id: `m${i}`, requests: [upsert(`user${i}@example.com`, { firstname: `User ${i}` })] }))
    const results = await delivery.deliver(items)
    expect(results.every((result) => result.outcome === 'delivered')).toBe(true)
    expect(api.count('upsertContacts')).toBe(10)
    expect(api.calls.filter((call) => call.method === 'upsertContacts').map((call) => (call.args as unknown[]).length)).toEqual(Array(10).fill(100))
    expect(api.count('propertyNames')).toBe(1)
    expect(delivery.callsMade).toBe(11)
    expect(api.contacts.get('user999@example.com')?.properties.firstname).toBe('User 999')
  })

  it('the same email twice in a batch is one input, the later values winning (HubSpot rejects duplicate ids)', async () => {
    const { api, delivery } = setup()
    const results = await delivery.deliver([
      { id: 'a', requests: [upsert('Ada@example.com', { firstname: 'Ada', plan: 'free' })] },
      { id: 'b', requests: [upsert('bob@example.com', { firstname: 'Bob' })] },
      { id: 'c', requests: [upsert('ada@example.com', { plan: 'pro' })] },
    ])
    expect(results.map((result) => result.outcome)).toEqual(['delivered', 'delivered', 'delivered'])
    const [sent] = api.calls.filter((call) => call.method === 'upsertContacts')
    expect(sent?.args).toEqual([
      { email: 'Ada@example.com', properties: { firstname: 'Ada', plan: 'pro' } },
      { email: 'bob@example.com', properties: { firstname: 'Bob' } },
    ])
    expect(api.count('upsertContacts')).toBe(1)
  })

  it('companies and associations go in batches of up to 100', async () => {
    const { api, delivery } = setup({ rate: { max: 1000, intervalMs: 10_000 } })
    const items = Array.from({ length: 150 }, (_, i) => ({
      id: `g${i}`,
      requests: [upsert(`u${i}@example.com`), company(`acme${i}.com`, { name: `Acme ${i}` }), associate(`u${i}@example.com`, `acme${i}.com`)],
    }))
    const results = await delivery.deliver(items)
    expect(results.every((result) => result.outcome === 'delivered')).toBe(true)
    expect(api.calls.filter((call) => call.method === 'createCompanies').map((call) => (call.args as unknown[]).length)).toEqual([100, 50])
    expect(api.calls.filter((call) => call.method === 'associateContactsWithCompanies').map((call) => (call.args as unknown[]).length)).toEqual([100, 50])
    expect(api.count('readContactsByEmail')).toBe(0) // the upserts returned the contact ids
    expect(api.associations.size).toBe(150)
  })
})

describe('rate', () => {
  it('never more than max calls in any rolling window, failed calls counted', async () => {
    const { clock, api, delivery } = setup({ rate: { max: 100, intervalMs: 10_000 }, concurrency: 7 })
    api.fault = (method, _args, index) => (index % 9 === 4 && method === 'sendEvent' ? { when: 'before', error: error(503, 'Service Unavailable', { maybeDelivered: false }) } : undefined)
    const items = Array.from({ length: 350 }, (_, i) => ({ id: `e${i}`, requests: [event(`u${i}@example.com`, 'pe123_clicked', { n: String(i) })] }))
    const results = await delivery.deliver(items)
    expect(results.every((result) => result.outcome === 'delivered')).toBe(true)
    const times = api.calls.map((call) => call.at)
    expect(times.length).toBeGreaterThan(350)
    expect(busiestWindow(times, 10_000)).toBeLessThanOrEqual(100)
    expect(busiestWindow(times, 10_000)).toBeGreaterThanOrEqual(90)
    expect(api.overLimit).toBe(0)
    expect(clock.now()).toBeGreaterThanOrEqual(30_000)
  })

  it('the limiter counts a call from its start until the window after its end (HubSpot counts arrivals)', async () => {
    const clock = new FakeClock()
    const window = new RollingWindow(2, 1000, clock)
    const first = await window.acquire()
    clock.t = 500
    const second = await window.acquire()
    clock.t = 1500
    first() // a slow call: it may have reached HubSpot at 1500
    second()
    await window.acquire()
    expect(clock.now()).toBe(2500)
    expect(window.calls).toBe(3)
  })

  it('stops cleanly at the daily limit: the rest is dead-lettered, no call after it', async () => {
    const { api, delivery } = setup({ concurrency: 1 })
    let callsWhenSaid = -1
    api.fault = (method) => {
      if (method !== 'sendEvent' || api.events.length !== 3) return undefined
      callsWhenSaid = api.calls.length
      return { when: 'before', error: daily() }
    }
    const items = Array.from({ length: 10 }, (_, i) => ({ id: `e${i}`, requests: [event(`u${i}@example.com`)] }))
    const results = await delivery.deliver(items)
    expect(results.filter((result) => result.outcome === 'delivered')).toHaveLength(3)
    expect(results.filter((result) => result.outcome === 'dead-lettered').map((result) => result.reason)).toEqual(Array(7).fill(DAILY_LIMIT_REACHED))
    const callsAtStop = api.calls.length
    expect(callsAtStop).toBe(callsWhenSaid)
    expect(delivery.dailyLimitReached).toBe(true)
    // A later run (a new day, in a long-lived process) tries again.
    const later = await delivery.deliver([{ id: 'late', requests: [upsert('late@example.com')] }])
    expect(later).toEqual([{ id: 'late', outcome: 'delivered' }])
    expect(delivery.dailyLimitReached).toBe(false)
    // The portal's contact properties, then the upsert.
    expect(api.calls.length).toBe(callsAtStop + 2)
  })

  it('a refused token (401) stops the run after one call, instead of rejecting every event', async () => {
    const { api, delivery } = setup({ concurrency: 1 })
    api.fault = () => ({ when: 'before', error: error(401, 'Authentication credentials not found.') })
    const items = Array.from({ length: 20 }, (_, i) => ({ id: `e${i}`, requests: [event(`u${i}@example.com`)] }))
    const results = await delivery.deliver(items)
    expect(api.calls.length).toBe(1)
    expect(new Set(results.map((result) => `${result.outcome}: ${result.reason}`))).toEqual(
      new Set(['dead-lettered: HubSpot refused the access token: Authentication credentials not found.']),
    )
  })

  it('an event without a timestamp goes without occurredAt: HubSpot takes the time it receives it', async () => {
    const { api, delivery } = setup()
    await delivery.deliver([{ id: 'e', requests: [{ kind: 'sendEvent', eventName: 'pe123_signed_up', email: 'a@example.com', occurredAt: '', properties: {} }] }])
    expect(api.events).toEqual([{ eventName: 'pe123_signed_up', email: 'a@example.com', properties: {} }])
  })

  it('with calls in flight, none starts after HubSpot has said the daily limit is reached', async () => {
    const { api, delivery } = setup({ concurrency: 5 })
    let callsWhenSaid = -1
    api.fault = (method) => {
      if (method !== 'sendEvent' || callsWhenSaid >= 0 || api.events.length < 20) return undefined
      callsWhenSaid = api.calls.length
      return { when: 'before', error: daily() }
    }
    const items = Array.from({ length: 100 }, (_, i) => ({ id: `e${i}`, requests: [event(`u${i}@example.com`)] }))
    const results = await delivery.deliver(items)
    // The calls already in flight finish; no new one starts.
    expect(api.calls.length).toBeLessThanOrEqual(callsWhenSaid + 4)
    expect(results.filter((result) => result.outcome === 'delivered').length).toBe(api.events.length)
    expect(results.filter((result) => result.outcome === 'dead-lettered').every((result) => result.reason === DAILY_LIMIT_REACHED)).toBe(true)
    expect(results).toHaveLength(100)
  })

  it('the daily limit while reading property names dead-letters with the same reason', async () => {
    const { api, delivery } = setup()
    api.fault = (method) => (method === 'propertyNames' ? { when: 'before', error: daily() } : undefined)
    const results = await delivery.deliver([
      { id: 'a', requests: [upsert('a@example.com', { plan: 'pro' })] },
      { id: 'b', requests: [event('b@example.com')] },
    ])
    expect(results).toEqual([
      { id: 'a', outcome: 'dead-lettered', reason: DAILY_LIMIT_REACHED },
      { id: 'b', outcome: 'dead-lettered', reason: DAILY_LIMIT_REACHED },
    ])
    expect(api.calls).toHaveLength(1)
  })

  it('the daily remaining header at 0 is the daily limit too, and the reason says what got through', async () => {
    const { api, delivery } = setup()
    api.fault = (method) =>
      method === 'sendEvent' ? { when: 'before', error: error(429, 'Too many requests', { headers: { 'x-hubspot-ratelimit-daily-remaining': '0' }, body: { message: 'Too many requests' } }) } : undefined
    const [result] = await delivery.deliver([{ id: 't', requests: [upsert('ann@example.com'), event('ann@example.com')] }])
    expect(result).toEqual({
      id: 't',
      outcome: 'dead-lettered',
      reason: `${DAILY_LIMIT_REACHED}; got through: contact ann@example.com upserted`,
      gotThrough: ['contact ann@example.com upserted'],
    })
    expect(api.count('sendEvent')).toBe(1)
  })
})

describe('retries', () => {
  it("waits HubSpot's Retry-After on a ten-secondly 429, then delivers", async () => {
    const { clock, api, delivery } = setup()
    api.fault = (method) => (method === 'upsertContacts' && api.count('upsertContacts') === 1 ? { when: 'before', error: tenSecondly('3') } : undefined)
    const results = await delivery.deliver([{ id: 'a', requests: [upsert('a@example.com')] }])
    expect(results[0]?.outcome).toBe('delivered')
    expect(clock.sleeps).toEqual([3000])
    const [first, second] = api.calls.filter((call) => call.method === 'upsertContacts')
    expect(second!.at - first!.at).toBe(3000)
  })

  it('backs off exponentially with full jitter, capped, then dead-letters with the last error', async () => {
    for (const jitter of [0, 0.5, 0.999]) {
      const { clock, api, delivery } = setup({ random: () => jitter, retries: { max: 6, baseMs: 100, capMs: 1500 } })
      api.fault = (method) => (method === 'upsertContacts' ? { when: 'before', error: error(503, 'Service Unavailable') } : undefined)
      const [result] = await delivery.deliver([{ id: 'a', requests: [upsert('a@example.com')] }])
      expect(api.count('upsertContacts')).toBe(7)
      expect(result).toEqual({ id: 'a', outcome: 'dead-lettered', reason: 'gave up after 7 attempts: HubSpot 503: Service Unavailable' })
      const ceilings = [100, 200, 400, 800, 1500, 1500]
      expect(clock.sleeps).toHaveLength(6)
      clock.sleeps.forEach((ms, i) => {
        expect(ms).toBeGreaterThanOrEqual(0)
        expect(ms).toBeLessThan(ceilings[i]!)
        expect(ms).toBeCloseTo(jitter * ceilings[i]!, 6)
      })
    }
  })

  it('retries network errors (status 0) on idempotent calls', async () => {
    const { api, delivery } = setup()
    let failures = 2
    api.fault = (method) => (method === 'upsertContacts' && failures-- > 0 ? { when: 'after', error: error(0, 'socket hang up') } : undefined)
    const [result] = await delivery.deliver([{ id: 'a', requests: [upsert('a@example.com', { plan: 'pro' })] }])
    expect(result?.outcome).toBe('delivered')
    expect(api.count('upsertContacts')).toBe(3)
  })

  it("no retry on a validation error: rejected with HubSpot's message", async () => {
    const { api, delivery } = setup()
    const [result] = await delivery.deliver([{ id: 'a', requests: [event('a@example.com', 'pe_unknown')] }])
    expect(result).toEqual({ id: 'a', outcome: 'rejected', reason: 'Event definition pe_unknown does not exist' })
    expect(api.count('sendEvent')).toBe(1)
  })

  it('a batch rejected for one input is split until only the bad input is rejected', async () => {
    const { api, delivery } = setup()
    const items = Array.from({ length: 8 }, (_, i) => ({ id: `m${i}`, requests: [upsert(`u${i}@example.com`, { plan: i === 5 ? 'INVALID' : 'pro' })] }))
    const results = await delivery.deliver(items)
    expect(results.filter((result) => result.outcome === 'delivered').map((result) => result.id)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm6', 'm7'])
    expect(results[5]).toEqual({ id: 'm5', outcome: 'rejected', reason: 'Property values were not valid: [{"isValid":false,"message":"INVALID was not a valid value","name":"plan"}]' })
    expect(api.contacts.size).toBe(7)
    // 8 → 4 + 4 → (2 + 2) → (1 + 1): 1 + 2 + 2 + 2 upserts
    expect(api.count('upsertContacts')).toBe(7)
  })

  it('a merged input that is invalid is sent part by part, so only the bad item is rejected', async () => {
    const { api, delivery } = setup()
    const results = await delivery.deliver([
      { id: 'good', requests: [upsert('a@example.com', { firstname: 'Ann' })] },
      { id: 'bad', requests: [upsert('a@example.com', { plan: 'INVALID' })] },
    ])
    expect(results.map((result) => result.outcome)).toEqual(['delivered', 'rejected'])
    expect(api.contacts.get('a@example.com')?.properties.firstname).toBe('Ann')
  })
})

describe('behavioral events are never sent twice', () => {
  it.each([
    ['a 502 after HubSpot processed it', error(502, 'Bad Gateway'), 'HubSpot 502: Bad Gateway'],
    ['a timeout', error(0, 'request timed out after 30000 ms'), 'network error: request timed out after 30000 ms'],
    ['a dropped connection', error(0, 'socket hang up'), 'network error: socket hang up'],
    ['a 500 that may not have been processed', error(500, 'Internal error'), 'HubSpot 500: Internal error'],
  ])('%s: dead-lettered as maybe delivered, not sent again', async (_name, failure, described) => {
    const { api, delivery } = setup()
    api.fault = (method) => (method === 'sendEvent' ? { when: 'after', error: failure } : undefined)
    const [result] = await delivery.deliver([{ id: 'e', requests: [upsert('a@example.com'), event('a@example.com')] }])
    expect(api.count('sendEvent')).toBe(1)
    expect(result).toEqual({
      id: 'e',
      outcome: 'dead-lettered',
      reason: `event "pe123_signed_up" may have been delivered (${described}); not sent again; got through: contact a@example.com upserted`,
      gotThrough: ['contact a@example.com upserted'],
    })
  })

  it('retried when the failure proves HubSpot did not process it (429, or maybeDelivered false)', async () => {
    const { api, delivery } = setup()
    const faults = [tenSecondly('1'), error(503, 'connect ECONNREFUSED', { maybeDelivered: false }), error(0, 'getaddrinfo ENOTFOUND', { maybeDelivered: false })]
    api.fault = (method) => {
      const next = method === 'sendEvent' ? faults.shift() : undefined
      return next ? { when: 'before', error: next } : undefined
    }
    const [result] = await delivery.deliver([{ id: 'e', requests: [event('a@example.com')] }])
    expect(result?.outcome).toBe('delivered')
    expect(api.count('sendEvent')).toBe(4)
    expect(api.events).toHaveLength(1)
  })
})

describe('unknown properties', () => {
  it('are dropped before sending and reported per item; the names are read once per run', async () => {
    const { api, delivery } = setup()
    const results = await delivery.deliver([
      { id: 'a', requests: [upsert('a@example.com', { firstname: 'Ann', favourite_colour: 'teal', shoe_size: '38' })] },
      { id: 'b', requests: [company('acme.com', { name: 'Acme', founded_on_mars: 'no' })] },
      { id: 'c', requests: [upsert('c@example.com', { lastname: 'Lee' })] },
    ])
    expect(results).toEqual([
      { id: 'a', outcome: 'delivered', dropped: ['favourite_colour', 'shoe_size'] },
      { id: 'b', outcome: 'delivered', dropped: ['founded_on_mars'] },
      { id: 'c', outcome: 'delivered' },
    ])
    expect(api.contacts.get('a@example.com')?.properties).toEqual({ email: 'a@example.com', firstname: 'Ann' })
    await delivery.deliver([{ id: 'd', requests: [upsert('d@example.com', { plan: 'pro' })] }])
    expect(api.calls.filter((call) => call.method === 'propertyNames').map((call) => call.args)).toEqual(['contacts', 'companies'])
  })

  it('names given by the caller are not read; check: false sends everything', async () => {
    const given = setup({ propertyNames: { known: { contacts: ['email', 'firstname'] } } })
    const [result] = await given.delivery.deliver([{ id: 'a', requests: [upsert('a@example.com', { firstname: 'Ann', plan: 'pro' })] }])
    expect(result).toEqual({ id: 'a', outcome: 'delivered', dropped: ['plan'] })
    expect(given.api.count('propertyNames')).toBe(0)

    const unchecked = setup({ propertyNames: { check: false } })
    const [rejected] = await unchecked.delivery.deliver([{ id: 'a', requests: [upsert('a@example.com', { shoe_size: '38' })] }])
    expect(rejected?.outcome).toBe('rejected')
    expect(rejected?.reason).toMatch(/^Property values were not valid: .*shoe_size/)
  })
})

describe('companies and associations', () => {
  it('finds the company by domain, creates or updates it, and associates the contact', async () => {
    const { api, delivery } = setup()
    api.companies.push({ id: 'c-old', properties: { domain: 'old.example', name: 'Old' } })
    const results = await delivery.deliver([
      { id: 'i', requests: [upsert('ann@example.com', { firstname: 'Ann' })] },
      { id: 'g1', requests: [company('new.example', { name: 'New', numberofemployees: '12' }), associate('ann@example.com', 'new.example')] },
      { id: 'g2', requests: [company('old.example', { industry: 'SOFTWARE' }), associate('ann@example.com', 'old.example')] },
    ])
    expect(results.map((result) => result.outcome)).toEqual(['delivered', 'delivered', 'delivered'])
    expect(api.companies).toHaveLength(2)
    const created = api.companies.find((candidate) => candidate.properties.domain === 'new.example')!
    expect(created.properties).toEqual({ domain: 'new.example', name: 'New', numberofemployees: '12' })
    expect(api.companies[0]!.properties).toEqual({ domain: 'old.example', name: 'Old', industry: 'SOFTWARE' })
    const ann = api.contacts.get('ann@example.com')!.id
    expect([...api.associations].sort()).toEqual([`${ann}-${created.id}`, `${ann}-c-old`].sort())
    expect(api.count('findCompanyByDomain')).toBe(2)
    expect(api.count('updateCompanies')).toBe(1)
    expect(api.count('createCompanies')).toBe(1)
  })

  it('reads the contact id of a contact an earlier run created; a missing contact is rejected with the reason', async () => {
    const { api, delivery } = setup()
    api.contacts.set('known@example.com', { id: '77', properties: { email: 'known@example.com' } })
    const results = await delivery.deliver([
      { id: 'g1', requests: [company('acme.com'), associate('known@example.com', 'acme.com')] },
      { id: 'g2', requests: [company('acme.com'), associate('ghost@example.com', 'acme.com')] },
    ])
    expect(results[0]).toEqual({ id: 'g1', outcome: 'delivered' })
    expect(results[1]).toEqual({
      id: 'g2',
      outcome: 'rejected',
      reason: "no HubSpot contact has the email ghost@example.com (an identify must create it first), so it can't be associated with acme.com; got through: company acme.com created",
      gotThrough: ['company acme.com created'],
    })
    expect(api.calls.filter((call) => call.method === 'readContactsByEmail').map((call) => call.args)).toEqual([['known@example.com', 'ghost@example.com']])
    expect(api.companies).toHaveLength(1)
    expect(api.associations).toEqual(new Set([`77-${api.companies[0]!.id}`]))
  })

  it('a create that may have reached HubSpot is checked before it is tried again: no second company', async () => {
    const { api, delivery } = setup()
    let lost = 1
    api.fault = (method) => (method === 'createCompanies' && lost-- > 0 ? { when: 'after', error: error(504, 'Gateway Timeout') } : undefined)
    const [result] = await delivery.deliver([{ id: 'g', requests: [company('acme.com', { name: 'Acme' })] }])
    expect(result?.outcome).toBe('delivered')
    expect(api.companies).toHaveLength(1)
    expect(api.calls.map((call) => call.method)).toEqual(['propertyNames', 'findCompanyByDomain', 'createCompanies', 'findCompanyByDomain', 'updateCompanies'])
  })
})

describe('order', () => {
  it("an item's requests run in its order: its contact before its event, its company before its association", async () => {
    const { api, delivery } = setup()
    await delivery.deliver([
      { id: 't', requests: [upsert('a@example.com', { plan: 'pro' }), event('a@example.com')] },
      { id: 'g', requests: [upsert('b@example.com'), company('acme.com'), associate('b@example.com', 'acme.com')] },
    ])
    const index = (method: Method): number => api.calls.findIndex((call) => call.method === method)
    expect(index('upsertContacts')).toBeLessThan(index('sendEvent'))
    expect(index('createCompanies')).toBeLessThan(index('associateContactsWithCompanies'))
    expect(index('upsertContacts')).toBeLessThan(index('associateContactsWithCompanies'))
  })

  it("a later item's write to the same contact waits for an earlier item's (last write wins)", async () => {
    const { api, delivery } = setup()
    const results = await delivery.deliver([
      { id: '1', requests: [event('a@example.com'), upsert('a@example.com', { plan: 'free' })] },
      { id: '2', requests: [upsert('a@example.com', { plan: 'pro' })] },
    ])
    expect(results.map((result) => result.outcome)).toEqual(['delivered', 'delivered'])
    expect(api.contacts.get('a@example.com')?.properties.plan).toBe('pro')
  })

  it('a failed request stops its item: the later ones are not sent', async () => {
    const { api, delivery } = setup()
    const [result] = await delivery.deliver([{ id: 'x', requests: [upsert('a@example.com', { plan: 'INVALID' }), event('a@example.com')] }])
    expect(result?.outcome).toBe('rejected')
    expect(api.count('sendEvent')).toBe(0)
  })
})

describe('outcomes, progress and checkpoints', () => {
  it('rejected items and empty items settle without a call; progress after each item; checkpoint per delivered item', async () => {
    const progress: DeliveryProgress[] = []
    const checkpointed: string[] = []
    const { api, delivery } = setup({ onProgress: (p) => progress.push(p), checkpoint: { delivered: async (id) => void checkpointed.push(id) } })
    const results = await delivery.deliver([
      { id: 'p', requests: [], rejected: 'page calls send nothing to HubSpot in cloud mode' },
      { id: 'n', requests: [] },
      { id: 'e', requests: [event('a@example.com')] },
      { id: 'bad', requests: [event('a@example.com', 'pe_unknown')] },
    ])
    expect(results.map((result) => result.outcome)).toEqual(['rejected', 'delivered', 'delivered', 'rejected'])
    expect(checkpointed.sort()).toEqual(['e', 'n'])
    expect(progress).toHaveLength(4)
    expect(progress.at(-1)).toEqual({ done: 4, total: 4, delivered: 2, rejected: 2, deadLettered: 0, callsMade: 2 })
    expect(api.calls).toHaveLength(2)
  })
})

describe('a checkpoint that cannot be written', () => {
  it('stops the delivery: the error is thrown and no new call starts', async () => {
    const { api, delivery } = setup({
      concurrency: 3,
      checkpoint: {
        delivered: (id) => {
          if (id === 'e4') throw new Error('ENOSPC: no space left on device')
        },
      },
    })
    const items = Array.from({ length: 50 }, (_, i) => ({ id: `e${i}`, requests: [event(`u${i}@example.com`)] }))
    await expect(delivery.deliver(items)).rejects.toThrow('ENOSPC')
    expect(api.count('sendEvent')).toBeLessThan(10)
  })
})

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('randomized: nothing lost, nothing sent twice, the limit held', () => {
  it.each([1, 2, 3])('2,000 mixed items, one call in ten faulted, 10 calls per 1,000 ms (seed %i)', async (seed) => {
    const random = seeded(seed)
    const clock = new FakeClock()
    const api = new FakeHubSpot(clock)
    api.rate = { max: 10, intervalMs: 1000 }
    const faults: Array<() => Fault> = [
      () => ({ when: 'before', error: tenSecondly(random() < 0.5 ? '1' : undefined) }),
      () => ({ when: 'before', error: error(503, 'Service Unavailable') }),
      () => ({ when: 'after', error: error(502, 'Bad Gateway') }),
      () => ({ when: 'after', error: error(0, 'request timed out') }),
      () => ({ when: 'before', error: error(0, 'connect ECONNREFUSED', { maybeDelivered: false }) }),
    ]
    api.fault = () => (random() < 0.1 ? faults[Math.floor(random() * faults.length)]!() : undefined)

    const users = 300
    const items: DeliveryItem[] = Array.from({ length: 2000 }, (_, i) => {
      const email = `user${Math.floor(random() * users)}@example.com`
      const roll = random()
      const requests: HubSpotRequest[] =
        roll < 0.35
          ? [upsert(email, { plan: `p${i}` })]
          : roll < 0.75
            ? [upsert(email, { lastname: `L${i}` }), event(email, 'pe123_clicked', { seq: String(i) })]
            : roll < 0.9
              ? [event(email, 'pe123_viewed', { seq: String(i) })]
              : [upsert(email), company(`acme${Math.floor(random() * 40)}.com`, { name: `Acme ${i}` }), associate(email, `acme${Math.floor(i % 40)}.com`)]
      if (requests[2]?.kind === 'associate') requests[2] = associate(email, (requests[1] as { domain: string }).domain)
      return { id: `m${i}`, requests }
    })

    const delivery = createDelivery({ api, clock, random, rate: { max: 10, intervalMs: 1000 } })
    const started = performance.now()
    const results = await delivery.deliver(items)
    expect(performance.now() - started).toBeLessThan(10_000)

    // 100% accounted for: one result per item, in order, each with one outcome.
    expect(results.map((result) => result.id)).toEqual(items.map((item) => item.id))
    for (const result of results) expect(['delivered', 'rejected', 'dead-lettered']).toContain(result.outcome)

    // 0 duplicate events; each delivered item's event is there exactly once.
    const sent = new Map<string, number>()
    for (const occurrence of api.events) sent.set(occurrence.properties.seq!, (sent.get(occurrence.properties.seq!) ?? 0) + 1)
    expect([...sent.values()].every((count) => count === 1)).toBe(true)
    items.forEach((item, i) => {
      const hasEvent = item.requests.some((request) => request.kind === 'sendEvent')
      if (hasEvent && results[i]!.outcome === 'delivered') expect(sent.get(String(i))).toBe(1)
      if (results[i]!.outcome === 'dead-lettered') expect(results[i]!.reason).toMatch(/may have been delivered|may have reached|gave up after/)
    })
    // Every delivered contact and company exists; at most one company per domain.
    for (const [i, item] of items.entries()) {
      if (results[i]!.outcome !== 'delivered') continue
      for (const request of item.requests) {
        if (request.kind === 'upsertContact') expect(api.contacts.has(request.email)).toBe(true)
        if (request.kind === 'associate') expect(api.associations.has(`${api.contacts.get(request.email)!.id}-${api.companies.find((c) => c.properties.domain === request.domain)!.id}`)).toBe(true)
      }
    }
    const domains = api.companies.map((c) => c.properties.domain)
    expect(new Set(domains).size).toBe(domains.length)

    // The limit held: never more than 10 calls within 1,000 ms, and the double never had to say 429 itself.
    expect(busiestWindow(api.calls.map((call) => call.at), 1000)).toBeLessThanOrEqual(10)
    expect(api.overLimit).toBe(0)
    const delivered = results.filter((result) => result.outcome === 'delivered').length
    expect(delivered).toBeGreaterThan(1800)
  })
})
