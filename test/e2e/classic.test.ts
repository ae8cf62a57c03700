// The classic integration through analytics-next's `classicIntegrations`, settings from `cdnSettings`
// (as Segment's CDN would send them), in Chromium with HubSpot's stand-in.
import { describe, expect, it } from 'vitest'
import { identityField } from '../support/beacons'
import { PORTAL_ID, beaconsAfter, expectQuietPage, hubSpotLoaded, received, useHarness, type PageGlobals } from './harness'

const harness = useHarness()

describe('classicIntegrations: [HubSpot] with settings from cdnSettings', () => {
  it('sends page, identify (flushed at once) and a mapped custom behavioral event, in order', async () => {
    const opened = await harness().open('npm', { delayMs: 200 })
    await opened.page.evaluate(async (portalId) => {
      const { e2e } = window as unknown as PageGlobals
      const [analytics] = await e2e.AnalyticsBrowser.load(
        {
          writeKey: 'e2e-classic',
          classicIntegrations: [e2e.HubSpot as never],
          cdnSettings: {
            integrations: {
              'Segment.io': { apiKey: 'e2e-classic' },
              HubSpot: {
                portalId,
                flushIdentifyImmediately: true,
                // Segment's settings give mappings as a list of { key, value }.
                events: [{ key: 'Signed Up', value: 'pe62515_signup' }],
              },
            },
          },
        },
        { integrations: { 'Segment.io': false } },
      )
      e2e.analytics = analytics
      await analytics.page()
      // analytics-next buffers a classic destination's identify/track until it is ready.
      await new Promise<void>((resolve) => void analytics.ready(() => resolve()))
    }, PORTAL_ID)
    await hubSpotLoaded(opened.page)
    await opened.page.evaluate(async () => {
      const analytics = (window as unknown as PageGlobals).e2e.analytics!
      history.pushState({}, '', '/app/npm/docs?topic=setup')
      await analytics.page()
      await analytics.identify('user-2', { email: 'ada@example.com', company: { name: 'Analytical Engines' } })
      await analytics.track('Signed Up', { plan: 'pro' })
    })
    const docs = '/app/npm/docs?topic=setup'
    const i = identityField({ email: 'ada@example.com', id: 'user-2', company: 'Analytical Engines' })
    expect(await beaconsAfter(opened, 4)).toEqual([
      // HubSpot's own view of the landing page (the classic never sees the first page call: it gives the path).
      ['view', { po: '/app/npm/' }],
      ['view', { po: docs, rpo: '/app/npm/' }],
      ['view', { po: docs, rpo: '/app/npm/', i }],
      ['event', { n: 'pe62515_signup', _plan: 'pro', po: docs, rpo: '/app/npm/', i }],
    ])
    expect((await received(opened.page)).loads).toEqual([{ host: 'js.hs-scripts.com', portalId: PORTAL_ID }])
    // One tracking script, however analytics-next initialises the integration.
    expect(await opened.page.locator('script#hs-script-loader').count()).toBe(1)
    expect(opened.hubspotRequests).toEqual([`https://js.hs-scripts.com/${PORTAL_ID}.js`])
    expectQuietPage(opened)
  })
})
