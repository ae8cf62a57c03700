// The self-hosted CDN path: the page has analytics-next only (no import of this package), `cdnURL`
// points at the local server, which answers the settings request and serves
// dist/next-integrations/integrations/hubspot/<version>/hubspot.dynamic.js.gz gzip-encoded.
import { describe, expect, it } from 'vitest'
import { identityField } from '../support/beacons'
import { PACKAGE_VERSION, PORTAL_ID, beaconsAfter, expectQuietPage, hubSpotLoaded, received, useHarness, type PageGlobals } from './harness'

const harness = useHarness((started) => {
  // Shaped like Segment's settings for a source with HubSpot in device mode.
  started.cdnSettings.set('cdn-versioned', {
    integrations: {
      'Segment.io': { apiKey: 'cdn-versioned' },
      HubSpot: {
        portalId: PORTAL_ID,
        // The spelling of Segment's newer HubSpot destination is accepted too.
        loadFormsSDK: false,
        events: [{ key: 'Trial Started', value: 'pe62515_trial' }],
        type: 'browser',
        bundlingStatus: 'bundled',
        versionSettings: { version: PACKAGE_VERSION, componentTypes: ['browser'] },
      },
    },
  })
  started.cdnSettings.set('cdn-latest', {
    integrations: {
      'Segment.io': { apiKey: 'cdn-latest' },
      HubSpot: { portalId: PORTAL_ID, type: 'browser' },
    },
  })
})

describe('self-hosted CDN: hubspot.dynamic.js.gz', () => {
  it.each([
    ['cdn-versioned', PACKAGE_VERSION, 'pe62515_trial'],
    ['cdn-latest', 'latest', 'pe62515_trial_started'],
  ])('with write key %s, loads the destination from next-integrations/integrations/hubspot/%s/', async (writeKey, folder, eventId) => {
    const opened = await harness().open('analytics-only')
    const servedBefore = harness().served.length
    const globals = await opened.page.evaluate(
      async ({ writeKey, cdnURL }) => {
        const w = window as unknown as PageGlobals
        const before = { loader: 'hubspotLoader' in window, integration: 'hubspotIntegration' in window }
        const [analytics] = await w.e2e.AnalyticsBrowser.load({ writeKey, cdnURL }, { integrations: { 'Segment.io': false } })
        w.e2e.analytics = analytics
        await analytics.page()
        await new Promise<void>((resolve) => void analytics.ready(() => resolve()))
        return {
          before,
          deps: w.hubspotDeps,
          integrationName: (w.hubspotIntegration as { prototype?: { name?: string } } | undefined)?.prototype?.name,
          plugins: analytics.queue.plugins.filter((p) => p.type === 'destination').map((p) => p.name),
        }
      },
      { writeKey, cdnURL: harness().url },
    )
    expect(globals).toEqual({
      before: { loader: false, integration: false },
      deps: [],
      integrationName: 'HubSpot',
      plugins: ['HubSpot'],
    })
    expect(harness().served.slice(servedBefore)).toEqual([
      `/v1/projects/${writeKey}/settings`,
      `/next-integrations/integrations/hubspot/${folder}/hubspot.dynamic.js.gz`,
    ])

    await hubSpotLoaded(opened.page)
    await opened.page.evaluate(async () => {
      const analytics = (window as unknown as PageGlobals).e2e.analytics!
      history.pushState({}, '', '/app/analytics-only/trial?source=ad')
      await analytics.page()
      await analytics.identify({ email: 'ada@example.com' })
      await analytics.track('Trial Started', { days: 14 })
    })
    const trial = '/app/analytics-only/trial?source=ad'
    const sent = await beaconsAfter(opened, 3)
    expect(sent).toEqual([
      ['view', { po: '/app/analytics-only/' }],
      ['view', { po: trial, rpo: '/app/analytics-only/' }],
      ['event', { n: eventId, _days: '14', po: trial, rpo: '/app/analytics-only/', i: identityField({ email: 'ada@example.com' }) }],
    ])
    expect((await received(opened.page)).loads).toEqual([{ host: 'js.hs-scripts.com', portalId: PORTAL_ID }])
    expect(opened.hubspotRequests).toEqual([`https://js.hs-scripts.com/${PORTAL_ID}.js`])
    expectQuietPage(opened)
  })
})
