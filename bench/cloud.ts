// (e) The server half at HubSpot's default limit (100 calls per 10 s), against the local HubSpot API double:
// how many API calls 1,000 identifies cost (batching), and how many events a second get through. Time is
// virtual (shared by the double's limiter and delivery's waits): the figures are HubSpot's limit's, not this
// machine's; the wall time says what the machine needs for it.
import { startHubSpotApiDouble } from '../test/support/hubspot-api-double'

type Server = typeof import('hubspot-destination/server')

export interface CloudRow {
  workload: string
  events: number
  calls: number
  /** Events a second that HubSpot's limit lets through, sustained: events ÷ (calls at the limit's pace). */
  eventsPerSecond: number
  wallMs: number
}

const LIMIT = { max: 100, intervalMs: 10_000 }

async function run(server: Server, workload: string, events: Array<Record<string, unknown>>): Promise<CloudRow> {
  let now = Date.UTC(2026, 0, 1)
  const clock = { now: () => now, sleep: async (ms: number) => void (now += Math.max(0, ms)) }
  const double = await startHubSpotApiDouble({ rateLimit: LIMIT, clock: () => now })
  try {
    const api = await server.createHubSpotClient({ accessToken: double.token, baseUrl: double.url })
    const destination = await server.createServerDestination({ portalId: String(double.portalId), api, delivery: { rate: LIMIT, clock, random: () => 0.5 } })
    const wall = performance.now()
    const results = await destination.send(events)
    const wallMs = performance.now() - wall
    if (results.some((result) => result.outcome !== 'delivered')) throw new Error(`${workload}: not every event was delivered`)
    // Sustained: the calls this stream needs, at the limit's pace (a short run fits in one window and waits for nothing).
    const seconds = (double.requests.length * LIMIT.intervalMs) / LIMIT.max / 1000
    return { workload, events: events.length, calls: double.requests.length, eventsPerSecond: events.length / seconds, wallMs }
  } finally {
    await double.close()
  }
}

export async function runCloud(): Promise<CloudRow[]> {
  const server = (await import(new URL('../dist/server.js', import.meta.url).href)) as Server
  const identifies = Array.from({ length: 1_000 }, (_, i) => ({ type: 'identify', userId: `u${i}`, traits: { email: `person${i}@example.com`, firstName: `P${i}` } }))
  const tracks = Array.from({ length: 300 }, (_, i) => ({ type: 'track', event: 'Signed Up', properties: { email: `person${i}@example.com`, n: i }, timestamp: new Date(Date.UTC(2026, 0, 1) + i).toISOString() }))
  const mixed = Array.from({ length: 1_000 }, (_, i) =>
    i % 10 === 0 ? tracks[i % 300]! : { type: 'identify', userId: `u${i}`, traits: { email: `person${i}@example.com`, plan: 'pro' } },
  )
  return [await run(server, '1,000 identifies', identifies), await run(server, '300 tracks', tracks), await run(server, '1,000 mixed (1 in 10 a track)', mixed)]
}
