/**
 * Issue 4, "Privacy": `consentCategories` (analytics-next's consent model) and `revokeCookiesOnReset`.
 *
 * - With `consentCategories`, HubSpot's script is not loaded until an event whose
 *   `context.consent.categoryPreferences` grants every listed category; events that do not are
 *   dropped with a debug message. The granting event loads the script, and a granting page pushes
 *   no trackPageView (the script records the view it loads on; the page only gives it its path).
 *   Until the script has run, the destination's commands wait inside it: what HubSpot gets is read
 *   from the stand-in of its tracker, once it has run (`reachedHubSpot`).
 * - With `revokeCookiesOnReset`, `analytics.reset()` pushes exactly `['revokeCookieConsent']` onto
 *   `window._hsp`, HubSpot's consent queue; without it, `_hsp` is left alone.
 */
import { AnalyticsBrowser, type Analytics, type Plugin } from '@segment/analytics-next'
import { Track } from '@segment/facade'
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest'
import { HubSpot } from '../../src/browser/classic'
import { hubspot } from '../../src/browser/plugin'
import type { HubSpotOptions } from '../../src/core/settings'
import { forgetDestinations, reachedHubSpot, resetPage } from './helpers'

type HsWindow = Window & { _hsq?: unknown; _hsp?: unknown; hbspt?: unknown }
const win = window as HsWindow

const TRACKING_SRC = 'https://js.hs-scripts.com/62515.js'
const ADVERTISING = ['Advertising']

const VIEW = ['trackPageView']
const event = (name: string, properties = {}) => ['trackCustomBehavioralEvent', { name, properties }]
const granted = (...categories: string[]) => ({ consent: { categoryPreferences: Object.fromEntries(categories.map((c) => [c, true])) } })
const denied = (...categories: string[]) => ({ consent: { categoryPreferences: Object.fromEntries(categories.map((c) => [c, false])) } })

function scriptSources(): string[] {
  return Array.from(document.getElementsByTagName('script'), (script) => script.getAttribute('src') ?? '')
}
function held(): unknown[] {
  expect(Array.isArray(win._hsq)).toBe(true)
  return win._hsq as unknown[]
}

let debug: MockInstance<typeof console.debug>
const debugMessages = (): string[] => debug.mock.calls.map((args) => args.map(String).join(' '))

beforeEach(() => {
  resetPage()
  debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
  resetPage()
})

type Classic = Record<'initialize' | 'page' | 'track', (facade?: unknown) => void>
const facade = (obj: Record<string, unknown>) => new Track(obj, {})

/** The plugin, loaded the way analytics-next loads it. */
function loadedPlugin(options: Partial<HubSpotOptions> = {}) {
  const resetListeners: Array<() => void> = []
  const plugin = hubspot({ portalId: '62515', ...options })
  void plugin.load({} as never, { on: (event: string, listener: () => void) => event === 'reset' && resetListeners.push(listener) } as never)
  const send = (event: Record<string, unknown>) => plugin[event.type as 'page' | 'track' | 'identify']!({ event } as never)
  return { plugin, send, reset: () => resetListeners.forEach((listener) => listener()) }
}

