// The HubSpot API double (test/support/hubspot-api-double.ts), exercised with plain fetch: each endpoint's
// success shape, its documented errors, the rate limits, the injected faults; and once through HubSpot's SDK.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { startHubSpotApiDouble, type HubSpotApiDouble, type HubSpotApiDoubleOptions } from '../support/hubspot-api-double'

type Json = any

interface Answer {
  status: number
  headers: Headers
  body: Json
  text: string
}

let open: HubSpotApiDouble[] = []

async function start(options: HubSpotApiDoubleOptions = {}): Promise<HubSpotApiDouble> {
  const double = await startHubSpotApiDouble(options)
  open.push(double)
  return double
}

afterEach(async () => {
  await Promise.all(open.map((d) => d.close()))
  open = []
})

async function call(
  double: HubSpotApiDouble,
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; raw?: string; signal?: AbortSignal } = {},
): Promise<Answer> {
  const token = options.token === undefined ? double.token : options.token
  const response = await fetch(double.url + path, {
    method,
    headers: { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...(body !== undefined || options.raw !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(options.raw !== undefined ? { body: options.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as Json), text }
}

const upsert = (emails: string[], properties: Record<string, string> = {}) => ({
  inputs: emails.map((email) => ({ id: email, idProperty: 'email', properties })),
})

function expectHubSpotError(answer: Answer, status: number, category: string): void {
  expect(answer.status).toBe(status)
  expect(answer.body).toMatchObject({ status: 'error', category, message: expect.any(String), correlationId: expect.any(String) })
}

describe('authentication', () => {
  it('answers 401 with HubSpot’s error body for a missing or wrong token, and does not count it', async () => {
    const double = await start({ token: 'pat-na1-secret' })
    const missing = await call(double, 'GET', '/crm/v3/properties/contacts', undefined, { token: null })
    expectHubSpotError(missing, 401, 'INVALID_AUTHENTICATION')
    const wrong = await call(double, 'GET', '/crm/v3/properties/contacts', undefined, { token: 'pat-na1-other' })
    expectHubSpotError(wrong, 401, 'INVALID_AUTHENTICATION')
    const right = await call(double, 'GET', '/crm/v3/properties/contacts')
    expect(right.status).toBe(200)
    expect(double.stats).toMatchObject({ unauthorized: 2, calls: 1 })
    expect(double.requests.map((r) => r.status)).toEqual([401, 401, 200])
  })
})

describe('GET /crm/v3/properties/{objectType}', () => {
  it('lists the portal’s default properties, with HubSpot’s own read-only ones', async () => {
    const double = await start()
    const contacts = await call(double, 'GET', '/crm/v3/properties/contacts?archived=false')
    expect(contacts.status).toBe(200)
    const names = contacts.body.results.map((p: Json) => p.name)
    for (const name of ['email', 'firstname', 'lastname', 'company', 'phone', 'lifecyclestage', 'website', 'jobtitle', 'city', 'state', 'zip', 'country', 'address']) {
      expect(names).toContain(name)
    }
    const byName = (name: string) => contacts.body.results.find((p: Json) => p.name === name)
    expect(byName('email')).toMatchObject({ type: 'string', hasUniqueValue: true, modificationMetadata: { readOnlyValue: false } })
    expect(byName('hs_object_id')).toMatchObject({ modificationMetadata: { readOnlyValue: true } })
    expect(byName('lifecyclestage').options.map((o: Json) => o.value)).toContain('marketingqualifiedlead')

    const companies = await call(double, 'GET', '/crm/v3/properties/companies')
    expect(companies.body.results.map((p: Json) => p.name)).toEqual(
      expect.arrayContaining(['name', 'domain', 'numberofemployees', 'industry', 'city', 'state', 'country', 'phone', 'website', 'description']),
    )
    expectHubSpotError(await call(double, 'GET', '/crm/v3/properties/widgets'), 400, 'VALIDATION_ERROR')
  })

  it('takes the portal’s list from the options', async () => {
    const double = await start({ properties: { contacts: ['email', 'favorite_color'], companies: ['domain'] } })
    const answer = await call(double, 'GET', '/crm/v3/properties/contacts')
    expect(answer.body.results.map((p: Json) => p.name)).toEqual(['email', 'favorite_color', 'hs_object_id', 'createdate', 'lastmodifieddate'])
    expect(double.state.propertyNames.companies).toEqual(['domain', 'hs_object_id', 'createdate', 'hs_lastmodifieddate'])
  })
})

describe('POST /crm/v3/objects/contacts/batch/upsert', () => {
  it('creates, then updates, contacts keyed on email (case-insensitively)', async () => {
    const double = await start()
    const created = await call(double, 'POST', '/crm/v3/objects/contacts/batch/upsert', upsert(['Ada@Example.com', 'bob@example.com'], { firstname: 'A' }))
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({ status: 'COMPLETE', startedAt: expect.any(String), completedAt: expect.any(String) })
    expect(created.body.results).toHaveLength(2)
    expect(created.body.results[0]).toMatchObject({ id: expect.stringMatching(/^\d+$/), new: true, archived: false, properties: { email: 'ada@example.com', firstname: 'A' } })

    const updated = await call(double, 'POST', '/crm/v3/objects/contacts/batch/upsert', upsert(['ada@example.com'], { lastname: 'Lovelace', lifecyclestage: 'lead' }))
    expect(updated.body.results[0]).toMatchObject({ id: created.body.results[0].id, new: false, properties: { lastname: 'Lovelace' } })
    expect(double.state.contacts).toHaveLength(2)
    expect(double.state.contactByEmail('ADA@example.com')?.properties).toMatchObject({ firstname: 'A', lastname: 'Lovelace', lifecyclestage: 'lead' })
  })

  it('fails the whole batch for one unknown property, naming it (PROPERTY_DOESNT_EXIST)', async () => {
    const double = await start()
    const answer = await call(double, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'a@example.com', idProperty: 'email', properties: { firstname: 'A' } },
        { id: 'b@example.com', idProperty: 'email', properties: { shoe_size: '44' } },
      ],
    })
    expectHubSpotError(answer, 400, 'VALIDATION_ERROR')
    expect(answer.body.message).toMatch(/^Property values were not valid: /)
    expect(answer.body.message).toContain('PROPERTY_DOESNT_EXIST')
    expect(answer.body.message).toContain('shoe_size')
    expect(double.state.contacts).toHaveLength(0)
  })

  it('rejects an invalid email, a bad option, a read-only property, duplicates, more than 100, a missing idProperty, non-JSON', async () => {
    const double = await start()
    const path = '/crm/v3/objects/contacts/batch/upsert'
    const badEmail = await call(double, 'POST', path, upsert(['not-an-email']))
    expectHubSpotError(badEmail, 400, 'VALIDATION_ERROR')
    expect(badEmail.body.message).toContain('INVALID_EMAIL')
    expectHubSpotError(await call(double, 'POST', path, upsert(['a@example.c0m'])), 400, 'VALIDATION_ERROR')
    expectHubSpotError(await call(double, 'POST', path, upsert(['"quoted"@example.com'])), 400, 'VALIDATION_ERROR')

    const badOption = await call(double, 'POST', path, upsert(['a@example.com'], { lifecyclestage: 'Lead' }))
    expect(badOption.body.message).toContain('INVALID_OPTION')
    const readOnly = await call(double, 'POST', path, upsert(['a@example.com'], { hs_object_id: '5' }))
    expect(readOnly.body.message).toContain('READ_ONLY_VALUE')

    const duplicate = await call(double, 'POST', path, upsert(['a@example.com', 'A@example.com']))
    expectHubSpotError(duplicate, 400, 'VALIDATION_ERROR')
    expect(duplicate.body.message).toMatch(/^Duplicate IDs found in batch input/)

    const many = Array.from({ length: 101 }, (_, i) => `u${i}@example.com`)
    expectHubSpotError(await call(double, 'POST', path, upsert(many)), 400, 'VALIDATION_ERROR')
    expect((await call(double, 'POST', path, upsert(many.slice(0, 100)))).status).toBe(200)

    expectHubSpotError(await call(double, 'POST', path, { inputs: [{ id: 'a@example.com', properties: {} }] }), 400, 'VALIDATION_ERROR')
    const notJson = await call(double, 'POST', path, undefined, { raw: '{"inputs": [' })
    expectHubSpotError(notJson, 400, 'VALIDATION_ERROR')
    expect(notJson.body.message).toMatch(/^Invalid input JSON on line 1, column \d+/)
    expectHubSpotError(await call(double, 'POST', path, { records: [] }), 400, 'VALIDATION_ERROR')
    expect(double.state.contacts).toHaveLength(100)
  })
})

describe('POST /crm/v3/objects/contacts/batch/read (idProperty email)', () => {
  it('returns the contacts that exist; the missing ones as an OBJECT_NOT_FOUND error (207)', async () => {
    const double = await start()
    const ada = double.addContact({ email: 'ada@example.com', firstname: 'Ada' })
    const all = await call(double, 'POST', '/crm/v3/objects/contacts/batch/read', { idProperty: 'email', inputs: [{ id: 'ADA@example.com' }], properties: ['firstname', 'phone'] })
    expect(all.status).toBe(200)
    expect(all.body.results).toEqual([
      expect.objectContaining({ id: ada.id, properties: expect.objectContaining({ firstname: 'Ada', phone: null, hs_object_id: ada.id }) }),
    ])

    const some = await call(double, 'POST', '/crm/v3/objects/contacts/batch/read', { idProperty: 'email', inputs: [{ id: 'ada@example.com' }, { id: 'nobody@example.com' }] })
    expect(some.status).toBe(207)
    expect(some.body.results).toHaveLength(1)
    expect(some.body.results[0].properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada' })
    expect(some.body).toMatchObject({ numErrors: 1, errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['nobody@example.com'] } }] })

    const many = { idProperty: 'email', inputs: Array.from({ length: 101 }, (_, i) => ({ id: `u${i}@example.com` })) }
    expectHubSpotError(await call(double, 'POST', '/crm/v3/objects/contacts/batch/read', many), 400, 'VALIDATION_ERROR')
  })
})

