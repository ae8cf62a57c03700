// The analytics-next plugin in Chromium, with the real analytics-next in the page, both bundled from
// npm ('npm') and from script tags with dist/hubspot.iife.js ('umd'). HubSpot's hosts are answered
// by the stand-ins in test/fixtures; the tests assert on the beacons the tracker sent, in order
// (test/e2e/contract.test.ts runs the same kind of scenarios against HubSpot's real tracker).
import { describe, expect, it } from 'vitest'
import type { HubSpotOptions } from '../../src/core/settings'
import { identityField } from '../support/beacons'
import { PORTAL_ID, beaconsAfter, expectQuietPage, hubSpotLoaded, received, useHarness, type PageGlobals, type TestPage } from './harness'

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
    const opened = await harness().open('umd', { delayMs: 200 })
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
    // HubSpot's own view of the landing page, with the landing path the classic integration gave it.
    expect(await beaconsAfter(opened, 1)).toEqual([['view', { po: '/app/umd/' }]])
    expectQuietPage(opened)
  })
})

describe.each(['npm', 'umd'] as const)('the plugin in a %s page', (kind) => {
  it('page, identify and a custom behavioral event reach HubSpot in order; the identity rides on the next beacon', async () => {
    const opened = await harness().open(kind, { delayMs: 200 })
    await loadWithPlugin(opened, { portalId: PORTAL_ID })
    await hubSpotLoaded(opened.page)
    await opened.page.evaluate(async (kind) => {
      const analytics = (window as unknown as PageGlobals).e2e.analytics!
      history.pushState({}, '', `/app/${kind}/pricing?plan=pro&seats=3`)
      await analytics.page()
      await analytics.identify('user-1', { email: 'ada@example.com', firstName: 'Ada', subscription: { tier: 'pro' } })
      await analytics.track('Signed Up', { plan: 'pro', revenue: 12, id: 'signup-7' })
    }, kind)

    const landing = `/app/${kind}/`
    const pricing = `/app/${kind}/pricing?plan=pro&seats=3`
    const i = identityField({ email: 'ada@example.com', id: 'user-1', firstname: 'Ada', subscription_tier: 'pro' })
    expect(await beaconsAfter(opened, 3)).toEqual([
      ['view', { po: landing }],
      ['view', { po: pricing, rpo: landing }],
      ['event', { n: 'pe62515_signed_up', _plan: 'pro', _revenue: '12', _id: 'signup-7', po: pricing, rpo: landing, i }],
    ])
    expect((await received(opened.page)).loads).toEqual([{ host: 'js.hs-scripts.com', portalId: PORTAL_ID }])
    expect(opened.hubspotRequests).toEqual([`https://js.hs-scripts.com/${PORTAL_ID}.js`])
    expectQuietPage(opened)
  })

  it('legacy trackEvent (opt-in): mapped ids, and no property can take one of the beacon\'s own fields', async () => {
    const opened = await harness().open(kind, { delayMs: 200 })
    await loadWithPlugin(opened, { portalId: PORTAL_ID, useCustomBehavioralEvents: false, events: { 'Plan Upgraded': '000001234' } })
    await hubSpotLoaded(opened.page)
    await opened.page.evaluate(async () => {
      const analytics = (window as unknown as PageGlobals).e2e.analytics!
      await analytics.track('Plan Upgraded', { value: 0, i: 'email=evil@example.com', po: '/admin', k: 9 })
    })
    const sent = await beaconsAfter(opened, 2)
    expect(sent[1]).toEqual([
      'trackEvent',
      { k: '3', n: '000001234', m: '0', id: '000001234', value: '0', _i: 'email=evil@example.com', _po: '/admin', _k: '9', po: `/app/${kind}/` },
    ])
    expectQuietPage(opened)
  })

  it('custom behavioral events: mapped names, pe<portalId>_ names, 0 and false as sent, and the contact from context.traits first', async () => {
    const opened = await harness().open(kind, { delayMs: 200 })
    await loadWithPlugin(opened, { portalId: PORTAL_ID, events: { 'Plan Upgraded': 'pe62515_plan_change' } })
    await hubSpotLoaded(opened.page)
    await opened.page.evaluate(async () => {
      const analytics = (window as unknown as PageGlobals).e2e.analytics!
      await analytics.track('Plan Upgraded', { from: 'starter', to: 'pro', seats: 0, trial: false })
      await analytics.track(' \u200bVideo Watched ', { seconds: 30 }, { context: { traits: { email: 'grace@example.com', lastName: 'Hopper' } } })
    })

    const sent = await beaconsAfter(opened, 3)
    expect(sent.slice(1)).toEqual([
      ['event', { n: 'pe62515_plan_change', _from: 'starter', _to: 'pro', _seats: '0', _trial: 'false', po: `/app/${kind}/` }],
      [
        'event',
        { n: 'pe62515_video_watched', _seconds: '30', po: `/app/${kind}/`, i: identityField({ email: 'grace@example.com', lastname: 'Hopper' }) },
      ],
    ])
    expectQuietPage(opened)
  })

  it('holds its commands while the script loads, then HubSpot gets them in order, after its own view of the landing page', async () => {
    const opened = await harness().open(kind, { delayMs: 2000 })
    await loadWithPlugin(opened, { portalId: PORTAL_ID })
    const early = await opened.page.evaluate(async () => {
      const w = window as unknown as PageGlobals
      const analytics = w.e2e.analytics!
      const started = performance.now()
      await analytics.track('Early One')
      await analytics.identify({ email: 'early@example.com' })
      history.pushState({}, '', '/app/next')
      await analytics.page()
      await analytics.track('Early Two', { step: 2 })
      return {
        ms: performance.now() - started,
        standInRan: w.__hubspot !== undefined,
        // What HubSpot's tracker will apply before its automatic view: the landing path only.
        queued: Array.isArray(w._hsq) ? (w._hsq as unknown[]).filter((entry) => typeof entry !== 'function') : 'not an array',
      }
    })
    expect(early.standInRan).toBe(false)
    expect(early.queued).toEqual([['setPath', `/app/${kind}/`]])
    expect(early.ms).toBeLessThan(1000)

    await hubSpotLoaded(opened.page)
    const i = identityField({ email: 'early@example.com' })
    expect(await beaconsAfter(opened, 4)).toEqual([
      ['view', { po: `/app/${kind}/` }],
      ['event', { n: 'pe62515_early_one', po: `/app/${kind}/` }],
      ['view', { po: '/app/next', rpo: `/app/${kind}/`, i }],
      ['event', { n: 'pe62515_early_two', _step: '2', po: '/app/next', rpo: `/app/${kind}/`, i }],
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

  it('does not load the Forms SDK again when the page already has it', async () => {
    const opened = await harness().open(kind)
    await opened.page.evaluate(() => {
      ;(window as { hbspt?: unknown }).hbspt = { forms: { create: () => undefined } }
    })
    await loadWithPlugin(opened, { portalId: PORTAL_ID, loadFormsSdk: true })
    await hubSpotLoaded(opened.page)
    expect(opened.hubspotRequests).toEqual([`https://js.hs-scripts.com/${PORTAL_ID}.js`])
    expectQuietPage(opened)
  })

  it('uses the EU hosts with enableEuropeanDataCenter', async () => {
    const opened = await harness().open(kind, { delayMs: 200 })
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
    const sent = await beaconsAfter(opened, 2)
    expect(sent[1]).toEqual(['event', { n: 'pe62515_demo_booked', po: `/app/${kind}/` }])
    expect(opened.beacons.every((url) => url.startsWith('https://track-eu1.hubspot.com/'))).toBe(true)
    expectQuietPage(opened)
  })
})
