// The server half's HubSpot client (HubSpot's official SDK underneath) against the local HubSpot API double:
// each call's request and answer, HubSpot's errors as HubSpotApiError, and what a failure says about
// whether the request may have reached HubSpot.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from '@hubspot/api-client'
import ApiDecoratorService from '@hubspot/api-client/lib/src/services/ApiDecoratorService'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHubSpotClient } from '../../src/server/client'
import { HubSpotApiError, type HubSpotApi } from '../../src/server/hubspot-api'
import { startHubSpotApiDouble, type HubSpotApiDouble } from '../support/hubspot-api-double'

let double: HubSpotApiDouble
let api: HubSpotApi

beforeAll(async () => {
  double = await startHubSpotApiDouble({ timeoutMs: 2_000 })
  api = await createHubSpotClient({ accessToken: double.token, baseUrl: double.url, timeoutMs: 1_000 })
})
afterAll(() => double.close())
beforeEach(() => double.reset())

async function failure(call: Promise<unknown>): Promise<HubSpotApiError> {
  try {
    await call
  } catch (error) {
    expect(error).toBeInstanceOf(HubSpotApiError)
    return error as HubSpotApiError
  }
  throw new Error('the call did not fail')
}

describe("the server half's client, through HubSpot's SDK", () => {
  it('upserts contacts by email, reads them back, and sends a behavioral event', async () => {
    const [created] = await api.upsertContacts([{ email: 'ada@example.com', properties: { firstname: 'Ada' } }])
    expect(created!.properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada' })
    expect((await api.readContactsByEmail(['ada@example.com', 'nobody@example.com'])).map((contact) => contact.id)).toEqual([created!.id])
    await api.sendEvent({ eventName: 'pe62515_signed_up', email: 'ada@example.com', occurredAt: '2024-03-01T12:00:00.000Z', properties: { plan: 'pro' } })
    expect(double.state.events.map(({ eventName, email, properties }) => ({ eventName, email, properties }))).toEqual([
      { eventName: 'pe62515_signed_up', email: 'ada@example.com', properties: { plan: 'pro' } },
    ])
  })

  it('finds, creates and updates companies by domain, and associates a contact', async () => {
    expect(await api.findCompanyByDomain('acme.com')).toBeUndefined()
    const [company] = await api.createCompanies([{ properties: { name: 'Acme', domain: 'acme.com' } }])
    await api.updateCompanies([{ id: company!.id, properties: { numberofemployees: '120' } }])
    expect((await api.findCompanyByDomain('acme.com'))?.id).toBe(company!.id)
    const [contact] = await api.upsertContacts([{ email: 'ada@example.com', properties: {} }])
    await api.associateContactsWithCompanies([{ contactId: contact!.id, companyId: company!.id }])
    expect(double.state.associations).toEqual([{ contactId: contact!.id, companyId: company!.id }])
  })

  it("lists the portal's writable properties: read-only ones fail a write as unknown ones do", async () => {
    const names = await api.propertyNames('contacts')
    expect(names).toContain('firstname')
    expect(names).not.toContain('hs_object_id')
  })

  it("a validation error keeps HubSpot's message and status, and was not delivered", async () => {
    const error = await failure(api.upsertContacts([{ email: 'ada@example.com', properties: { favourite_colour: 'green' } }]))
    expect([error.status, error.maybeDelivered]).toEqual([400, false])
    expect(error.message).toMatch(/favourite_colour/)
  })

  it('a wrong token is a 401', async () => {
    const wrong = await createHubSpotClient({ accessToken: 'wrong', baseUrl: double.url })
    expect((await failure(wrong.propertyNames('contacts'))).status).toBe(401)
  })

  it('HUBSPOT_API_BASE_URL points the client at another HubSpot', async () => {
    process.env.HUBSPOT_API_BASE_URL = double.url
    try {
      const fromEnv = await createHubSpotClient({ accessToken: double.token })
      expect(await fromEnv.propertyNames('companies')).toContain('domain')
    } finally {
      delete process.env.HUBSPOT_API_BASE_URL
    }
  })

  it('over the rate limit: a 429 with HubSpot’s headers, which was not delivered', async () => {
    const limited = await startHubSpotApiDouble({ rateLimit: { max: 2, intervalMs: 10_000 } })
    try {
      const client = await createHubSpotClient({ accessToken: limited.token, baseUrl: limited.url })
      await client.propertyNames('contacts')
      await client.propertyNames('contacts')
      const error = await failure(client.propertyNames('contacts'))
      expect([error.status, error.maybeDelivered]).toEqual([429, false])
      expect(error.headers['retry-after']).toMatch(/^\d+$/)
      expect(error.headers['x-hubspot-ratelimit-max']).toBe('2')
    } finally {
      await limited.close()
    }
  })

  it('a timeout or a 5xx may have been delivered; a refused connection was not', async () => {
    const faulty = await startHubSpotApiDouble({ timeoutMs: 2_000, faults: ({ index }) => (index === 0 ? { kind: 'timeout' } : { kind: 503 }) })
    try {
      const client = await createHubSpotClient({ accessToken: faulty.token, baseUrl: faulty.url, timeoutMs: 300 })
      const timedOut = await failure(client.propertyNames('contacts'))
      expect([timedOut.status, timedOut.maybeDelivered]).toEqual([0, true])
      const unavailable = await failure(client.propertyNames('contacts'))
      expect([unavailable.status, unavailable.maybeDelivered]).toEqual([503, true])
    } finally {
      await faulty.close()
    }
    const closed = await createHubSpotClient({ accessToken: 'x', baseUrl: 'http://127.0.0.1:9' })
    const refused = await failure(closed.propertyNames('contacts'))
    expect([refused.status, refused.maybeDelivered]).toEqual([0, false])
  })

  it("leaves the SDK's process-wide decorators (the host application's retries and limiter) as they are, and is not slowed by them", async () => {
    const decorators = () => (ApiDecoratorService.getInstance() as unknown as { decorators: unknown[] }).decorators
    // The host application's own client, with the SDK's retries and a limiter that lets one call a minute through.
    new Client({ accessToken: 'host', numberOfApiCallRetries: 2, limiterOptions: { maxConcurrent: 1, minTime: 60_000 } })
    const before = decorators()
    const client = await createHubSpotClient({ accessToken: double.token, baseUrl: double.url, timeoutMs: 500 })
    expect(decorators()).toBe(before)
    expect(before).toHaveLength(2)
    // Two calls in a row: through the host's limiter, the second would wait a minute.
    await client.propertyNames('contacts')
    expect(await client.propertyNames('companies')).toContain('domain')
  })

  it('an answer whose body stops halfway times out, as possibly delivered', async () => {
    const server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"results": [')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const client = await createHubSpotClient({ accessToken: 'x', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 200 })
      const stalled = await failure(client.propertyNames('contacts'))
      expect([stalled.status, stalled.maybeDelivered]).toEqual([0, true])
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

  it("a company create lost after HubSpot made it, with HubSpot's search seconds behind: still one company", async () => {
    let now = 0
    const lagging = await startHubSpotApiDouble({
      clock: () => now,
      searchLagMs: 3_000,
      faults: ({ path }) => (path.endsWith('/companies/batch/create') && lagging.state.companies.length === 0 ? { kind: 502, afterEffect: true } : undefined),
    })
    try {
      const client = await createHubSpotClient({ accessToken: lagging.token, baseUrl: lagging.url })
      const { createDelivery } = await import('../../src/server/delivery')
      const delivery = createDelivery({ api: client, clock: { now: () => now, sleep: async (ms) => void (now += ms) }, random: () => 0.5 })
      const [result] = await delivery.deliver([{ id: 'g', requests: [{ kind: 'upsertCompany', domain: 'acme.com', properties: { name: 'Acme', domain: 'acme.com' } }] }])
      expect(result?.outcome).toBe('delivered')
      expect(lagging.state.companiesByDomain('acme.com')).toHaveLength(1)
    } finally {
      await lagging.close()
    }
  })

  it("company searches keep to HubSpot's search limit (four a second) as well as the general one: no 429", async () => {
    let now = 0
    const searchy = await startHubSpotApiDouble({ clock: () => now, searchRateLimit: { max: 4, intervalMs: 1_000 } })
    try {
      const client = await createHubSpotClient({ accessToken: searchy.token, baseUrl: searchy.url })
      const { createDelivery } = await import('../../src/server/delivery')
      const delivery = createDelivery({ api: client, clock: { now: () => now, sleep: async (ms) => void (now += ms) }, random: () => 0.5 })
      const items = Array.from({ length: 40 }, (_, i) => ({ id: `g${i}`, requests: [{ kind: 'upsertCompany' as const, domain: `c${i}.example`, properties: { domain: `c${i}.example` } }] }))
      const results = await delivery.deliver(items)
      expect(results.every((result) => result.outcome === 'delivered')).toBe(true)
      expect(searchy.requests.filter((request) => request.status === 429)).toEqual([])
      expect(searchy.requests.filter((request) => request.path.endsWith('/search'))).toHaveLength(40)
    } finally {
      await searchy.close()
    }
  })
})