describe('companies', () => {
  const search = (domain: string) => ({ filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: domain }] }], properties: ['domain', 'name'], limit: 1 })

  it('creates (201), finds by domain (total, results), updates (200)', async () => {
    const double = await start()
    const created = await call(double, 'POST', '/crm/v3/objects/companies/batch/create', { inputs: [{ properties: { name: 'Acme', domain: 'acme.com', numberofemployees: '50' } }] })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ status: 'COMPLETE', results: [{ id: expect.stringMatching(/^\d+$/), properties: { domain: 'acme.com', name: 'Acme' } }] })
    const id = created.body.results[0].id

    const found = await call(double, 'POST', '/crm/v3/objects/companies/search', search('ACME.com'))
    expect(found.status).toBe(200)
    expect(found.body).toEqual({ total: 1, results: [expect.objectContaining({ id, properties: expect.objectContaining({ domain: 'acme.com', name: 'Acme' }) })] })
    const none = await call(double, 'POST', '/crm/v3/objects/companies/search', search('other.com'))
    expect(none.body).toEqual({ total: 0, results: [] })

    const updated = await call(double, 'POST', '/crm/v3/objects/companies/batch/update', { inputs: [{ id, properties: { industry: 'COMPUTER_SOFTWARE' } }] })
    expect(updated.status).toBe(200)
    expect(updated.body.results[0]).toMatchObject({ id, properties: { industry: 'COMPUTER_SOFTWARE' } })
    expect(double.state.companiesByDomain('acme.com')[0]?.properties).toMatchObject({ name: 'Acme', industry: 'COMPUTER_SOFTWARE' })
  })

  it('pages search results, and can lag behind writes like HubSpot’s index', async () => {
    let now = 1_700_000_000_000
    const double = await start({ clock: () => now, searchLagMs: 2_000 })
    for (let i = 0; i < 3; i++) double.addCompany({ name: `Twin ${i}`, domain: 'twin.com' })
    const first = await call(double, 'POST', '/crm/v3/objects/companies/search', search('twin.com'))
    expect(first.body).toEqual({ total: 0, results: [] })
    now += 2_000
    const page = await call(double, 'POST', '/crm/v3/objects/companies/search', { ...search('twin.com'), limit: 2 })
    expect(page.body).toMatchObject({ total: 3, paging: { next: { after: '2' } } })
    expect(page.body.results).toHaveLength(2)
  })

  it('rejects unknown properties, bad numbers, more than 100; reports unknown ids in an update (207)', async () => {
    const double = await start()
    const unknown = await call(double, 'POST', '/crm/v3/objects/companies/batch/create', { inputs: [{ properties: { name: 'A', tagline: 'x' } }] })
    expectHubSpotError(unknown, 400, 'VALIDATION_ERROR')
    expect(unknown.body.message).toContain('tagline')
    const notNumber = await call(double, 'POST', '/crm/v3/objects/companies/batch/create', { inputs: [{ properties: { numberofemployees: 'many' } }] })
    expect(notNumber.body.message).toContain('INVALID_FLOAT')
    const many = { inputs: Array.from({ length: 101 }, () => ({ properties: { name: 'x' } })) }
    expectHubSpotError(await call(double, 'POST', '/crm/v3/objects/companies/batch/create', many), 400, 'VALIDATION_ERROR')
    expect(double.state.companies).toHaveLength(0)

    const acme = double.addCompany({ domain: 'acme.com' })
    const update = await call(double, 'POST', '/crm/v3/objects/companies/batch/update', {
      inputs: [
        { id: acme.id, properties: { name: 'Acme' } },
        { id: '1', properties: { name: 'Ghost' } },
      ],
    })
    expect(update.status).toBe(207)
    expect(update.body).toMatchObject({ numErrors: 1, errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['1'] } }] })
    const bad = await call(double, 'POST', '/crm/v3/objects/companies/search', { filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'SOUNDS_LIKE', value: 'a' }] }] })
    expectHubSpotError(bad, 400, 'VALIDATION_ERROR')
  })
})