describe('consentCategories, with the plugin', () => {
  it('no script is injected at load', () => {
    loadedPlugin({ consentCategories: ADVERTISING })
    expect(scriptSources()).toEqual([])
    // The callback HubSpot's tracker calls when it runs, and nothing else.
    expect(held()).toEqual([expect.any(Function)])
  })

  it('an event that denies the category is dropped, with a debug message, and loads nothing', async () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'track', event: 'Signed Up', context: denied('Advertising') })
    expect(scriptSources()).toEqual([])
    expect(await reachedHubSpot()).toEqual([VIEW])
    expect(debugMessages().some((message) => /consent/i.test(message) && message.includes('Advertising'))).toBe(true)
  })

  it('an event without consent preferences is dropped too', async () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'track', event: 'Signed Up' })
    send({ type: 'identify', traits: { email: 'ada@example.com' }, context: { consent: {} } })
    send({ type: 'track', event: 'Signed Up', context: { consent: { categoryPreferences: { Advertising: 'yes' } } } })
    expect(scriptSources()).toEqual([])
    expect(await reachedHubSpot()).toEqual([VIEW])
  })

  it('a later event that grants it loads the script then, and its commands are pushed', async () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'track', event: 'Denied', context: denied('Advertising') })
    expect(scriptSources()).toEqual([])
    send({ type: 'track', event: 'Signed Up', properties: { plan: 'pro' }, context: granted('Advertising') })
    expect(scriptSources()).toEqual([TRACKING_SRC])
    expect(document.getElementById('hs-script-loader')?.getAttribute('src')).toBe(TRACKING_SRC)
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_signed_up', { plan: 'pro' })])
  })

  it('a granting page that loads the script pushes no trackPageView (the script records that view), only its path', async () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'page', properties: { path: '/pricing' }, context: granted('Advertising') })
    expect(scriptSources()).toEqual([TRACKING_SRC])
    expect(held()).toEqual([expect.any(Function), ['setPath', '/pricing']])
    // The next page is a new view: HubSpot hears of it.
    send({ type: 'page', properties: { path: '/signup', search: '?plan=pro' }, context: granted('Advertising') })
    expect(await reachedHubSpot()).toEqual([['setPath', '/pricing'], VIEW, ['setPath', '/signup?plan=pro'], VIEW])
  })

  it('a granting page after a denied one still pushes no trackPageView: the view it loads on is recorded by the script', () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'page', properties: { path: '/' }, context: denied('Advertising') })
    send({ type: 'page', properties: { path: '/pricing' }, context: granted('Advertising') })
    expect(scriptSources()).toEqual([TRACKING_SRC])
    expect(held()).toEqual([expect.any(Function), ['setPath', '/pricing']])
  })

  it('every listed category must be granted', async () => {
    const { send } = loadedPlugin({ consentCategories: ['Advertising', 'Analytics'] })
    send({ type: 'track', event: 'Half', context: granted('Advertising') })
    expect(scriptSources()).toEqual([])
    send({ type: 'track', event: 'Both', context: granted('Advertising', 'Analytics') })
    expect(scriptSources()).toEqual([TRACKING_SRC])
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_both')])
  })

  it('consent is per event: once the script is added, a denying event is still dropped, and tells HubSpot to stop, once', async () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'track', event: 'Yes', context: granted('Advertising') })
    send({ type: 'track', event: 'No', context: denied('Advertising') })
    send({ type: 'identify', traits: { email: 'ada@example.com' }, context: denied('Advertising') })
    // Taken back before HubSpot's script has run: doNotTrack goes ahead of the view it records when it runs,
    // so nothing at all leaves the page, that view included.
    expect(await reachedHubSpot()).toEqual([['doNotTrack'], VIEW, event('pe62515_yes')])
    expect((window as unknown as { __hubspot: { beacons: string[] } }).__hubspot.beacons).toEqual([])
    expect(scriptSources()).toEqual([TRACKING_SRC])
  })

  it('without consentCategories the script loads at once and events need no consent', async () => {
    const { send } = loadedPlugin()
    expect(scriptSources()).toEqual([TRACKING_SRC])
    send({ type: 'track', event: 'Signed Up', context: denied('Advertising') })
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_signed_up')])
  })
})

