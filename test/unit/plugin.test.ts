// The analytics-next destination plugin, driven by the real @segment/analytics-next in jsdom.
// jsdom never fetches HubSpot's script: most tests start with HubSpot's tracker already running
// (trackerRunning: `_hsq` keeps each command it is handed, in order); the stand-in of the tracker
// runs where its arrival matters.
import { AnalyticsBrowser, type Analytics, type Context, type Plugin } from '@segment/analytics-next'
import { Identify, Page, Track } from '@segment/facade'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HubSpot } from '../../src/browser/classic'
import { hubspot as hubspotFull } from '../../src/browser/full'
import { hubspot } from '../../src/browser/plugin'
import { MAX_HELD_COMMANDS } from '../../src/browser/queue'
import { HubSpotSettingsError, parseSettings, type HubSpotOptions } from '../../src/core/settings'
import type { SegmentEvent } from '../../src/core/types'
import { clearCookies, forgetDestinations, recorder, resetPage, runStandIn, trackerRunning } from './helpers'

type HubSpotGlobals = Window & { _hsq?: unknown; _hsp?: unknown; hbspt?: unknown }
const page = window as HubSpotGlobals

/** No settings request to Segment's CDN and no Segment API: the plugin is the only destination. */
async function loadAnalytics(plugins: Plugin[]): Promise<Analytics> {
  const [analytics] = await AnalyticsBrowser.load(
    { writeKey: 'test', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'test' } } }, plugins },
    { integrations: { 'Segment.io': false } },
  )
  return analytics
}

const held = (): unknown[] => {
  expect(Array.isArray(page._hsq)).toBe(true)
  return page._hsq as unknown[]
}

const trackingScripts = (): HTMLScriptElement[] =>
  Array.from(document.querySelectorAll<HTMLScriptElement>('script')).filter((s) => /hs-scripts\.com/.test(s.src))

/** The classic integration fed the same events, as analytics.js feeds it (facades, `invoke`). */
function classicCommands(options: HubSpotOptions, events: SegmentEvent[]): unknown[] {
  // Another page, as far as the destinations are concerned: the plugin's would keep this one off.
  forgetDestinations()
  trackerRunning()
  const integration = new HubSpot(options) as unknown as {
    initialize(): void
    invoke(method: string, facade: unknown): void
    _ready?: boolean
  }
  integration.initialize()
  expect(integration._ready).toBe(true)
  for (const event of events) {
    const Facade = event.type === 'page' ? Page : event.type === 'identify' ? Identify : Track
    integration.invoke(String(event.type), new Facade(event as Record<string, unknown>, { traverse: true }))
  }
  return held()
}

