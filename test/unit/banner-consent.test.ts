/**
 * Issue 11, "Consent both ways": with `consentFromHubSpotBanner`, HubSpot's own cookie banner decides.
 * The destination adds HubSpot's script (the banner comes with it) and listens on `_hsp` with HubSpot's
 * privacy consent listener; nothing goes to `_hsq` before the banner allows analytics cookies (what came
 * before waits for its decision), or after it is told no. The banner here is a stand-in: it calls each `addPrivacyConsentListener` callback with
 * the decision object HubSpot documents (`allowed`, `categories.analytics`, ...).
 */
import { AnalyticsBrowser, type Analytics } from '@segment/analytics-next'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { hubspot } from '../../src/browser/full'
import { hubspot as mainHubspot } from '../../src/browser/plugin'
import { hsq, resetPage, trackerRunning } from './helpers'

type Decision = { allowed: boolean; categories: { necessary: boolean; analytics: boolean; advertisement: boolean; functionality: boolean } }
const decision = (analytics: boolean): Decision => ({ allowed: analytics, categories: { necessary: true, analytics, advertisement: false, functionality: false } })

/** HubSpot's cookie banner, as far as `_hsp` goes: it calls the privacy consent listeners with each decision. */
function bannerDecides(value: Decision): void {
  const queue = (window as { _hsp?: unknown[] })._hsp ?? []
  for (const entry of queue) if (Array.isArray(entry) && entry[0] === 'addPrivacyConsentListener') (entry[1] as (d: Decision) => void)(value)
}

async function analyticsWith(options: Record<string, unknown>): Promise<Analytics> {
  const [analytics] = await AnalyticsBrowser.load(
    { writeKey: 'test', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'test' } } }, plugins: [hubspot({ portalId: '62515', ...options })] },
    { integrations: { 'Segment.io': false } },
  )
  return analytics
}

let debug: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  resetPage()
  trackerRunning()
  debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
})
afterEach(() => vi.restoreAllMocks())

describe('consentFromHubSpotBanner', () => {
  it("HubSpot's script is added at once (its banner comes with it), with one privacy consent listener on _hsp", async () => {
    await analyticsWith({ consentFromHubSpotBanner: true })
    expect(document.getElementById('hs-script-loader')?.getAttribute('src')).toBe('https://js.hs-scripts.com/62515.js')
    expect((window as { _hsp?: unknown[] })._hsp).toEqual([['addPrivacyConsentListener', expect.any(Function)]])
  })

  it('calls made before the banner decides wait, and go out in order when it allows tracking', async () => {
    const analytics = await analyticsWith({ consentFromHubSpotBanner: true })
    await analytics.identify('u1', { email: 'ada@example.com' })
    await analytics.track('Before')
    expect(hsq()).toEqual([])
    bannerDecides(decision(true))
    await analytics.track('After')
    expect(hsq()).toEqual([
      ['identify', { email: 'ada@example.com', id: 'u1' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_before', properties: {} }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_after', properties: {} }],
    ])
  })

  it('a no drops what waited, and what comes after, until a later yes', async () => {
    const analytics = await analyticsWith({ consentFromHubSpotBanner: true })
    await analytics.track('Waiting')
    bannerDecides(decision(false))
    await analytics.track('Declined')
    expect(hsq()).toEqual([])
    expect(debug.mock.calls.map(String)).toContain("[hubspot-destination] not sent: HubSpot's cookie banner has not allowed tracking")
    bannerDecides(decision(true))
    await analytics.track('Allowed')
    expect(hsq()).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_allowed', properties: {} }]])
  })

  it('at most a hundred calls wait for the decision', async () => {
    const analytics = await analyticsWith({ consentFromHubSpotBanner: true })
    for (let i = 0; i < 105; i++) await analytics.track(`Event ${i}`)
    bannerDecides(decision(true))
    expect(hsq()).toHaveLength(100)
    expect(hsq()[99]).toEqual(['trackCustomBehavioralEvent', { name: 'pe62515_event_99', properties: {} }])
  })

  it("the banner's analytics category alone counts, as HubSpot's tracker reads it", async () => {
    const analytics = await analyticsWith({ consentFromHubSpotBanner: true })
    bannerDecides({ allowed: false, categories: { necessary: true, analytics: true, advertisement: false, functionality: false } })
    await analytics.track('Analytics only')
    expect(hsq()).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_analytics_only', properties: {} }]])
  })

  it('a page call before the decision still counts as the first view: the next one after it is tracked', async () => {
    const analytics = await analyticsWith({ consentFromHubSpotBanner: true })
    await analytics.page()
    bannerDecides(decision(true))
    await analytics.page('Pricing', { path: '/pricing' })
    expect(hsq()).toEqual([['setPath', '/pricing'], ['trackPageView']])
  })

  it("the main entry's plugin names the entry that has it", () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    mainHubspot({ portalId: '62515', consentFromHubSpotBanner: true })
    expect(error.mock.calls).toEqual([
      [
        `[hubspot-destination] HubSpot setting "consentFromHubSpotBanner" needs the plugin of "hubspot-destination/full": import { hubspot } from 'hubspot-destination/full'; got true. HubSpot is off; analytics and other destinations run as usual`,
      ],
    ])
  })
})