describe('POST /crm/v4/associations/contacts/companies/batch/associate/default', () => {
  it('associates with HubSpot’s default type, once per pair; unknown objects come back as errors (207)', async () => {
    const double = await start()
    const contact = double.addContact({ email: 'ada@example.com' })
    const company = double.addCompany({ domain: 'acme.com' })
    const path = '/crm/v4/associations/contacts/companies/batch/associate/default'
    const answer = await call(double, 'POST', path, { inputs: [{ from: { id: contact.id }, to: { id: company.id } }] })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      status: 'COMPLETE',
      results: [{ from: { id: contact.id }, to: { id: company.id }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 } }],
    })
    await call(double, 'POST', path, { inputs: [{ from: { id: contact.id }, to: { id: company.id } }] })
    expect(double.state.associations).toEqual([{ contactId: contact.id, companyId: company.id }])

    const missing = await call(double, 'POST', path, { inputs: [{ from: { id: contact.id }, to: { id: '42' } }] })
    expect(missing.status).toBe(207)
    expect(missing.body.errors[0].context.ids).toEqual(['42'])
    const many = { inputs: Array.from({ length: 101 }, () => ({ from: { id: contact.id }, to: { id: company.id } })) }
    expectHubSpotError(await call(double, 'POST', path, many), 400, 'VALIDATION_ERROR')
  })
})