beforeEach(() => {
  // The destination explains what it did not send with console.debug; keep the test output quiet.
  vi.spyOn(console, 'debug').mockImplementation(() => {})
  resetPage()
  document.head.innerHTML = ''
  document.body.innerHTML = ''
  localStorage.clear()
  clearCookies()
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('hubspot() as an analytics-next plugin', () => {
  beforeEach(() => trackerRunning())

  it("is a destination named 'HubSpot' that analytics-next loads from `plugins`", async () => {
    const plugin = hubspot({ portalId: '62515' })
    expect(plugin.type).toBe('destination')
    expect(plugin.name).toBe('HubSpot')
    const analytics = await loadAnalytics([plugin])
    expect(analytics.queue.plugins.filter((p) => p.name === 'HubSpot')).toEqual([plugin])
    expect(plugin.isLoaded()).toBe(true)
    expect(trackingScripts().map((s) => [s.id, s.src, s.async])).toEqual([
      ['hs-script-loader', 'https://js.hs-scripts.com/62515.js', true],
    ])
    expect(held()).toEqual([])
  })

  it('loads through analytics.register() as well', async () => {
    const analytics = await loadAnalytics([])
    expect(trackingScripts()).toEqual([])
    const plugin = hubspot({ portalId: 62515, enableEuropeanDataCenter: true })
    await analytics.register(plugin)
    expect(analytics.queue.plugins.filter((p) => p.name === 'HubSpot')).toEqual([plugin])
    expect(trackingScripts().map((s) => s.src)).toEqual(['https://js-eu1.hs-scripts.com/62515.js'])
    await analytics.track('Signed Up')
    expect(held()).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: {} }]])
  })

  it('pushes nothing for the first page (HubSpot records it), then setPath with the query and trackPageView', async () => {
    const analytics = await loadAnalytics([hubspot({ portalId: '62515' })])
    await analytics.page()
    expect(held()).toEqual([])
    await analytics.page('Docs', 'Pricing', { path: '/pricing', search: '?plan=pro&seats=3' })
    expect(held()).toEqual([['setPath', '/pricing?plan=pro&seats=3'], ['trackPageView']])
    await analytics.page({ path: '/about', search: '' })
    expect(held().slice(2)).toEqual([['setPath', '/about'], ['trackPageView']])
  })

  it('pushes identify with email, id and the normalised traits', async () => {
    const analytics = await loadAnalytics([hubspot({ portalId: '62515' })])
    await analytics.identify('user-1', {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      subscription: { tier: 'pro' },
      createdAt: '2024-03-01',
    })
    expect(held()).toEqual([
      [
        'identify',
        {
          email: 'ada@example.com',
          id: 'user-1',
          firstname: 'Ada',
          lastname: 'Lovelace',
          subscription_tier: 'pro',
          createdat: Date.UTC(2024, 2, 1),
        },
      ],
    ])
  })

  it('pushes nothing for an identify without an email', async () => {
    const analytics = await loadAnalytics([hubspot({ portalId: '62515' })])
    await analytics.identify('user-1', { name: 'Ada Lovelace' })
    expect(held()).toEqual([])
  })

  it('follows identify with trackPageView when flushIdentifyImmediately is on', async () => {
    const analytics = await loadAnalytics([hubspot({ portalId: '62515', flushIdentifyImmediately: true })])
    await analytics.identify({ email: 'ada@example.com' })
    expect(held()).toEqual([['identify', { email: 'ada@example.com' }], ['trackPageView']])
  })

  it('pushes a legacy trackEvent when custom behavioral events are off: mapped id, revenue as value, properties.id as _id', async () => {
    const analytics = await loadAnalytics([
      hubspotFull({ portalId: '62515', events: { 'Order Completed': '000001234' }, useCustomBehavioralEvents: false }),
    ])
    await analytics.track('Order Completed', { id: 'o-9', revenue: 42.5, 'Coupon Code': 'SPRING' })
    await analytics.track('Video Played', { title: ' Intro ' })
    expect(held()).toEqual([
      ['trackEvent', { id: '000001234', value: 42.5, _id: 'o-9', coupon_code: 'SPRING' }],
      ['trackEvent', { id: 'Video Played', title: 'Intro' }],
    ])
  })

  it.each([
    ['na2', 'https://js-na2.hs-scripts.com/62515.js'],
    ['ap1', 'https://js-ap1.hs-scripts.com/62515.js'],
  ])('region %s: the tracking script comes from that data centre', async (region, src) => {
    await loadAnalytics([hubspot({ portalId: '62515', region: region as 'na2' })])
    expect(trackingScripts().map((script) => script.src)).toEqual([src])
  })

  it('pushes trackCustomBehavioralEvent with the pe<portalId>_ name by default', async () => {
    const analytics = await loadAnalytics([hubspot({ portalId: '62515' })])
    await analytics.track('Plan Upgraded.Yearly', { plan: 'pro', seats: 3 })
    expect(held()).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_plan_upgraded_yearly', properties: { plan: 'pro', seats: 3 } }],
    ])
  })

  it('identifies the contact from context.traits before the event', async () => {
    const analytics = await loadAnalytics([hubspot({ portalId: '62515' })])
    await analytics.track('Signed Up', { plan: 'pro' }, { context: { traits: { email: 'ada@example.com', firstName: 'Ada' } } })
    expect(held()).toEqual([
      ['identify', { email: 'ada@example.com', firstname: 'Ada' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: { plan: 'pro' } }],
    ])
  })

  it('sends exactly the commands the classic integration sends for the same events', async () => {
    const options: HubSpotOptions = { portalId: '62515', events: { 'Order Completed': 'pe62515_purchase' } }
    const recording = recorder()
    const analytics = await loadAnalytics([hubspot(options), recording])
    await analytics.page()
    await analytics.page('Docs', { path: '/docs/start', search: '?ref=nav' })
    await analytics.identify('user-7', { email: 'grace@example.com', title: 'Rear Admiral', address: { city: 'Arlington' } })
    await analytics.track('Order Completed', { revenue: 99, products: ['a', 'b'] })
    await analytics.track('Newsletter Subscribed')
    const expected = [
      ['setPath', '/docs/start?ref=nav'],
      ['trackPageView'],
      ['identify', { email: 'grace@example.com', id: 'user-7', jobtitle: 'Rear Admiral', city: 'Arlington' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_purchase', properties: { revenue: 99, products: 'a;b' } }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_newsletter_subscribed', properties: {} }],
    ]
    expect(held()).toEqual(expected)
    expect(recording.events.map((e) => e.type)).toEqual(['page', 'page', 'identify', 'track', 'track'])
    expect(classicCommands(options, recording.events)).toEqual(expected)
  })

  it('pushes each command before `await analytics.track()` resolves: no buffering while the script loads', async () => {
    const analytics = await loadAnalytics([hubspot({ portalId: '62515' })])
    const started = Date.now()
    for (const n of [1, 2, 3]) {
      await analytics.track(`Step ${n}`)
      expect(held()).toHaveLength(n)
      expect(held()[n - 1]).toEqual(['trackCustomBehavioralEvent', { name: `pe62515_step_${n}`, properties: {} }])
    }
    // analytics-next's classic path would hold these behind a random delay of up to 5 s.
    expect(Date.now() - started).toBeLessThan(1000)
  })
})

