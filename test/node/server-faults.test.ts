// Issue 12's fault test: 10,000 mixed Segment events through the server half (toRequests, delivery,
// HubSpot's SDK) to the local HubSpot API double, at 10 calls a second, with one call in ten faulted
// (5xx, timeouts, dropped connections, before or after HubSpot applied it). Every event ends delivered,
// rejected or dead-lettered; no behavioral event reaches HubSpot twice; the double never sees the limit
// passed. Time is virtual (shared by the double's limiter and delivery's waits), so this takes seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SegmentEvent } from '../../src/core/types'
import { createHubSpotClient } from '../../src/server/client'
import { createServerDestination } from '../../src/server/destination'
import { startHubSpotApiDouble, type HubSpotApiDouble } from '../support/hubspot-api-double'

const EVENTS = 10_000
const LIMIT = { max: 10, intervalMs: 1_000 }

let now = Date.UTC(2026, 10, 29, 12)
const clock = { now: () => now, sleep: async (ms: number) => void (now += Math.max(0, ms)) }

/** Identify, track and group in turn, for 500 people; a few the mapping must reject. */
function mixedEvents(): SegmentEvent[] {
  return Array.from({ length: EVENTS }, (_, i): SegmentEvent & { messageId: string } => {
    const person = Math.floor(i / 5) % 500
    const email = `person${person}@example.com`
    const messageId = `m${i}`
    switch (i % 5) {
      case 0:
        return { messageId, type: 'identify', userId: `u${person}`, traits: { email, firstName: `P${person}`, plan: i % 2 ? 'pro' : 'free' } }
      case 1:
      case 2:
        return { messageId, type: 'track', event: 'Signed Up', userId: `u${person}`, properties: { email, n: i }, timestamp: new Date(Date.UTC(2026, 0, 1) + i).toISOString() }
      case 3:
        return { messageId, type: 'group', userId: `u${person}`, groupId: `g${person % 50}`, traits: { name: `Company ${person % 50}`, website: `https://www.company${person % 50}.example` } } as SegmentEvent & { messageId: string }
      default:
        // No contact to send it for: rejected with the reason.
        return { messageId, type: 'track', event: 'Anonymous', properties: { n: i } }
    }
  })
}

let double: HubSpotApiDouble

beforeAll(async () => {
  double = await startHubSpotApiDouble({
    rateLimit: LIMIT,
    clock: () => now,
    timeoutMs: 150,
    faults: { rate: 0.1, seed: 12, afterEffectRate: 0.5 },
  })
})
afterAll(() => double.close())

describe('10,000 mixed events through a 10-per-second limit with 10% faults', () => {
  it('all accounted for, no behavioral event twice, the limit never passed', async () => {
    const api = await createHubSpotClient({ accessToken: double.token, baseUrl: double.url, timeoutMs: 60 })
    const destination = await createServerDestination({ portalId: String(double.portalId), api, delivery: { rate: LIMIT, clock, random: () => 0.5 } })
    const events = mixedEvents()
    const results = await destination.send(events)

    expect(results).toHaveLength(EVENTS)
    expect(new Set(results.map((result) => result.id)).size).toBe(EVENTS)
    const count = (outcome: string): number => results.filter((result) => result.outcome === outcome).length
    expect(count('delivered') + count('rejected') + count('dead-lettered')).toBe(EVENTS)
    // The anonymous tracks, and nothing else, are rejected by the mapping.
    expect(results.filter((result) => result.outcome === 'rejected').map((result) => Number(result.id.slice(1)) % 5).every((kind) => kind === 4)).toBe(true)

    // No occurrence reached HubSpot twice, and each delivered track is there exactly once.
    const seen = new Map<string, number>()
    for (const event of double.state.events) seen.set(String(event.properties.n), (seen.get(String(event.properties.n)) ?? 0) + 1)
    expect([...seen.values()].filter((times) => times > 1)).toEqual([])
    const deliveredTracks = results.filter((result) => result.outcome === 'delivered' && [1, 2].includes(Number(result.id.slice(1)) % 5))
    for (const result of deliveredTracks) expect(seen.get(result.id.slice(1)), result.id).toBe(1)

    // HubSpot counted every call, faulted or not: never more than the limit in any window.
    expect(double.stats.maxCallsInWindow).toBeLessThanOrEqual(LIMIT.max)
    expect(double.faults.length).toBeGreaterThan(0)
    // Groups after an identify of the same user associate the contact with the company.
    expect(double.state.associations.length).toBeGreaterThan(0)
    // Most of it got through; what did not is said per event.
    expect(count('delivered')).toBeGreaterThan(EVENTS * 0.7)
    for (const result of results.filter((r) => r.outcome !== 'delivered')) expect(result.reason, result.id).toBeTruthy()
  }, 120_000)
})