describe('POST /events/v3/send', () => {
  const event = { eventName: 'pe12345678_signed_up', email: 'ada@example.com', occurredAt: '2024-05-01T10:00:00Z', properties: { plan: 'pro' } }

  it('answers 204 without a body and records every occurrence, duplicates included', async () => {
    const double = await start()
    const first = await call(double, 'POST', '/events/v3/send', event)
    expect(first.status).toBe(204)
    expect(first.text).toBe('')
    await call(double, 'POST', '/events/v3/send', event)
    await call(double, 'POST', '/events/v3/send', { eventName: 'pe12345678_signed_up', utk: 'abc123' })
    expect(double.state.events).toHaveLength(3)
    expect(double.state.events[0]).toMatchObject({ eventName: 'pe12345678_signed_up', email: 'ada@example.com', properties: { plan: 'pro' }, request: 0 })
    expect(double.state.events.filter((e) => e.email === 'ada@example.com')).toHaveLength(2)
  })

  it('rejects an occurrence with no email, utk or objectId, an unknown event name, no event name, non-JSON', async () => {
    const double = await start({ eventNames: ['pe12345678_signed_up'] })
    expectHubSpotError(await call(double, 'POST', '/events/v3/send', { eventName: 'pe12345678_signed_up' }), 400, 'VALIDATION_ERROR')
    expectHubSpotError(await call(double, 'POST', '/events/v3/send', { ...event, eventName: 'pe12345678_other' }), 400, 'VALIDATION_ERROR')
    expectHubSpotError(await call(double, 'POST', '/events/v3/send', { email: 'ada@example.com' }), 400, 'VALIDATION_ERROR')
    expectHubSpotError(await call(double, 'POST', '/events/v3/send', { ...event, email: 'ada@' }), 400, 'VALIDATION_ERROR')
    expectHubSpotError(await call(double, 'POST', '/events/v3/send', undefined, { raw: 'eventName=x' }), 400, 'VALIDATION_ERROR')
    expect(double.state.events).toHaveLength(0)
    expect((await call(double, 'POST', '/events/v3/send', { eventName: 'pe12345678_signed_up', objectId: '100001' })).status).toBe(204)
  })

  it('accepts by default any name shaped like pe<HubID>_<name>', async () => {
    const double = await start()
    expect((await call(double, 'POST', '/events/v3/send', { ...event, eventName: 'pe999_order_completed' })).status).toBe(204)
    expectHubSpotError(await call(double, 'POST', '/events/v3/send', { ...event, eventName: 'Order Completed' }), 400, 'VALIDATION_ERROR')
  })
})