describe('hubspot() settings', () => {
  it.each([
    [{ portalId: 'abc' }, 'portalId', /"abc"/],
    [{ portalId: ' 62515' }, 'portalId', /" 62515"/],
    [{}, 'portalId', /undefined/],
    [{ portalId: '62515', loadFormsSdk: 'yes' }, 'loadFormsSdk', /"yes"/],
    [{ portalId: '62515', events: { 'Signed Up': '' } }, 'events', /Signed Up/],
  ])('logs one console error naming the setting for %o, stays off, and analytics runs', async (options, setting, detail) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const recording = recorder()
    const analytics = await loadAnalytics([hubspot(options as HubSpotOptions), recording])
    await analytics.track('Signed Up')
    expect(logged).toHaveBeenCalledTimes(1)
    const message = String(logged.mock.calls[0]![0])
    expect(message).toContain(`HubSpot setting "${setting}"`)
    expect(message).toMatch(detail)
    expect(message).toMatch(/HubSpot is off; analytics and other destinations run as usual$/)
    expect(recording.events.map((event) => event.event)).toEqual(['Signed Up'])
    expect(trackingScripts()).toEqual([])
    expect(page._hsq).toBeUndefined()
  })

  it.each([
    ['loadFormsSdk', { loadFormsSdk: true }, 'true'],
    ['loadFormsSDK', { loadFormsSDK: true }, 'true'],
    ['useCustomBehavioralEvents', { useCustomBehavioralEvents: false }, 'false'],
    ['trackFormSubmissions', { trackFormSubmissions: true }, 'true'],
    ['attachUserToken', { attachUserToken: true }, 'true'],
    ['mappings', { mappings: { email: 'traits.contact.email' } }, 'an object'],
    ['mappings', { mappings: [] }, 'an array'],
    ['mappings', { mappings: new Map([['email', 'traits.contact.email']]) }, 'an object'],
    ['formFields', { formFields: ['company'] }, 'an array'],
    ['formFields', { formFields: 42 }, '42'],
  ])('%s needs the plugin of hubspot-destination/full: a console error names the setting and HubSpot stays off', async (setting, options, value) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const analytics = await loadAnalytics([hubspot({ portalId: '62515', ...options } as HubSpotOptions)])
    await analytics.track('Signed Up')
    const canonical = setting === 'loadFormsSDK' ? 'loadFormsSdk' : setting
    expect(error.mock.calls).toEqual([
      [
        `[hubspot-destination] HubSpot setting "${canonical}" needs the plugin of "hubspot-destination/full": import { hubspot } from 'hubspot-destination/full'; got ${value}. HubSpot is off; analytics and other destinations run as usual`,
      ],
    ])
    expect(page._hsq).toBeUndefined()
    expect(document.querySelectorAll('script[src*="hs-scripts"], script[src*="hsforms"]')).toHaveLength(0)
  })

  it('parseSettings is the strict check for tests and CI: it throws the HubSpotSettingsError', () => {
    expect(() => parseSettings({ portalId: ' 62515 ' })).toThrow(HubSpotSettingsError)
  })
})

