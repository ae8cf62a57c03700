/**
 * Issue 11's features with the classic integration, as analytics-next loads it from Segment's CDN
 * settings (`classicIntegrations`): the region, HubSpot forms into Segment, the visitor token,
 * HubSpot's cookie banner and mappings all come as settings from the CDN, with nothing imported.
 */
import { AnalyticsBrowser, type Plugin } from '@segment/analytics-next'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HubSpot } from '../../src/browser/classic'
import { PORTAL_ID, hsq, recorder, resetPage, scripts, trackerRunning } from './helpers'

// analytics-next releases a classic destination's queued calls on a timer after it is ready.
const RELEASE = { timeout: 6_000, interval: 20 }
const TOKEN = 'fedcba9876543210fedcba9876543210'

function load(settings: Record<string, unknown>, plugins: Plugin[] = []) {
  return AnalyticsBrowser.load(
    {
      writeKey: 'test',
      classicIntegrations: [HubSpot as never],
      cdnSettings: { integrations: { HubSpot: { portalId: PORTAL_ID, ...settings } } } as never,
      plugins,
    },
    { integrations: { 'Segment.io': false } },
  )
}

beforeEach(() => {
  resetPage()
  vi.spyOn(console, 'debug').mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
  resetPage()
})

describe('the classic integration, with settings from the CDN', () => {
  it("region: HubSpot's script from that data centre", async () => {
    await load({ region: 'na2' })
    expect(scripts().map((script) => script.src)).toEqual([`https://js-na2.hs-scripts.com/${PORTAL_ID}.js`])
  })

  it('attachUserToken: every event carries the token; the destinations see it', async () => {
    document.cookie = `hubspotutk=${TOKEN}; path=/`
    trackerRunning()
    const recording = recorder()
    const [analytics] = await load({ attachUserToken: true }, [recording])
    await analytics.track('Signed Up')
    expect(recording.events.map((event) => (event.context as { hubspot?: unknown }).hubspot)).toEqual([{ utk: TOKEN }])
  })

  it('trackFormSubmissions: a legacy form submission becomes identify and Form Submitted, and nothing comes back to HubSpot', async () => {
    trackerRunning()
    const recording = recorder()
    const [analytics] = await load({ trackFormSubmissions: true, formFields: ['company'] }, [recording])
    await analytics.ready()
    window.dispatchEvent(
      new MessageEvent('message', {
        origin: window.location.origin,
        data: { type: 'hsFormCallback', eventName: 'onFormSubmitted', id: 'form-1', data: { submissionValues: { email: 'grace@example.com', company: 'Navy', password: 'x' } } },
      }),
    )
    await vi.waitFor(() => expect(recording.events.map((event) => event.type)).toEqual(['identify', 'track']), RELEASE)
    expect(recording.events[1]).toMatchObject({ event: 'Form Submitted', properties: { form_id: 'form-1', company: 'Navy' } })
    expect(JSON.stringify(recording.events)).not.toContain('"password"')
    // analytics-next hands the classic integration nothing that says `integrations: { HubSpot: false }`.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(hsq()).toEqual([])
  })

  it('consentFromHubSpotBanner: what comes before the banner allows it waits for it', async () => {
    trackerRunning()
    const [analytics] = await load({ consentFromHubSpotBanner: true })
    await analytics.track('Before')
    const listener = ((window as { _hsp?: unknown[][] })._hsp ?? []).find((entry) => entry[0] === 'addPrivacyConsentListener')?.[1] as (d: unknown) => void
    listener({ allowed: true, categories: { analytics: true } })
    await analytics.track('After')
    await vi.waitFor(
      () =>
        expect(hsq()).toEqual([
          ['trackCustomBehavioralEvent', { name: 'pe62515_before', properties: {} }],
          ['trackCustomBehavioralEvent', { name: 'pe62515_after', properties: {} }],
        ]),
      RELEASE,
    )
  })

  it('mappings: the email where the site keeps it', async () => {
    trackerRunning()
    const [analytics] = await load({ mappings: { email: 'traits.contact.email' } })
    await analytics.identify('u1', { contact: { email: 'ada@example.com' } })
    await vi.waitFor(() => expect(hsq()).toEqual([['identify', { email: 'ada@example.com', id: 'u1', contact_email: 'ada@example.com' }]]), RELEASE)
  })

  it('a bad mapping from the CDN is one console error naming the setting; analytics goes on', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const [analytics] = await load({ mappings: { email: 'window.location' } })
    await analytics.track('Signed Up')
    expect(error.mock.calls.map(String)).toEqual([
      '[hubspot-destination] HubSpot setting "mappings" maps email to a dotted path into the event that starts at traits, properties, context, userId, anonymousId, event or name; got "window.location". HubSpot is off; analytics and other destinations run as usual',
    ])
  })
})
