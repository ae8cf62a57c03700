// The analytics-next plugin in Chromium, with the real analytics-next in the page, both bundled from
// npm ('npm') and from script tags with dist/hubspot.iife.js ('umd'). HubSpot's hosts are answered
// by the stand-ins in test/fixtures; the tests assert what they received, in order.
import { describe, expect, it } from 'vitest'
import type { HubSpotOptions } from '../../src/settings'
import { PORTAL_ID, expectQuietPage, hubSpotLoaded, received, useHarness, type PageGlobals, type TestPage } from './harness'

const harness = useHarness()

/** Loads analytics-next with the plugin and sends the initial page call, as a site does on load. */
async function loadWithPlugin(opened: TestPage, options: HubSpotOptions): Promise<void> {
  await opened.page.evaluate(async (settings) => {
    const { e2e } = window as unknown as PageGlobals
    const [analytics] = await e2e.AnalyticsBrowser.load(
      {
        writeKey: 'e2e',
        cdnSettings: { integrations: { 'Segment.io': { apiKey: 'test' } } },
        plugins: [e2e.hubspot(settings)],
      },
      { integrations: { 'Segment.io': false } },
    )
    e2e.analytics = analytics
    await analytics.page()
  }, options)
}

describe('dist/hubspot.iife.js', () => {
  it('exposes window.HubSpotDestination = { hubspot, HubSpot }; its classic integration initialises in the browser', async () => {
    const opened = await harness().open('umd')
    const before = await opened.page.evaluate((portalId) => {
      const exposed = (window as unknown as { HubSpotDestination: Record<string, unknown> }).HubSpotDestination
      const HubSpot = exposed.HubSpot as unknown as PageGlobals['e2e']['HubSpot']
      const integration = new HubSpot({ portalId }) as unknown as { initialize(): void; loaded(): boolean }
      integration.initialize()
      ;(window as unknown as { integration: unknown }).integration = integration
      return {
        keys: Object.keys(exposed).sort(),
        types: [typeof exposed.hubspot, typeof exposed.HubSpot],
        name: (HubSpot as unknown as { prototype: { name: string } }).prototype.name,
        loaded: integration.loaded(),
      }
    }, PORTAL_ID)
    expect(before).toEqual({ keys: ['HubSpot', 'hubspot'], types: ['function', 'function'], name: 'HubSpot', loaded: false })
    await hubSpotLoaded(opened.page)
    expect(await opened.page.evaluate(() => (window as unknown as { integration: { loaded(): boolean } }).integration.loaded())).toBe(true)
    const hubspot = await received(opened.page)
    expect(hubspot.loads).toEqual([{ host: 'js.hs-scripts.com', portalId: PORTAL_ID }])
    expect(hubspot.hits).toEqual([{ type: 'pageView', path: '/app/umd/', initial: true }])
    expectQuietPage(opened)
  })
})