describe('hubspot() and settings it does not know', () => {
  it("accepts Segment's newer spelling loadFormsSDK, and warns once about a setting it does not know, naming the closest", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    hubspot({ portalId: '62515', loadFormsSDK: false, formatEventNames: false } as HubSpotOptions)
    expect(warn.mock.calls).toEqual([
      ['[hubspot-destination] HubSpot setting "formatEventNames" is not known and is ignored; did you mean "formatCustomBehavioralEventNames"?'],
    ])
  })
})

describe('when HubSpot’s script fails to load', () => {
  it('warns once that the script did not load and holds at most 1,000 commands for it, newest kept', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    // The page's own command, queued before ours: never dropped.
    page._hsq = [['setPath', '/from-the-page']]
    const analytics = await loadAnalytics([hubspot({ portalId: '62515' })])
    const [script] = trackingScripts()
    expect(script).toBeDefined()
    script!.dispatchEvent(new Event('error'))
    script!.dispatchEvent(new Event('error'))
    await analytics.track('Before Blocked Warning Check')
    const notLoaded = warn.mock.calls.filter(([message]) => /HubSpot's script did not load/.test(String(message)))
    expect(notLoaded).toHaveLength(1)
    expect(String(notLoaded[0]![0])).toContain('https://js.hs-scripts.com/62515.js')

    const total = MAX_HELD_COMMANDS + 200
    await Promise.all(Array.from({ length: total }, (_, n) => analytics.track(`Event ${n}`)))
    // `_hsq` holds only the page's command and the destination's callback: its own commands wait inside it.
    expect(held()).toEqual([['setPath', '/from-the-page'], expect.any(Function)])
    // Should HubSpot's script arrive after all, it gets the newest commands, in order.
    const standIn = runStandIn()
    await new Promise((resolve) => setTimeout(resolve, 0))
    const events = standIn.commands.filter((command) => (command as string[])[0] === 'trackCustomBehavioralEvent')
    expect(events.length).toBeLessThanOrEqual(MAX_HELD_COMMANDS)
    expect(events.length).toBeGreaterThanOrEqual(MAX_HELD_COMMANDS * 0.9)
    expect(events.at(-1)).toEqual(['trackCustomBehavioralEvent', { name: `pe62515_event_${total - 1}`, properties: {} }])
    expect(standIn.commands[1]).toEqual(['setPath', '/from-the-page'])
    expect(warn.mock.calls.filter(([message]) => /did not load/.test(String(message)))).toHaveLength(1)
    // One warning per problem, never one per event: the failed script, and at most one about dropping.
    expect(warn.mock.calls.length).toBeLessThanOrEqual(2)
    expect(warn.mock.calls.every(([message]) => String(message).startsWith('[hubspot-destination] '))).toBe(true)
  })
})