describe('consent taken back reaches HubSpot (issue 11, "Consent both ways")', () => {
  const beacons = (): string[] => (window as unknown as { __hubspot?: { beacons: string[] } }).__hubspot?.beacons ?? []
  const doNotTrackCookie = (): boolean => /(^|;)\s*__hs_do_not_track=yes/.test(document.cookie)

  afterEach(() => {
    document.cookie = '__hs_do_not_track=; expires=Thu, 01 Jan 1970 00:00:01 GMT; path=/'
  })

  it("withdrawn: HubSpot's tracker gets doNotTrack (its cookie stops every beacon, its own included) and its cookie banner revokeCookieConsent", async () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'track', event: 'Yes', context: granted('Advertising') })
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_yes')])
    const before = beacons().length
    send({ type: 'track', event: 'No', context: denied('Advertising') })
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_yes'), ['doNotTrack']])
    expect(win._hsp).toEqual([['revokeCookieConsent']])
    expect(doNotTrackCookie()).toBe(true)
    // What HubSpot's own code tracks from now on (a view pushed by the page) sends nothing either.
    ;(win._hsq as unknown[]).push(['trackPageView'])
    expect(beacons()).toHaveLength(before)
  })

  it('granted again: doNotTrack with { track: true } goes before the event, which HubSpot then receives', async () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'track', event: 'Yes', context: granted('Advertising') })
    await reachedHubSpot()
    send({ type: 'track', event: 'No', context: denied('Advertising') })
    send({ type: 'track', event: 'No again', context: denied('Advertising') })
    send({ type: 'track', event: 'Back', context: granted('Advertising') })
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_yes'), ['doNotTrack'], ['doNotTrack', { track: true }], event('pe62515_back')])
    expect(doNotTrackCookie()).toBe(false)
    expect(beacons().at(-1)).toMatch(/__ptbe\.gif\?n=pe62515_back&/)
    // One request to HubSpot's cookie banner for the one withdrawal.
    expect(win._hsp).toEqual([['revokeCookieConsent']])
  })

  it('taken back on one page, given on a later one: HubSpot tracks again from that page on', async () => {
    const first = loadedPlugin({ consentCategories: ADVERTISING })
    first.send({ type: 'track', event: 'Yes', context: granted('Advertising') })
    await reachedHubSpot()
    first.send({ type: 'track', event: 'No', context: denied('Advertising') })
    await reachedHubSpot()
    expect(doNotTrackCookie()).toBe(true)
    // The next page: a new document, with the visitor's cookies and storage.
    for (const script of Array.from(document.getElementsByTagName('script'))) script.remove()
    for (const name of ['_hsq', '_hsp', '__hubspot', '_hstc_ran']) delete (window as unknown as Record<string, unknown>)[name]
    forgetDestinations()
    const next = loadedPlugin({ consentCategories: ADVERTISING })
    next.send({ type: 'track', event: 'Again', context: granted('Advertising') })
    // The lift goes ahead of HubSpot's automatic view, which is then sent, and so is the event.
    expect(await reachedHubSpot()).toEqual([['doNotTrack', { track: true }], VIEW, event('pe62515_again')])
    expect(doNotTrackCookie()).toBe(false)
    expect(beacons().map((url) => /__pt(q|be)\.gif/.exec(url)![0])).toEqual(['__ptq.gif', '__ptbe.gif'])
  })

  it('a denial before HubSpot\'s script was ever added is no withdrawal: nothing of HubSpot\'s is on the page to stop', async () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'track', event: 'No', context: denied('Advertising') })
    expect(win._hsp).toBeUndefined()
    expect(held()).toEqual([expect.any(Function)])
  })

  it('an event without consent data withdraws nothing', async () => {
    const { send } = loadedPlugin({ consentCategories: ADVERTISING })
    send({ type: 'track', event: 'Yes', context: granted('Advertising') })
    send({ type: 'track', event: 'Unknown' })
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_yes')])
    expect(win._hsp).toBeUndefined()
  })

  it('the classic integration: a withdrawal on its swallowed first page call counts too', async () => {
    const integration = new HubSpot({ portalId: '62515', consentCategories: ADVERTISING }) as unknown as Classic
    integration.initialize()
    integration.track(facade({ event: 'Yes', context: granted('Advertising') }))
    await reachedHubSpot()
    integration.page(facade({ context: denied('Advertising') }))
    expect(await reachedHubSpot()).toEqual([['setPath', '/'], VIEW, event('pe62515_yes'), ['doNotTrack']])
  })
})

describe("log-out clears HubSpot's chat widget", () => {
  afterEach(() => {
    delete (win as { HubSpotConversations?: unknown }).HubSpotConversations
  })

  it('analytics.reset() calls HubSpotConversations.clear({ resetWidget: true }) when the widget is on the page', () => {
    const clear = vi.fn()
    ;(win as { HubSpotConversations?: unknown }).HubSpotConversations = { clear }
    const { reset } = loadedPlugin()
    reset()
    expect(clear.mock.calls).toEqual([[{ resetWidget: true }]])
  })

  it('not with resetVisitorOnReset: false, and a widget whose clear throws costs only a debug message', () => {
    const clear = vi.fn(() => {
      throw new Error('widget gone')
    })
    ;(win as { HubSpotConversations?: unknown }).HubSpotConversations = { clear }
    loadedPlugin({ resetVisitorOnReset: false }).reset()
    expect(clear).not.toHaveBeenCalled()
    expect(() => loadedPlugin({ portalId: '7' }).reset()).not.toThrow()
    expect(clear).toHaveBeenCalledTimes(1)
    expect(debugMessages()).toContain('[hubspot-destination] could not reset the visitor in HubSpot: widget gone')
  })
})