describe('rate limits', () => {
  it('puts HubSpot’s rate-limit headers on every authenticated answer, errors included', async () => {
    const double = await start({ rateLimit: { max: 10, intervalMs: 1_000 }, dailyLimit: 1_000 })
    const ok = await call(double, 'GET', '/crm/v3/properties/contacts')
    const rateHeaders: Record<string, string> = {}
    ok.headers.forEach((value, name) => {
      if (name.startsWith('x-hubspot')) rateHeaders[name] = value
    })
    expect(rateHeaders).toEqual({
      'x-hubspot-ratelimit-max': '10',
      'x-hubspot-ratelimit-remaining': '9',
      'x-hubspot-ratelimit-interval-milliseconds': '1000',
      'x-hubspot-ratelimit-daily': '1000',
      'x-hubspot-ratelimit-daily-remaining': '999',
    })
    const invalid = await call(double, 'POST', '/events/v3/send', {})
    expect(invalid.headers.get('x-hubspot-ratelimit-remaining')).toBe('8')
    const nowhere = await call(double, 'GET', '/crm/v3/objects/deals')
    expect(nowhere.status).toBe(404)
    expect(nowhere.headers.get('x-hubspot-ratelimit-remaining')).toBe('7')
  })

  it('answers 429 past the rolling window, with HubSpot’s body and Retry-After, and recovers as the window rolls', async () => {
    const double = await start({ rateLimit: { max: 10, intervalMs: 1_000 } })
    const answers = await Promise.all(Array.from({ length: 12 }, () => call(double, 'GET', '/crm/v3/properties/companies')))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10)
    const limited = answers.filter((a) => a.status === 429)
    expect(limited).toHaveLength(2)
    expect(limited[0]?.body).toEqual({ status: 'error', message: expect.stringContaining('ten_secondly_rolling'), errorType: 'RATE_LIMIT', correlationId: expect.any(String), policyName: 'TEN_SECONDLY_ROLLING' })
    expect(limited[0]?.headers.get('retry-after')).toBe('1')
    expect(limited[0]?.headers.get('x-hubspot-ratelimit-remaining')).toBe('0')
    expect(double.stats).toMatchObject({ calls: 12, rateLimited: 2, maxCallsInWindow: 12 })

    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const later = await call(double, 'GET', '/crm/v3/properties/companies')
    expect(later.status).toBe(200)
    expect(later.headers.get('x-hubspot-ratelimit-remaining')).toBe('9')
  })

  it('counts the refused calls too, as HubSpot does, and records the busiest window', async () => {
    let now = 1_700_000_000_000
    const double = await start({ rateLimit: { max: 10, intervalMs: 1_000 }, clock: () => now })
    const at = async (ms: number) => {
      now = 1_700_000_000_000 + ms
      return (await call(double, 'GET', '/crm/v3/properties/contacts')).status
    }
    for (let i = 0; i < 10; i++) expect(await at(i)).toBe(200)
    expect(await at(500)).toBe(429)
    // The call at 0 ms has left the window, but the refused one at 500 ms still counts.
    expect(await at(1_000)).toBe(429)
    expect(await at(1_002)).toBe(200)
    expect(double.stats.maxCallsInWindow).toBe(11)

    // A client that keeps to 10 a second never goes over.
    double.reset()
    for (let i = 0; i < 50; i++) expect(await at(10_000 + i * 100)).toBe(200)
    expect(double.stats).toMatchObject({ calls: 50, rateLimited: 0, maxCallsInWindow: 10 })
  })

  it('stops at the daily limit (policy DAILY, Retry-After until midnight) and starts again the next day', async () => {
    const midnight = Date.UTC(2024, 4, 1)
    let now = midnight + 23 * 3_600_000 // 23:00 UTC
    const double = await start({ dailyLimit: 3, clock: () => now })
    for (let i = 0; i < 3; i++) expect((await call(double, 'GET', '/crm/v3/properties/contacts')).status).toBe(200)
    const refused = await call(double, 'GET', '/crm/v3/properties/contacts')
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'DAILY', message: expect.stringContaining('daily') })
    expect(refused.headers.get('retry-after')).toBe('3600')
    expect(refused.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0')
    expect(double.stats.dailyLimited).toBe(1)
    now = midnight + 24 * 3_600_000 + 1
    const next = await call(double, 'GET', '/crm/v3/properties/contacts')
    expect(next.status).toBe(200)
    expect(next.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('2')
  })

  it('can limit search on its own, as HubSpot does', async () => {
    const double = await start({ searchRateLimit: { max: 2, intervalMs: 1_000 } })
    const body = { filterGroups: [] }
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await call(double, 'POST', '/crm/v3/objects/companies/search', body)).status)
    expect(statuses).toEqual([200, 200, 429])
    expect((await call(double, 'GET', '/crm/v3/properties/contacts')).status).toBe(200)
  })
})

