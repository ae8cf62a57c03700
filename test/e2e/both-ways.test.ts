// Issue 11 in Chromium with the real analytics-next (the npm page: dist/full.js for these settings):
// the region's host, mappings and HubSpot's banner as the consent (on the stand-in); HubSpot's visitor
// token in the requests analytics-next sends to Segment, and a consent taken back stopping HubSpot's
// beacons, HubSpot's own included, until it is given again (on the stand-in, and on HubSpot's real
// tracker when HUBSPOT_TRACKER_JS names a copy). Form submissions: test/e2e/form-submissions.test.ts.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { HubSpotOptions } from '../../src/core/settings'
import { REAL_TRACKER_PATH } from '../support/browser'
import { PORTAL_ID, hubSpotLoaded, sentBeacons, useHarness, type PageGlobals, type TestPage } from './harness'

// The stand-in always; HubSpot's real tracker too when a maintainer has a copy (HUBSPOT_TRACKER_JS).
const TRACKERS = REAL_TRACKER_PATH ? (['stand-in', 'real'] as const) : (['stand-in'] as const)

const harness = useHarness()

/** Answers Segment's API on the page and keeps the events analytics-next sent, as JSON. */
async function segmentApi(page: Page): Promise<Array<Record<string, unknown>>> {
  const sent: Array<Record<string, unknown>> = []
  await page.route('https://api.segment.io/**', async (route) => {
    sent.push(JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>)
    await route.fulfill({ status: 200, contentType: 'application/json', body: '{"success":true}' })
  })
  return sent
}

async function load(opened: TestPage, options: HubSpotOptions): Promise<void> {
  await opened.page.evaluate(async (settings) => {
    const w = window as unknown as PageGlobals
    const [analytics] = await w.e2e.AnalyticsBrowser.load({
      writeKey: 'e2e-both-ways',
      cdnSettings: { integrations: { 'Segment.io': { apiKey: 'e2e-both-ways' } } },
      plugins: [w.e2e.hubspot(settings)],
    })
    w.e2e.analytics = analytics
  }, options)
}

const track = (opened: TestPage, name: string, consent?: boolean): Promise<unknown> =>
  opened.page.evaluate(
    ([event, granted]) =>
      (window as unknown as PageGlobals).e2e.analytics!.track(
        event,
        {},
        granted === null ? {} : { context: { consent: { categoryPreferences: { Advertising: granted } } } },
      ),
    [name, consent ?? null] as const,
  )

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('region, mappings and the banner in Chromium (the stand-in)', () => {
  it("region ap1: HubSpot's script from js-ap1.hs-scripts.com, and its tracker runs the commands", async () => {
    const opened = await harness().open('npm')
    await segmentApi(opened.page)
    await load(opened, { portalId: PORTAL_ID, region: 'ap1' })
    await hubSpotLoaded(opened.page)
    expect(opened.hubspotRequests).toEqual([`https://js-ap1.hs-scripts.com/${PORTAL_ID}.js`])
    await track(opened, 'Signed Up')
    await until(() => opened.beacons.length >= 2, 'the event beacon')
    expect(sentBeacons(opened).map(([file, fields]) => [file, fields.n ?? fields.k])).toEqual([['__ptq.gif', '1'], ['__ptbe.gif', 'pe62515_signed_up']])
  })

  it('mappings: the identify HubSpot receives has the email the site keeps in traits.contact.email', async () => {
    const opened = await harness().open('npm')
    await segmentApi(opened.page)
    await load(opened, { portalId: PORTAL_ID, mappings: { email: 'traits.contact.email', contactProperties: 'traits.contact' } })
    await hubSpotLoaded(opened.page)
    await opened.page.evaluate(() => (window as unknown as PageGlobals).e2e.analytics!.identify('u1', { contact: { email: 'ada@example.com', firstName: 'Ada' } }))
    await track(opened, 'Signed Up')
    await until(() => opened.beacons.length >= 2, 'the event beacon')
    // The identity rides on the next beacon, as `i`.
    expect(new URL(opened.beacons[1]!).searchParams.get('i')).toBe('email=ada%40example.com&id=u1&firstname=Ada')
  })

  it("consentFromHubSpotBanner: nothing until HubSpot's banner allows it; then what waited, in order", async () => {
    const opened = await harness().open('npm')
    await segmentApi(opened.page)
    await load(opened, { portalId: PORTAL_ID, consentFromHubSpotBanner: true })
    await hubSpotLoaded(opened.page)
    await track(opened, 'Before')
    await new Promise((resolve) => setTimeout(resolve, 150))
    // Only HubSpot's own view so far: the event waits for the banner.
    expect(opened.beacons).toHaveLength(1)
    // HubSpot's banner calls each privacy consent listener on _hsp with its decision.
    await opened.page.evaluate(() => {
      for (const entry of (window as unknown as { _hsp: unknown[][] })._hsp) {
        if (entry[0] === 'addPrivacyConsentListener') (entry[1] as (decision: unknown) => void)({ allowed: true, categories: { analytics: true } })
      }
    })
    await track(opened, 'After')
    await until(() => opened.beacons.length >= 3, 'the event beacons')
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(sentBeacons(opened).map(([file, fields]) => [file, fields.n ?? fields.k])).toEqual([
      ['__ptq.gif', '1'],
      ['__ptbe.gif', 'pe62515_before'],
      ['__ptbe.gif', 'pe62515_after'],
    ])
  })
})

