import { AnalyticsBrowser } from '@segment/analytics-next'
import { Alias, Group, Identify, Page, Track } from '@segment/facade'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import HubSpot from '../../src/index'
import { DOCUMENTED_DEFAULTS, PORTAL_ID, addScript, classicIntegration, hsq, page, resetPage, scripts, trackerRunning, type ClassicInstance } from './helpers'

const TRACKING = { id: 'hs-script-loader', async: true, src: `https://js.hs-scripts.com/${PORTAL_ID}.js` }
const TRACKING_EU = { id: 'hs-script-loader', async: true, src: `https://js-eu1.hs-scripts.com/${PORTAL_ID}.js` }
const FORMS = { id: '', async: true, src: 'https://js.hsforms.net/forms/v2.js' }
const FORMS_EU = { id: '', async: true, src: 'https://js-eu1.hsforms.net/forms/v2.js' }
// analytics-next releases a classic destination's held events after a random delay of up to 5 s.
const RELEASE = { timeout: 8000, interval: 20 }

beforeEach(resetPage)
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  resetPage()
})

/** An initialized integration with these options, as analytics.js 1.x sets it up. */
function initialized(options: Record<string, unknown> = {}): ClassicInstance {
  const integration = classicIntegration({ portalId: PORTAL_ID, ...options })
  integration.initialize()
  return integration
}

/** An initialized integration whose first page call (recorded by HubSpot's script itself) is behind it. */
function afterFirstPage(options: Record<string, unknown> = {}): ClassicInstance {
  const integration = initialized(options)
  integration.page(new Page({ properties: { path: '/' } }))
  return integration
}

describe('the integration', () => {
  test("is named 'HubSpot', assumes a page view and owns the globals _hsq and hbspt", () => {
    const prototype = HubSpot.prototype as unknown as { name: string; _assumesPageview: boolean; globals: string[] }
    expect(prototype.name).toBe('HubSpot')
    expect(prototype._assumesPageview).toBe(true)
    expect(prototype.globals).toEqual(['_hsq', 'hbspt'])
  })

  test('has the documented defaults', () => {
    expect(classicIntegration({ portalId: PORTAL_ID }).options).toMatchObject({ portalId: PORTAL_ID, ...DOCUMENTED_DEFAULTS })
  })

  test("declares portalId with the classic integration's default, null", () => {
    expect(classicIntegration({}).options.portalId).toBeNull()
  })
})