describe('injected faults', () => {
  const send = (double: HubSpotApiDouble, i = 0) => call(double, 'POST', '/events/v3/send', { eventName: 'pe1_clicked', email: `u${i}@example.com` })

  it('answers 5xx before the effect: nothing happened, and the record says so', async () => {
    const double = await start({ faults: (r) => (r.index === 0 ? { kind: 503 } : undefined) })
    const answer = await call(double, 'POST', '/crm/v3/objects/contacts/batch/upsert', upsert(['ada@example.com']))
    expectHubSpotError(answer, 503, 'INTERNAL_ERROR')
    expect(answer.headers.get('x-hubspot-ratelimit-max')).toBe('100')
    expect(double.state.contacts).toHaveLength(0)
    expect(double.faults).toEqual([expect.objectContaining({ request: 0, kind: 503, afterEffect: false, processed: false, effectApplied: false })])
    expect(double.requests[0]).toMatchObject({ status: 503, fault: 503 })
  })

  it('can fail after the effect: a 500 or a dropped connection after HubSpot recorded the event', async () => {
    const double = await start({ faults: (r) => (r.index === 0 ? { kind: 'drop', afterEffect: true } : r.index === 1 ? { kind: 500, afterEffect: true } : undefined) })
    await expect(send(double)).rejects.toThrow()
    expect((await send(double)).status).toBe(500)
    expect(double.state.events).toHaveLength(2)
    expect(double.faults.map((f) => [f.kind, f.afterEffect, f.effectApplied])).toEqual([
      ['drop', true, true],
      [500, true, true],
    ])
    expect(double.requests.map((r) => r.status)).toEqual([0, 500])
  })

  it('holds a request past the client’s timeout, then drops it', async () => {
    const double = await start({ timeoutMs: 300, faults: (r) => (r.index < 2 ? { kind: 'timeout', afterEffect: r.index === 1 } : undefined) })
    const started = Date.now()
    await expect(send(double, 0)).rejects.toThrow() // the double drops it after 300 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    await expect(send(double, 1).then(() => 'answered', () => 'failed')).resolves.toBe('failed')
    await expect(call(double, 'GET', '/crm/v3/properties/contacts', undefined, { signal: AbortSignal.timeout(5_000) })).resolves.toMatchObject({ status: 200 })
    expect(double.state.events.map((e) => e.email)).toEqual(['u1@example.com'])
    expect(double.faults.map((f) => [f.kind, f.effectApplied])).toEqual([
      ['timeout', false],
      ['timeout', true],
    ])
  })

  it('a client that gives up first sees a timeout; the double still counts the call', async () => {
    const double = await start({ timeoutMs: 10_000, faults: { rate: 1, kinds: ['timeout'], afterEffectRate: 0 } })
    await expect(call(double, 'POST', '/events/v3/send', { eventName: 'pe1_x', utk: 'u' }, { signal: AbortSignal.timeout(100) })).rejects.toThrow()
    expect(double.stats.calls).toBe(1)
    expect(double.state.events).toHaveLength(0)
  })

  it('injects a seeded share of faults, the same for the same seed, and records which took effect', async () => {
    const run = async (seed: number) => {
      const double = await start({ timeoutMs: 20, faults: { rate: 0.3, seed } })
      const outcomes: string[] = []
      for (let i = 0; i < 60; i++) {
        outcomes.push(await send(double, i).then((a) => String(a.status), () => 'dropped'))
      }
      return { double, outcomes }
    }
    const a = await run(7)
    const b = await run(7)
    const c = await run(8)
    expect(a.outcomes).toEqual(b.outcomes)
    expect(a.double.faults.map(({ time: _t, ...f }) => f)).toEqual(b.double.faults.map(({ time: _t, ...f }) => f))
    expect(a.double.faults).not.toEqual(c.double.faults)

    const faults = a.double.faults
    expect(faults.length).toBeGreaterThan(8)
    expect(faults.length).toBeLessThan(30)
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set([500, 502, 503, 'timeout', 'drop']))
    expect(faults.some((f) => f.afterEffect) && faults.some((f) => !f.afterEffect)).toBe(true)
    expect(faults.filter((f) => f.kind === 503).every((f) => !f.afterEffect)).toBe(true)
    // Events HubSpot holds = answered 204 + faulted after the effect.
    const delivered = a.outcomes.filter((o) => o === '204').length
    expect(a.double.state.events).toHaveLength(delivered + faults.filter((f) => f.effectApplied).length)

    // reset() starts the same sequence again.
    a.double.reset()
    const again: string[] = []
    for (let i = 0; i < 60; i++) again.push(await send(a.double, i).then((x) => String(x.status), () => 'dropped'))
    expect(again).toEqual(a.outcomes)
  })
})