describe('consentCategories, with the classic integration', () => {

  it('initialize() injects nothing; a granting track loads the script and is pushed', async () => {
    const integration = new HubSpot({ portalId: '62515', consentCategories: ADVERTISING }) as unknown as Classic
    integration.initialize()
    expect(scriptSources()).toEqual([])
    integration.track(facade({ event: 'Denied', context: denied('Advertising') }))
    expect(scriptSources()).toEqual([])
    integration.track(facade({ event: 'Signed Up', context: granted('Advertising') }))
    expect(scriptSources()).toEqual([TRACKING_SRC])
    // The landing path (the classic never sees the first page call), HubSpot's own view, then the event.
    expect(await reachedHubSpot()).toEqual([['setPath', '/'], VIEW, event('pe62515_signed_up')])
  })
})

// ---------------------------------------------------------------------------------------------
// With the real analytics-next

/** analytics-next with the given destinations only: settings given inline, so no request to Segment's CDN. */
async function analyticsWith(setup: { plugins?: Plugin[]; classic?: Record<string, unknown> }): Promise<Analytics> {
  const [analytics] = await AnalyticsBrowser.load({
    writeKey: 'test',
    cdnSettings: { integrations: setup.classic ? { HubSpot: setup.classic } : {} } as never,
    plugins: setup.plugins ?? [],
    classicIntegrations: setup.classic ? [HubSpot as never] : [],
  })
  return analytics
}