describe.each(['npm', 'umd'] as const)('the plugin in a %s page', (kind) => {
  it('page, identify and a legacy trackEvent reach HubSpot in order; the identity rides on the next hit', async () => {
    const opened = await harness().open(kind)
    await loadWithPlugin(opened, { portalId: PORTAL_ID })
    await hubSpotLoaded(opened.page)
    await opened.page.evaluate(async (kind) => {
      const analytics = (window as unknown as PageGlobals).e2e.analytics!
      history.pushState({}, '', `/app/${kind}/pricing?plan=pro&seats=3`)
      await analytics.page()
      await analytics.identify('user-1', { email: 'ada@example.com', firstName: 'Ada', subscription: { tier: 'pro' } })
      await analytics.track('Signed Up', { plan: 'pro', revenue: 12, id: 'signup-7' })
    }, kind)

    const hubspot = await received(opened.page)
    expect(hubspot.loads).toEqual([{ host: 'js.hs-scripts.com', portalId: PORTAL_ID }])
    expect(hubspot.commands).toEqual([
      ['setPath', `/app/${kind}/pricing?plan=pro&seats=3`],
      ['trackPageView'],
      ['identify', { email: 'ada@example.com', id: 'user-1', firstname: 'Ada', subscription_tier: 'pro' }],
      ['trackEvent', { id: 'Signed Up', value: 12, plan: 'pro', _id: 'signup-7' }],
    ])
    expect(hubspot.hits).toEqual([
      { type: 'pageView', path: `/app/${kind}/`, initial: true },
      { type: 'pageView', path: `/app/${kind}/pricing?plan=pro&seats=3` },
      {
        type: 'event',
        id: 'Signed Up',
        properties: { id: 'Signed Up', value: 12, plan: 'pro', _id: 'signup-7' },
        identity: { email: 'ada@example.com', id: 'user-1', firstname: 'Ada', subscription_tier: 'pro' },
      },
    ])
    expect(opened.hubspotRequests).toEqual([`https://js.hs-scripts.com/${PORTAL_ID}.js`])
    expectQuietPage(opened)
  })

  it('custom behavioral events: mapped names, pe<portalId>_ names, and the contact from context.traits first', async () => {
    const opened = await harness().open(kind)
    await loadWithPlugin(opened, {
      portalId: PORTAL_ID,
      useCustomBehavioralEvents: true,
      events: { 'Plan Upgraded': 'pe62515_plan_change' },
    })
    await hubSpotLoaded(opened.page)
    await opened.page.evaluate(async () => {
      const analytics = (window as unknown as PageGlobals).e2e.analytics!
      await analytics.track('Plan Upgraded', { from: 'starter', to: 'pro' })
      await analytics.track('Video Watched', { seconds: 30 }, { context: { traits: { email: 'grace@example.com', lastName: 'Hopper' } } })
    })

    const hubspot = await received(opened.page)
    expect(hubspot.commands).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_plan_change', properties: { from: 'starter', to: 'pro' } }],
      ['identify', { email: 'grace@example.com', lastname: 'Hopper' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_video_watched', properties: { seconds: 30 } }],
    ])
    expect(hubspot.hits).toEqual([
      { type: 'pageView', path: `/app/${kind}/`, initial: true },
      { type: 'customBehavioralEvent', name: 'pe62515_plan_change', properties: { from: 'starter', to: 'pro' } },
      {
        type: 'customBehavioralEvent',
        name: 'pe62515_video_watched',
        properties: { seconds: 30 },
        identity: { email: 'grace@example.com', lastname: 'Hopper' },
      },
    ])
    expectQuietPage(opened)
  })

  it('pushes onto _hsq at once while the script is still loading; HubSpot drains it in order', async () => {
    const opened = await harness().open(kind, { delayMs: 2000 })
    await loadWithPlugin(opened, { portalId: PORTAL_ID })
    const early = await opened.page.evaluate(async () => {
      const w = window as unknown as PageGlobals
      const analytics = w.e2e.analytics!
      const started = performance.now()
      await analytics.track('Early One')
      await analytics.identify({ email: 'early@example.com' })
      await analytics.track('Early Two', { step: 2 })
      return {
        ms: performance.now() - started,
        standInRan: w.__hubspot !== undefined,
        held: Array.isArray(w._hsq) ? JSON.parse(JSON.stringify(w._hsq)) : 'not an array',
      }
    })
    // Still loading: the commands wait in HubSpot's own queue, not in analytics-next.
    expect(early.standInRan).toBe(false)
    expect(early.held).toEqual([
      ['trackEvent', { id: 'Early One' }],
      ['identify', { email: 'early@example.com' }],
      ['trackEvent', { id: 'Early Two', step: 2 }],
    ])
    expect(early.ms).toBeLessThan(1000)

    await hubSpotLoaded(opened.page)
    const hubspot = await received(opened.page)
    expect(hubspot.commands).toEqual(early.held)
    // The stand-in, like HubSpot, applies what was queued, then records the initial view.
    expect(hubspot.hits).toEqual([
      { type: 'event', id: 'Early One', properties: { id: 'Early One' } },
      { type: 'event', id: 'Early Two', properties: { id: 'Early Two', step: 2 }, identity: { email: 'early@example.com' } },
      { type: 'pageView', path: `/app/${kind}/`, initial: true },
    ])
    expectQuietPage(opened)
  })

  it('loads the Forms SDK, and hbspt.forms.create works inside analytics.ready', async () => {
    // Slow HubSpot hosts: `ready` must wait for the Forms SDK rather than run before it exists.
    const opened = await harness().open(kind, { delayMs: 400 })
    const inReady = await opened.page.evaluate(async (portalId) => {
      const { e2e } = window as unknown as PageGlobals & { hbspt?: { forms?: { create?: (options: unknown) => unknown } } }
      const [analytics] = await e2e.AnalyticsBrowser.load(
        {
          writeKey: 'e2e',
          cdnSettings: { integrations: { 'Segment.io': { apiKey: 'test' } } },
          plugins: [e2e.hubspot({ portalId, loadFormsSdk: true })],
        },
        { integrations: { 'Segment.io': false } },
      )
      e2e.analytics = analytics
      return new Promise<string>((resolve) => {
        void analytics.ready(() => {
          const forms = (window as { hbspt?: { forms?: { create?: (options: unknown) => unknown } } }).hbspt?.forms
          const type = typeof forms?.create
          forms?.create?.({ portalId, formId: 'f-123', target: '#form' })
          resolve(type)
        })
      })
    }, PORTAL_ID)
    expect(inReady).toBe('function')

    const hubspot = await received(opened.page)
    expect(hubspot.forms).toEqual([{ portalId: PORTAL_ID, formId: 'f-123', target: '#form' }])
    expect(hubspot.formsHost).toBe('js.hsforms.net')
    expect(await opened.page.locator('#form form.hs-form[data-form-id="f-123"]').count()).toBe(1)
    expect([...opened.hubspotRequests].sort()).toEqual([
      `https://js.hs-scripts.com/${PORTAL_ID}.js`,
      'https://js.hsforms.net/forms/v2.js',
    ])
    expectQuietPage(opened)
  })

  it('uses the EU hosts with enableEuropeanDataCenter', async () => {
    const opened = await harness().open(kind)
    await loadWithPlugin(opened, { portalId: PORTAL_ID, enableEuropeanDataCenter: true, loadFormsSdk: true })
    await hubSpotLoaded(opened.page)
    await opened.page.waitForFunction(() => (window as unknown as PageGlobals).__hubspot?.formsHost !== undefined)
    await opened.page.evaluate(async () => {
      await (window as unknown as PageGlobals).e2e.analytics!.track('Demo Booked')
    })

    const hubspot = await received(opened.page)
    expect([...opened.hubspotRequests].sort()).toEqual([
      `https://js-eu1.hs-scripts.com/${PORTAL_ID}.js`,
      'https://js-eu1.hsforms.net/forms/v2.js',
    ])
    expect(hubspot.loads).toEqual([{ host: 'js-eu1.hs-scripts.com', portalId: PORTAL_ID }])
    expect(hubspot.formsHost).toBe('js-eu1.hsforms.net')
    expect(hubspot.commands).toEqual([['trackEvent', { id: 'Demo Booked' }]])
    expect(hubspot.hits).toEqual([
      { type: 'pageView', path: `/app/${kind}/`, initial: true },
      { type: 'event', id: 'Demo Booked', properties: { id: 'Demo Booked' } },
    ])
    expectQuietPage(opened)
  })
})