describe.each(TRACKERS)("with HubSpot's %s tracker", (tracker) => {
  const open = () => harness().open('npm', tracker === 'real' ? { tracker: 'real' } : {})

  it("attachUserToken: the request analytics-next sends to Segment carries HubSpot's visitor token as context.hubspot.utk", async () => {
    const opened = await open()
    const sent = await segmentApi(opened.page)
    await load(opened, { portalId: PORTAL_ID, attachUserToken: true })
    await hubSpotLoaded(opened.page)
    await track(opened, 'Signed Up')
    await until(() => sent.some((event) => event.event === 'Signed Up'), 'the track request')
    // The visitor id of HubSpot's beacons (sentBeacons leaves it out, as it changes from run to run).
    const visitor = new URL(opened.beacons[0]!).searchParams.get('vi')
    expect(visitor).toMatch(/^[0-9a-f]{32}$/)
    const signedUp = sent.find((event) => event.event === 'Signed Up')!
    expect((signedUp.context as { hubspot?: unknown }).hubspot).toEqual({ utk: visitor })
  })

  it("consent taken back stops HubSpot's beacons, its own page views included, and they resume when consent is given again", async () => {
    const opened = await open()
    await segmentApi(opened.page)
    await load(opened, { portalId: PORTAL_ID, consentCategories: ['Advertising'] })
    await track(opened, 'Yes', true)
    await hubSpotLoaded(opened.page)
    await until(() => opened.beacons.length >= 2, 'the view and the first event')
    await track(opened, 'No', false)
    // HubSpot's own tracking, as the page or HubSpot's code would do it: nothing may go out now.
    await opened.page.evaluate(() => ((window as unknown as { _hsq: unknown[] })._hsq.push(['trackPageView']), undefined))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(sentBeacons(opened).map(([file, fields]) => [file, fields.n ?? fields.k])).toEqual([
      ['__ptq.gif', '1'],
      ['__ptbe.gif', 'pe62515_yes'],
    ])
    expect(await opened.page.evaluate(() => document.cookie)).toContain('__hs_do_not_track=yes')
    // HubSpot's tracker queues its own privacy calls on `_hsp` too (for its cookie banner).
    expect(await opened.page.evaluate(() => (window as unknown as { _hsp?: unknown[] })._hsp)).toContainEqual(['revokeCookieConsent'])
    await track(opened, 'Back', true)
    await until(() => opened.beacons.length >= 3, 'the event after consent came back')
    expect(sentBeacons(opened).map(([file, fields]) => [file, fields.n ?? fields.k])).toEqual([
      ['__ptq.gif', '1'],
      ['__ptbe.gif', 'pe62515_yes'],
      ['__ptbe.gif', 'pe62515_back'],
    ])
    expect(await opened.page.evaluate(() => document.cookie)).not.toContain('__hs_do_not_track')
  })
})