/** Waits for a condition that analytics-next makes true asynchronously. */
async function until(condition: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('privacy with the real analytics-next', () => {
  it('consent from the call options: denied is dropped, granted loads the script and is pushed', async () => {
    const analytics = await analyticsWith({ plugins: [hubspot({ portalId: '62515', consentCategories: ADVERTISING })] })
    expect(scriptSources()).toEqual([])

    const deniedCtx = await analytics.track('Denied', {}, { context: { consent: { categoryPreferences: { Advertising: false } } } })
    // analytics-next moves `options.context` into the event's context.
    expect(deniedCtx.event.context?.consent).toEqual({ categoryPreferences: { Advertising: false } })
    expect(scriptSources()).toEqual([])
    expect(debugMessages().some((message) => /consent/i.test(message))).toBe(true)

    await analytics.track('x', {}, { context: { consent: { categoryPreferences: { Advertising: true } } } })
    expect(scriptSources()).toEqual([TRACKING_SRC])
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_x')])
  })

  it('consent taken back in a later call: HubSpot gets doNotTrack, its banner revokeCookieConsent; given again, tracking resumes', async () => {
    const analytics = await analyticsWith({ plugins: [hubspot({ portalId: '62515', consentCategories: ADVERTISING })] })
    const consent = (granted: boolean) => ({ context: { consent: { categoryPreferences: { Advertising: granted } } } })
    await analytics.track('Yes', {}, consent(true))
    await reachedHubSpot()
    await analytics.track('No', {}, consent(false))
    await analytics.track('Back', {}, consent(true))
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_yes'), ['doNotTrack'], ['doNotTrack', { track: true }], event('pe62515_back')])
    expect(win._hsp).toEqual([['revokeCookieConsent']])
  })

  it('consent given as an unknown call option lands in context too', async () => {
    const analytics = await analyticsWith({ plugins: [hubspot({ portalId: '62515', consentCategories: ADVERTISING })] })
    await analytics.track('x', {}, { consent: { categoryPreferences: { Advertising: true } } } as never)
    expect(await reachedHubSpot()).toEqual([VIEW, event('pe62515_x')])
  })

  it('a granting first page loads the script and pushes no trackPageView', async () => {
    const analytics = await analyticsWith({ plugins: [hubspot({ portalId: '62515', consentCategories: ADVERTISING })] })
    await analytics.page({}, { context: { consent: { categoryPreferences: { Advertising: true } } } })
    expect(scriptSources()).toEqual([TRACKING_SRC])
    expect(held()).toEqual([expect.any(Function), ['setPath', '/']])
    expect(await reachedHubSpot()).toEqual([['setPath', '/'], VIEW])
  })

  it('the classic integration: a granting track loads the script', async () => {
    const analytics = await analyticsWith({ classic: { portalId: '62515', consentCategories: ADVERTISING } })
    await analytics.page() // initialises the classic integration (it assumes a page view)
    await until(() => Array.isArray(win._hsq), 'the classic integration to initialise')
    expect(scriptSources()).toEqual([])
    await analytics.track('x', {}, { context: { consent: { categoryPreferences: { Advertising: true } } } })
    await until(() => scriptSources().length > 0, 'the track to reach the integration')
    expect(scriptSources()).toEqual([TRACKING_SRC])
    expect(await reachedHubSpot()).toEqual([['setPath', '/'], VIEW, event('pe62515_x')])
  })

  it("the classic integration: a consenting visitor whose only call is the first page (which analytics.js-integration swallows) gets HubSpot's script", async () => {
    const analytics = await analyticsWith({ classic: { portalId: '62515', consentCategories: ADVERTISING } })
    await analytics.page({}, { context: { consent: { categoryPreferences: { Advertising: true } } } })
    await until(() => scriptSources().includes(TRACKING_SRC), "HubSpot's script after the consenting first page")
    // HubSpot's own view of that page is the only one: the page call itself sends nothing.
    expect(await reachedHubSpot()).toEqual([['setPath', '/'], VIEW])
  })

  it('the classic integration: a first page that denies consent loads nothing', async () => {
    const analytics = await analyticsWith({ classic: { portalId: '62515', consentCategories: ADVERTISING } })
    await analytics.page({}, { context: { consent: { categoryPreferences: { Advertising: false } } } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(scriptSources()).toEqual([])
  })

  it('revokeCookiesOnReset, plugin: analytics.reset() pushes exactly ["revokeCookieConsent"] onto window._hsp', async () => {
    const analytics = await analyticsWith({ plugins: [hubspot({ portalId: '62515', revokeCookiesOnReset: true })] })
    await analytics.identify('user-1', { email: 'ada@example.com' })
    expect(win._hsp).toBeUndefined()
    analytics.reset()
    expect(win._hsp).toEqual([['revokeCookieConsent']])
  })

  it('revokeCookiesOnReset, plugin: a page that already has HubSpot’s _hsp queue keeps its entries', async () => {
    const own = ['addPrivacyConsentListener', () => undefined]
    win._hsp = [own]
    const analytics = await analyticsWith({ plugins: [hubspot({ portalId: '62515', revokeCookiesOnReset: true })] })
    analytics.reset()
    expect(win._hsp).toEqual([own, ['revokeCookieConsent']])
  })

  it('without revokeCookiesOnReset, plugin: analytics.reset() leaves _hsp alone', async () => {
    const analytics = await analyticsWith({ plugins: [hubspot({ portalId: '62515' })] })
    analytics.reset()
    expect(win._hsp).toBeUndefined()
  })

  it('revokeCookiesOnReset, classic: analytics.reset() pushes exactly ["revokeCookieConsent"] onto window._hsp', async () => {
    const analytics = await analyticsWith({ classic: { portalId: '62515', revokeCookiesOnReset: true } })
    await analytics.page()
    await until(() => scriptSources().includes(TRACKING_SRC), 'the classic integration to initialise')
    expect(win._hsp).toBeUndefined()
    analytics.reset()
    expect(win._hsp).toEqual([['revokeCookieConsent']])
  })

  it('without revokeCookiesOnReset, classic: analytics.reset() leaves _hsp alone', async () => {
    const analytics = await analyticsWith({ classic: { portalId: '62515' } })
    await analytics.page()
    await until(() => scriptSources().includes(TRACKING_SRC), 'the classic integration to initialise')
    analytics.reset()
    expect(win._hsp).toBeUndefined()
  })
})

describe('revokeCookiesOnReset without analytics-next', () => {
  it('while nothing reads _hsp, one withdrawal waits there however often the visitor logs out (issue 9: bounded)', () => {
    const { reset } = loadedPlugin({ revokeCookiesOnReset: true })
    for (let n = 0; n < 1000; n++) reset()
    expect(win._hsp).toEqual([['revokeCookieConsent']])
  })

  it("once HubSpot's cookie banner reads _hsp, each reset reaches it", () => {
    const received: unknown[] = []
    win._hsp = { push: (command: unknown) => received.push(command) }
    const { reset } = loadedPlugin({ revokeCookiesOnReset: true })
    reset()
    reset()
    expect(received).toEqual([['revokeCookieConsent'], ['revokeCookieConsent']])
  })
})