describe('loading', () => {
  test("initialize sets window._hsq to an array, keeping what the page queued; ahead of HubSpot's tracker it puts only the landing path and a callback", () => {
    initialized()
    // The first page call never reaches the classic (assumesPageview): the landing page is where it is now.
    expect(hsq()).toEqual([expect.any(Function), ['setPath', '/']])
    resetPage()
    page()._hsq = [['setPath', '/from-the-page']]
    initialized()
    expect(hsq()).toEqual([['setPath', '/from-the-page'], expect.any(Function), ['setPath', '/']])
  })

  test('initialize injects exactly one <script id="hs-script-loader" async src="https://js.hs-scripts.com/<portalId>.js">', () => {
    initialized()
    expect(scripts()).toEqual([TRACKING])
  })

  test('with enableEuropeanDataCenter the tracking script comes from js-eu1.hs-scripts.com', () => {
    initialized({ enableEuropeanDataCenter: true })
    expect(scripts()).toEqual([TRACKING_EU])
  })

  test('with loadFormsSdk the Forms SDK is injected too', () => {
    initialized({ loadFormsSdk: true })
    expect(scripts()).toEqual([TRACKING, FORMS])
  })

  test('with loadFormsSdk and enableEuropeanDataCenter the Forms SDK comes from js-eu1.hsforms.net', () => {
    initialized({ loadFormsSdk: true, enableEuropeanDataCenter: true })
    expect(scripts()).toEqual([TRACKING_EU, FORMS_EU])
  })

  test('ready is emitted as soon as the tracking script is injected', () => {
    const integration = classicIntegration()
    const scriptsAtReady: unknown[] = []
    integration.once('ready', () => scriptsAtReady.push(...scripts()))
    integration.initialize()
    expect(scriptsAtReady).toEqual([TRACKING])
  })

  test('a second initialize (analytics.js retries on a later page call) adds no second script and no second ready', () => {
    const integration = classicIntegration()
    const ready = vi.fn()
    integration.on('ready', ready)
    integration.initialize()
    integration.initialize()
    expect(scripts()).toEqual([TRACKING])
    expect(ready).toHaveBeenCalledTimes(1)
  })

  test('with loadFormsSdk, ready is emitted only once window.hbspt.forms exists', async () => {
    const integration = classicIntegration({ portalId: PORTAL_ID, loadFormsSdk: true })
    const ready = vi.fn()
    integration.once('ready', ready)
    integration.initialize()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(ready).not.toHaveBeenCalled()
    page().hbspt = { forms: { create: () => {} } }
    document.querySelector(`script[src="${FORMS.src}"]`)!.dispatchEvent(new Event('load'))
    await vi.waitFor(() => expect(ready).toHaveBeenCalledTimes(1), { timeout: 2000 })
  })

  test('with loadFormsSdk, ready is emitted after 10 s with a warning when the Forms SDK never comes', async () => {
    vi.useFakeTimers()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const integration = classicIntegration({ portalId: PORTAL_ID, loadFormsSdk: true })
    const ready = vi.fn()
    integration.once('ready', ready)
    integration.initialize()
    await vi.advanceTimersByTimeAsync(9_900)
    expect(ready).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(200)
    expect(ready).toHaveBeenCalledTimes(1)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toMatch(/Forms SDK/)
  })

  test('adds no second tracking script when the page already carries one', () => {
    addScript(TRACKING.src, TRACKING.id)
    initialized()
    initialized()
    expect(scripts()).toEqual([{ ...TRACKING, async: false }])
  })

  test('loaded() is false while _hsq is the plain array, true once HubSpot replaced it with its own push', () => {
    const integration = classicIntegration()
    expect(integration.loaded()).toBe(false)
    integration.initialize()
    expect(integration.loaded()).toBe(false)
    page()._hsq = { push: () => 0 }
    expect(integration.loaded()).toBe(true)
  })

  test('with loadFormsSdk (or loadFormsSDK), loaded() also waits for window.hbspt.forms', () => {
    for (const option of ['loadFormsSdk', 'loadFormsSDK']) {
      resetPage()
      const integration = classicIntegration({ portalId: PORTAL_ID, [option]: true })
      integration.initialize()
      page()._hsq = { push: () => 0 }
      expect(integration.loaded(), option).toBe(false)
      page().hbspt = { forms: { create: () => undefined } }
      expect(integration.loaded(), option).toBe(true)
    }
  })

  test('an unknown setting gets one console warning naming the closest known one', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    classicIntegration({ portalId: PORTAL_ID, enableEuropeanDatacentre: true }).initialize()
    expect(warn.mock.calls).toEqual([
      ['[hubspot-destination] HubSpot setting "enableEuropeanDatacentre" is not known and is ignored; did you mean "enableEuropeanDataCenter"?'],
    ])
  })

  test.each([
    ['abc', '"abc"'],
    ['1"><script>', '"1\\"><script>"'],
    [' 62515 ', '" 62515 "'],
    [-1, '-1'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [{}, 'an object'],
  ])('a portalId of %o: initialize() logs one error naming portalId and the value, injects nothing, and is ready', (portalId, shown) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const integration = classicIntegration({ portalId })
    const ready = vi.fn()
    integration.once('ready', ready)
    expect(() => integration.initialize()).not.toThrow()
    expect(logged).toHaveBeenCalledTimes(1)
    expect(String(logged.mock.calls[0]![0])).toMatch(/portalId/)
    expect(String(logged.mock.calls[0]![0])).toContain(shown)
    expect(ready).toHaveBeenCalledTimes(1)
    expect(scripts()).toEqual([])
  })
})