// HubSpot's official SDK pointed at the double through its basePath. The SDK is an optional peer
// dependency that another change adds; until it is installed, this is skipped.
const sdkInstalled = existsSync(fileURLToPath(new URL('../../node_modules/@hubspot/api-client/package.json', import.meta.url)))

describe('through HubSpot’s Node SDK', () => {
  it.skipIf(!sdkInstalled)('upserts, reads properties and searches through @hubspot/api-client with basePath', async () => {
    const double = await start()
    const name = '@hubspot/api-client'
    const sdk: Json = await import(/* @vite-ignore */ name)
    const client = new sdk.Client({ accessToken: double.token, basePath: double.url, numberOfApiCallRetries: 0 })
    const upserted = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'ada@example.com', idProperty: 'email', properties: { firstname: 'Ada' } }] })
    expect(upserted.results[0].id).toMatch(/^\d+$/)
    const properties = await client.crm.properties.coreApi.getAll('contacts')
    expect(properties.results.map((p: Json) => p.name)).toContain('email')
    await client.crm.companies.batchApi.create({ inputs: [{ properties: { domain: 'acme.com' }, associations: [] }] })
    const found = await client.crm.companies.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: 'acme.com' }] }], properties: ['domain'], limit: 1 })
    expect(found.total).toBe(1)
    await expect(client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'bob@example.com', idProperty: 'email', properties: { shoe_size: '44' } }] })).rejects.toMatchObject({ code: 400 })
    expect(double.state.contactByEmail('ada@example.com')?.properties.firstname).toBe('Ada')
  })
})
