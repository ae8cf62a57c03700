/**
 * Issue 11, "The visitor token" (`attachUserToken`): every Segment event that leaves the page carries
 * HubSpot's visitor token as `context.hubspot.utk`, read from the `hubspotutk` cookie and from HubSpot's
 * tracker (`addUserTokenListener`) once it has one; events before it go without; never without consent.
 * With the real analytics-next: a recording destination sees what every destination (and Segment) gets.
 */
import { AnalyticsBrowser, type Analytics, type Plugin } from '@segment/analytics-next'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MiddlewareInput } from '../../src/browser/features'
import { hubspot } from '../../src/browser/full'
import type { BrowserWindow } from '../../src/browser/loader'
import { parseSettings, type HubSpotOptions } from '../../src/core/settings'
import { attachUserToken } from '../../src/browser/user-token'
import { recorder, resetPage, runStandIn } from './helpers'

const TOKEN = '0123456789abcdef0123456789abcdef'

async function analyticsWith(plugins: Plugin[]): Promise<Analytics> {
  const [analytics] = await AnalyticsBrowser.load(
    { writeKey: 'test', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'test' } } }, plugins },
    { integrations: { 'Segment.io': false } },
  )
  return analytics
}

async function recorded(options: Partial<HubSpotOptions>) {
  const recording = recorder()
  const analytics = await analyticsWith([hubspot({ portalId: '62515', attachUserToken: true, ...options }), recording])
  const tokens = () => recording.events.map((event) => (event.context as { hubspot?: { utk?: string } } | undefined)?.hubspot?.utk)
  return { analytics, recording, tokens }
}

beforeEach(() => {
  resetPage()
  vi.spyOn(console, 'debug').mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
  resetPage()
})

describe('attachUserToken', () => {
  it("a returning visitor's token (the hubspotutk cookie) is on every event from the first", async () => {
    document.cookie = `hubspotutk=${TOKEN}; path=/`
    const { analytics, tokens } = await recorded({})
    await analytics.page()
    await analytics.track('Signed Up')
    await analytics.identify('u1', { email: 'ada@example.com' })
    expect(tokens()).toEqual([TOKEN, TOKEN, TOKEN])
  })

  it("a new visitor: events before HubSpot's tracker has a token go without (none waits), later ones carry the tracker's", async () => {
    const { analytics, tokens } = await recorded({})
    await analytics.track('Before')
    const standIn = runStandIn()
    await new Promise((resolve) => setTimeout(resolve, 0))
    await analytics.track('After')
    const visitor = /[?&]vi=([0-9a-f]{32})/.exec(standIn.beacons[0]!)![1]
    expect(tokens()).toEqual([undefined, visitor])
  })

  it("the caller's context object is left as it was; other context.hubspot fields are kept", async () => {
    document.cookie = `hubspotutk=${TOKEN}; path=/`
    const { analytics, recording } = await recorded({})
    const context = { hubspot: { source: 'app' }, campaign: { name: 'spring', source: 'mail', medium: 'email' } }
    const hubspotContext = context.hubspot
    await analytics.track('Signed Up', {}, { context })
    // analytics-next adds its own fields to the context it is given; the token never goes into the caller's objects.
    expect(context.hubspot).toBe(hubspotContext)
    expect(hubspotContext).toEqual({ source: 'app' })
    expect(recording.events[0]!.context).toMatchObject({ hubspot: { source: 'app', utk: TOKEN }, campaign: { name: 'spring' } })
  })

  it('without the consent categories granted, the token is neither read nor sent', async () => {
    document.cookie = `hubspotutk=${TOKEN}; path=/`
    const { analytics, tokens } = await recorded({ consentCategories: ['Advertising'] })
    await analytics.track('No consent', {}, { context: { consent: { categoryPreferences: { Advertising: false } } } })
    await analytics.track('Consent', {}, { context: { consent: { categoryPreferences: { Advertising: true } } } })
    // The granting event itself is what loads HubSpot's script: the token comes with the next one.
    await analytics.track('Later', {}, { context: { consent: { categoryPreferences: { Advertising: true } } } })
    await analytics.track('Taken back', {}, { context: { consent: { categoryPreferences: { Advertising: false } } } })
    await analytics.track('After', {}, { context: { consent: { categoryPreferences: { Advertising: false } } } })
    // The event that takes consent back goes without it too.
    expect(tokens()).toEqual([undefined, undefined, TOKEN, undefined, undefined])
  })

  it('the middleware does not read the cookie at all while consent is not granted', () => {
    let reads = 0
    const doc = { get cookie() { reads++; return `hubspotutk=${TOKEN}` } } as unknown as Document
    let middleware: ((input: MiddlewareInput) => void) | undefined
    let consented = false
    attachUserToken({
      win: { document: doc } as BrowserWindow,
      settings: parseSettings({ portalId: '1', attachUserToken: true }),
      analytics: { addSourceMiddleware: (fn) => (middleware = fn) },
      push: () => {},
      consented: () => consented,
      log: { debug() {}, warn() {}, error() {} },
    })
    const run = () => {
      const payload = { obj: { type: 'track', context: {} } as Record<string, unknown> }
      middleware!({ payload, next: () => {} })
      return (payload.obj.context as { hubspot?: { utk?: string } }).hubspot?.utk
    }
    expect([run(), reads]).toEqual([undefined, 0])
    consented = true
    expect([run(), reads]).toEqual([TOKEN, 1])
    // Known now: not read again.
    expect([run(), reads]).toEqual([TOKEN, 1])
  })

  it('after analytics.deregister(), events carry no token', async () => {
    document.cookie = `hubspotutk=${TOKEN}; path=/`
    const { analytics, tokens } = await recorded({})
    await analytics.track('On')
    await analytics.deregister('HubSpot')
    await analytics.track('Off')
    expect(tokens()).toEqual([TOKEN, undefined])
  })

  it('a cookie that is not a HubSpot token (32 hex digits) is not sent', async () => {
    document.cookie = 'hubspotutk=<script>; path=/'
    const { analytics, tokens } = await recorded({})
    await analytics.track('Signed Up')
    expect(tokens()).toEqual([undefined])
  })

  it('off by default: no context.hubspot', async () => {
    document.cookie = `hubspotutk=${TOKEN}; path=/`
    const { analytics, tokens } = await recorded({ attachUserToken: false })
    await analytics.track('Signed Up')
    expect(tokens()).toEqual([undefined])
  })
})