describe('events, driven the way analytics.js 1.x drives them', () => {
  // HubSpot's tracker is running: each command reaches `_hsq` the moment it is mapped.
  beforeEach(() => trackerRunning())

  test("the first page call pushes nothing: HubSpot's script records it", () => {
    const integration = initialized()
    integration.page(new Page({ properties: { path: '/pricing', search: '?plan=pro' } }))
    expect(hsq()).toEqual([])
  })

  test('a later page call pushes setPath with path + search, then trackPageView', () => {
    const integration = afterFirstPage()
    integration.page(new Page({ properties: { path: '/pricing', search: '?plan=pro' } }))
    expect(hsq()).toEqual([['setPath', '/pricing?plan=pro'], ['trackPageView']])
  })

  test('a later page call without a path pushes only trackPageView', () => {
    const integration = afterFirstPage()
    integration.page(new Page({ properties: { title: 'Pricing' } }))
    expect(hsq()).toEqual([['trackPageView']])
  })

  test('identify pushes identify with the email, the userId as id and the normalised traits', () => {
    const integration = initialized()
    integration.identify(new Identify({ userId: 'user1234', traits: { email: 'peter@example.com', firstName: 'Peter', 'Plan Tier': 'pro' } }))
    expect(hsq()).toEqual([['identify', { email: 'peter@example.com', id: 'user1234', firstname: 'Peter', plan_tier: 'pro' }]])
  })

  test('identify without an email pushes nothing and writes a debug message', () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
    const integration = initialized()
    integration.identify(new Identify({ userId: 'user1234', traits: { firstName: 'Peter' } }))
    expect(hsq()).toEqual([])
    expect(debug).toHaveBeenCalledTimes(1)
    expect(String(debug.mock.calls[0]![0])).toMatch(/email/)
  })

  test('identify with flushIdentifyImmediately is followed by trackPageView', () => {
    const integration = initialized({ flushIdentifyImmediately: true })
    integration.identify(new Identify({ userId: 'peter@example.com', traits: {} }))
    expect(hsq()).toEqual([['identify', { email: 'peter@example.com', id: 'peter@example.com' }], ['trackPageView']])
  })

  test('track with useCustomBehavioralEvents off pushes the legacy trackEvent with the mapped event id, value and the normalised properties', () => {
    const integration = initialized({ events: { 'Order Completed': '000123' }, useCustomBehavioralEvents: false })
    integration.track(new Track({ event: 'order_completed', properties: { id: 'order-1', revenue: 99.5, 'Coupon Code': 'X' } }))
    expect(hsq()).toEqual([['trackEvent', { id: '000123', value: 99.5, _id: 'order-1', coupon_code: 'X' }]])
  })

  test('track pushes trackCustomBehavioralEvent named pe<portalId>_<event> (the default)', () => {
    const integration = initialized()
    integration.track(new Track({ event: 'Clicked Buy Now', properties: { plan: 'pro' } }))
    expect(hsq()).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_clicked_buy_now', properties: { plan: 'pro' } }]])
  })

  test('track with an email in context.traits pushes identify first, then the event', () => {
    const integration = initialized()
    integration.track(
      new Track({ event: 'Bought Item', properties: { sku: 'A1' }, context: { traits: { email: 'peter@example.com', firstname: 'Peter' } } }),
    )
    expect(hsq()).toEqual([
      ['identify', { email: 'peter@example.com', firstname: 'Peter' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_bought_item', properties: { sku: 'A1' } }],
    ])
  })

  test('group and alias push nothing', () => {
    vi.spyOn(console, 'debug').mockImplementation(() => {})
    const integration = initialized()
    integration.group(new Group({ groupId: 'g1', traits: { name: 'Initech' } }))
    integration.alias(new Alias({ userId: 'user1234', previousId: 'anon-1' }))
    expect(hsq()).toEqual([])
  })

  test('commands keep the order of the calls', () => {
    const integration = afterFirstPage()
    integration.identify(new Identify({ userId: 'user1234', traits: { email: 'peter@example.com' } }))
    integration.track(new Track({ event: 'Clicked Buy Now', properties: { value: 20.5 } }))
    integration.page(new Page({ properties: { path: '/thanks' } }))
    expect(hsq()).toEqual([
      ['identify', { email: 'peter@example.com', id: 'user1234' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_clicked_buy_now', properties: { value: 20.5 } }],
      ['setPath', '/thanks'],
      ['trackPageView'],
    ])
  })

  test("calls made before initialize are held by the factory and pushed in order once it's ready", () => {
    const integration = classicIntegration()
    integration.invoke('identify', new Identify({ userId: 'peter@example.com' }))
    integration.invoke('track', new Track({ event: 'Clicked Buy Now' }))
    expect(hsq()).toEqual([])
    integration.initialize()
    expect(hsq()).toEqual([
      ['identify', { email: 'peter@example.com', id: 'peter@example.com' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_clicked_buy_now', properties: {} }],
    ])
  })

  test("methods called before initialize() map the calls with the options then, as Segment's classic did", () => {
    const integration = classicIntegration({ portalId: PORTAL_ID, useCustomBehavioralEvents: false })
    integration.identify(new Identify({ userId: 'peter@example.com', traits: { firstName: 'Peter' } }))
    integration.track(new Track({ event: 'Clicked Buy Now', properties: { value: 5 } }))
    expect(hsq()).toEqual([
      ['identify', { email: 'peter@example.com', id: 'peter@example.com', firstname: 'Peter' }],
      ['trackEvent', { id: 'Clicked Buy Now', value: 5 }],
    ])
    expect(scripts()).toEqual([])
  })

  test('unit tests that stub window._hsq.push, as Segment\'s classic test suite does, see each command pushed', () => {
    const push = vi.fn()
    page()._hsq = { push }
    const integration = classicIntegration()
    integration.identify(new Identify({ userId: 'user1234', traits: { email: 'peter@example.com' } }))
    integration.track(new Track({ event: 'Signed Up' }))
    expect(push.mock.calls).toEqual([
      [['identify', { email: 'peter@example.com', id: 'user1234' }]],
      [['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: {} }]],
    ])
  })

  test('with bad settings, methods called before initialize() send nothing and say why in a debug message', () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
    classicIntegration({ portalId: 'abc' }).track(new Track({ event: 'Signed Up' }))
    expect(hsq()).toEqual([])
    expect(String(debug.mock.calls[0]![0])).toMatch(/not sent: HubSpot setting "portalId"/)
  })

  test('ISO date strings, which the facade turns into Date objects, become Unix milliseconds', () => {
    const integration = initialized()
    integration.track(new Track({ event: 'Renewed', properties: { renewal: '2024-03-15', at: '2024-03-15T10:20:30+02:00' } }))
    expect(hsq()).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_renewed', properties: { renewal: Date.UTC(2024, 2, 15), at: Date.UTC(2024, 2, 15, 8, 20, 30) } }],
    ])
  })

  test('an invalid ISO date is dropped, though the facade rolls it over into a valid Date', () => {
    const integration = initialized()
    integration.track(new Track({ event: 'Renewed', properties: { renewal: '2023-02-30', plan: 'pro' } }))
    integration.identify(new Identify({ userId: 'peter@example.com', traits: { birthday: '2023-02-29' } }))
    expect(hsq()).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_renewed', properties: { plan: 'pro' } }],
      ['identify', { email: 'peter@example.com', id: 'peter@example.com' }],
    ])
  })
})

describe('with the real analytics-next', () => {
  /** `AnalyticsBrowser.load` with HubSpot as a classic integration and no Segment.io delivery. */
  function load(settings: Record<string, unknown> = {}) {
    return AnalyticsBrowser.load(
      {
        writeKey: 'test',
        classicIntegrations: [HubSpot as never],
        cdnSettings: { integrations: { HubSpot: { portalId: PORTAL_ID, ...settings } } } as never,
      },
      { integrations: { 'Segment.io': false } },
    )
  }

  test('loads the integration: one tracking script, _hsq, and each call becomes its commands in order', async () => {
    trackerRunning()
    const [analytics] = await load()
    expect(scripts()).toEqual([TRACKING])
    await analytics.page()
    await analytics.identify('user1234', { email: 'peter@example.com', firstName: 'Peter' })
    await analytics.track('Clicked Buy Now', { value: 20.5 })
    window.history.pushState({}, '', '/pricing?plan=pro')
    await analytics.page()
    await vi.waitFor(
      () =>
        expect(hsq()).toEqual([
          ['identify', { email: 'peter@example.com', id: 'user1234', firstname: 'Peter' }],
          ['trackCustomBehavioralEvent', { name: 'pe62515_clicked_buy_now', properties: { value: 20.5 } }],
          ['setPath', '/pricing?plan=pro'],
          ['trackPageView'],
        ]),
      RELEASE,
    )
    window.history.pushState({}, '', '/')
  })

  test('calls made while analytics-next is still loading (as the snippet makes them) reach HubSpot once it has', async () => {
    trackerRunning()
    const analytics = load({ events: { 'Order Completed': '000123' }, useCustomBehavioralEvents: false })
    void analytics.page()
    void analytics.identify('user1234', { email: 'peter@example.com' })
    void analytics.track('order completed', { revenue: 42 })
    await analytics
    await vi.waitFor(
      () =>
        expect(hsq()).toEqual([
          ['identify', { email: 'peter@example.com', id: 'user1234' }],
          ['trackEvent', { id: '000123', value: 42 }],
        ]),
      RELEASE,
    )
    expect(scripts()).toEqual([TRACKING])
  })

  test('with loadFormsSdk, analytics.ready callbacks can call hbspt.forms.create', async () => {
    const create = vi.fn()
    const [analytics] = await load({ loadFormsSdk: true })
    expect(scripts()).toEqual([TRACKING, FORMS])
    const readyCalled = analytics.ready(() => (page().hbspt as { forms: { create: typeof create } }).forms.create({ formId: 'f1' }))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(create).not.toHaveBeenCalled()
    page().hbspt = { forms: { create } }
    document.querySelector(`script[src="${FORMS.src}"]`)!.dispatchEvent(new Event('load'))
    await readyCalled
    expect(create).toHaveBeenCalledWith({ formId: 'f1' })
  })

  test('with loadFormsSdk, calls made while the Forms SDK loads are held, then reach HubSpot', async () => {
    trackerRunning()
    const [analytics] = await load({ loadFormsSdk: true })
    await analytics.page()
    void analytics.identify('user1234', { email: 'peter@example.com' })
    void analytics.track('Clicked Buy Now', { value: 20.5 })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(hsq()).toEqual([])
    page().hbspt = { forms: { create: () => {} } }
    await vi.waitFor(
      () =>
        expect(hsq()).toEqual([
          ['identify', { email: 'peter@example.com', id: 'user1234' }],
          ['trackCustomBehavioralEvent', { name: 'pe62515_clicked_buy_now', properties: { value: 20.5 } }],
        ]),
      RELEASE,
    )
  }, 10_000)

  test('a bad portalId injects no script and sends nothing', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const [analytics] = await load({ portalId: '1"><script>' })
    await analytics.page()
    await analytics.identify('peter@example.com')
    await analytics.track('Clicked Buy Now')
    expect(scripts()).toEqual([])
    expect(page()._hsq ?? []).toEqual([])
  })
})
