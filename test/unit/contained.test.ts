// Issue 9, "contained failures" and "the page's own mistakes": whatever a setting, an event or the page
// does, the destination neither throws at the page nor stalls, and says what it left out. Each case
// failed before the fix.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HubSpot } from '../../src/browser/classic'
import { toCommands } from '../../src/browser/commands'
import { createDestination } from '../../src/browser/destination'
import { loadFormsSdk } from '../../src/browser/forms'
import { reason } from '../../src/core/log'
import { toHubSpotDate } from '../../src/core/normalize'
import { hubspot } from '../../src/browser/plugin'
import { HubSpotSettingsError, parseSettings, type HubSpotOptions } from '../../src/core/settings'
import { PORTAL_ID, boom, page, reachedHubSpot, resetPage, revokedProxy as revoked, scripts, settingsWith } from './helpers'

let warn: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  resetPage()
  vi.spyOn(console, 'debug').mockImplementation(() => {})
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
  for (const id of ['_hsq', 'hs-script-loader']) document.getElementById(id)?.remove()
  resetPage()
})

const settingsError = (options: unknown): HubSpotSettingsError => {
  try {
    parseSettings(options)
  } catch (error) {
    return error as HubSpotSettingsError
  }
  throw new Error('no error')
}
const warnings = (): string[] => warn.mock.calls.map((call: unknown[]) => String(call[0]))

describe('bad settings are settings errors, never a TypeError', () => {
  it.each([
    ['a revoked Proxy as events', { events: revoked() }, 'events'],
    ['a revoked Proxy as consentCategories', { consentCategories: revoked() }, 'consentCategories'],
    ['a sparse events list', { events: [, { key: 'Signed Up', value: 'pe1_x' }] }, 'events'],
    ['an events entry whose key getter throws', { events: [{ get key() { return boom() }, value: 'x' }] }, 'events'],
    ['a boolean setting whose getter throws', Object.defineProperty({}, 'loadFormsSdk', { get: boom, enumerable: false }), 'loadFormsSdk'],
    ['a consentCategories list whose items throw', { consentCategories: new Proxy(['Ads'], { get: (t, k) => (k === '0' ? boom() : Reflect.get(t, k)) }) }, 'consentCategories'],
  ])('%s', (_label, extra, setting) => {
    // The hostile part goes onto the options as it is (a spread would read its getters here).
    const error = settingsError(Object.defineProperties({ portalId: PORTAL_ID }, Object.getOwnPropertyDescriptors(extra)))
    expect(error).toBeInstanceOf(HubSpotSettingsError)
    expect(error.setting).toBe(setting)
  })

  it('a Hub ID is at most 16 digits and a safe integer: a 100,000-digit portalId is refused, quickly', () => {
    const started = performance.now()
    expect(settingsError({ portalId: '9'.repeat(100_000) }).setting).toBe('portalId')
    expect(performance.now() - started).toBeLessThan(100)
    expect(settingsError({ portalId: '9007199254740993' }).setting).toBe('portalId')
    expect(parseSettings({ portalId: '9007199254740991' }).portalId).toBe('9007199254740991')
  })
})

describe('errors are reported, whatever was thrown', () => {
  it('reason() never throws, even for Object.create(null) or a revoked Proxy', () => {
    expect(reason(new Error('x'))).toBe('x')
    expect(reason(Object.create(null))).toBe('[object Object]')
    expect(reason(revoked())).toBe('an unreadable error')
  })

  it('analytics.reset() does not throw when the privacy queue throws Object.create(null)', () => {
    page()._hsp = { push: () => { throw Object.create(null) } }
    const destination = createDestination(window, settingsWith({ revokeCookiesOnReset: true }), { pageSeen: false })
    destination.load()
    expect(() => destination.reset()).not.toThrow()
  })
})

describe('events that cannot be read whole lose the part, not the event', () => {
  it('an array whose length getter throws is dropped; the rest of the event is sent', () => {
    const tags = new Proxy(['a'], { get: (target, key) => (key === 'length' ? boom() : Reflect.get(target, key)) })
    const mapping = toCommands({ type: 'track', event: 'Tagged', properties: { tags, plan: 'pro' } }, settingsWith(), { pageSeen: true })
    expect(mapping.commands).toEqual([['trackCustomBehavioralEvent', { name: 'pe62515_tagged', properties: { plan: 'pro' } }]])
  })

  it("year 0 is a leap year in ISO 8601: '0000-02-29' is 29 February, not 1 March", () => {
    expect(toHubSpotDate('0000-02-29')).toBe(Date.parse('0000-02-29T00:00:00.000Z'))
    expect(toHubSpotDate('0099-12-31T23:59:59Z')).toBe(Date.parse('0099-12-31T23:59:59.000Z'))
    expect(toHubSpotDate('0100-02-29')).toBeUndefined()
  })
})

describe('a polluted Object.prototype reaches nothing', () => {
  const polluted = Object.prototype as unknown as Record<string, unknown>
  afterEach(() => {
    delete polluted.polluted
    delete polluted.Advertising
    delete polluted.properties
  })

  it('inherited keys are not copied into payloads, and do not grant consent', () => {
    polluted.polluted = 'x'
    polluted.Advertising = true
    polluted.properties = { injected: true }
    const settings = settingsWith({ consentCategories: ['Advertising'] })
    const granted = { consent: { categoryPreferences: { Advertising: true } } }
    expect(toCommands({ type: 'identify', traits: { email: 'a@example.com' }, context: granted }, settings, { pageSeen: true }).commands).toEqual([
      ['identify', { email: 'a@example.com' }],
    ])
    expect(toCommands({ type: 'track', event: 'Signed Up', context: granted }, settings, { pageSeen: true }).commands).toEqual([
      ['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: {} }],
    ])
    // Consent that is only inherited is no consent.
    expect(toCommands({ type: 'track', event: 'Signed Up', context: { consent: { categoryPreferences: {} } } }, settings, { pageSeen: true }).skipped).toMatch(/consent/)
  })
})

describe("the page's own mistakes", () => {
  it('an element with the id _hsq (DOM clobbering): a queue is set over it, with one warning naming the cause, and HubSpot gets the calls', async () => {
    const clobber = document.createElement('div')
    clobber.id = '_hsq'
    document.body.append(clobber)
    // What a browser does with an element's id (jsdom does not): window._hsq is the element.
    Object.defineProperty(window, '_hsq', { configurable: true, writable: true, value: clobber })
    const plugin = hubspot({ portalId: PORTAL_ID })
    await plugin.load({} as never, undefined as never)
    plugin.track!({ event: { type: 'track', event: 'Signed Up' } } as never)
    expect(warnings().filter((message) => message.includes('"_hsq"'))).toHaveLength(1)
    expect(await reachedHubSpot()).toEqual([['trackPageView'], ['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: {} }]])
  })

  it('an element named _hsp: the log-out still reaches a real queue set over it, with one warning naming the cause', () => {
    const clobber = document.createElement('div')
    Object.defineProperty(window, '_hsp', { configurable: true, writable: true, value: clobber })
    const destination = createDestination(window, settingsWith({ revokeCookiesOnReset: true }), { pageSeen: false })
    destination.load()
    destination.reset()
    expect(page()._hsp).toEqual([['revokeCookieConsent']])
    expect(warnings().filter((message) => message.includes('"_hsp"'))).toHaveLength(1)
  })

  it("an element with the id hs-script-loader that is not HubSpot's script: HubSpot's is added anyway, with a warning", async () => {
    const clobber = document.createElement('div')
    clobber.id = 'hs-script-loader'
    document.body.append(clobber)
    await hubspot({ portalId: PORTAL_ID }).load({} as never, undefined as never)
    expect(scripts().filter((script) => script.src.includes('hs-scripts.com'))).toEqual([
      { id: '', async: true, src: `https://js.hs-scripts.com/${PORTAL_ID}.js` },
    ])
    expect(warnings().some((message) => message.includes('"hs-script-loader" is not HubSpot\'s script'))).toBe(true)
  })

  it("a page that wraps _hsq.push before HubSpot's script runs: commands still wait (the cap holds), the wrapper sees only what HubSpot's first view needs", () => {
    const queue: unknown[] = []
    const seen: unknown[] = []
    Object.defineProperty(queue, 'push', { value: (...items: unknown[]) => (seen.push(...items), Array.prototype.push.apply(queue, items)), writable: true })
    page()._hsq = queue
    const destination = createDestination(window, settingsWith(), { pageSeen: false, maxHeldCommands: 10 })
    destination.load()
    destination.handle({ type: 'page', properties: { path: '/a' } })
    for (let n = 0; n < 100; n++) destination.handle({ type: 'track', event: `Event ${n}` })
    expect(seen).toEqual([expect.any(Function), ['setPath', '/a']])
    expect(warnings().filter((message) => /dropping the oldest/.test(message))).toHaveLength(1)
  })

  it('a window.hbspt whose getter throws: the Forms SDK wait still ends, with a warning, and nothing reaches the page', async () => {
    Object.defineProperty(window, 'hbspt', { configurable: true, get: boom })
    const told = vi.fn()
    await expect(loadFormsSdk(window, settingsWith(), told, 100)).resolves.toBeUndefined()
    expect(told.mock.calls[0]![0]).toMatch(/Forms SDK has not loaded after 0.1 s/)
    const integration = new HubSpot({ portalId: PORTAL_ID, loadFormsSdk: true }) as unknown as { loaded(): boolean }
    expect(integration.loaded()).toBe(false)
    delete (window as { hbspt?: unknown }).hbspt
  })

  it('an element with the id hbspt (DOM clobbering) is not the Forms SDK: the SDK is still loaded, and ready waits for it', async () => {
    const clobber = document.createElement('div')
    clobber.id = 'hbspt'
    Object.defineProperty(window, 'hbspt', { configurable: true, writable: true, value: clobber })
    const told = vi.fn()
    const ready = loadFormsSdk(window, settingsWith(), told, 2000)
    expect(scripts().map((script) => script.src)).toEqual(['https://js.hsforms.net/forms/v2.js'])
    // What HubSpot's Forms SDK does when it arrives: window.hbspt = window.hbspt || {}; hbspt.forms = { create }.
    ;(clobber as unknown as { forms: unknown }).forms = { create: () => undefined }
    await ready
    expect(told).not.toHaveBeenCalled()
    delete (window as { hbspt?: unknown }).hbspt
  })

  it("a page that holds many commands of its own in _hsq: each event costs the same, none of the page's entries is read", () => {
    let reads = 0
    const own = Array.from({ length: 100_000 }, (_, n) => ['setContentType', `t${n}`])
    page()._hsq = new Proxy(own, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++
        return Reflect.get(target, key, receiver)
      },
    })
    const destination = createDestination(window, settingsWith(), { pageSeen: false })
    destination.load()
    for (let n = 0; n < 2000; n++) destination.handle({ type: 'track', event: `Event ${n}` })
    expect(reads).toBe(0)
  })

  it('two hubspot() for the same Hub ID (or the plugin registered twice): one warning, and HubSpot gets each call once', async () => {
    const first = hubspot({ portalId: PORTAL_ID })
    const second = hubspot({ portalId: PORTAL_ID })
    for (const plugin of [first, second, first]) await plugin.load({} as never, undefined as never)
    // analytics-next hands the same context to each registration.
    const ctx = { event: { type: 'track', event: 'Signed Up' } }
    for (const plugin of [first, second, first]) plugin.track!(ctx as never)
    expect(warnings().filter((message) => message.includes('a second HubSpot destination for portal 62515'))).toHaveLength(1)
    expect(await reachedHubSpot()).toEqual([['trackPageView'], ['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: {} }]])
  })

  it('the same plugin registered twice with one analytics: one reset listener, so one resetVisitor per log-out', async () => {
    const listeners: Array<() => void> = []
    const analytics = { on: (name: string, listener: () => void) => name === 'reset' && listeners.push(listener) }
    const plugin = hubspot({ portalId: PORTAL_ID })
    await plugin.load({} as never, analytics as never)
    await plugin.load({} as never, analytics as never)
    expect(listeners).toHaveLength(1)
  })

  it('unloaded (analytics.deregister), a destination frees its Hub ID: a new hubspot() for it is not a second one', async () => {
    const first = hubspot({ portalId: PORTAL_ID })
    await first.load({} as never, undefined as never)
    await first.unload!({} as never, undefined as never)
    await hubspot({ portalId: PORTAL_ID }).load({} as never, undefined as never)
    expect(warnings().filter((message) => message.includes('a second HubSpot destination'))).toEqual([])
  })

  it('a _hsq.push that throws when the waiting commands go out from a timer: a warning, nothing reaches the page', async () => {
    const destination = createDestination(window, settingsWith(), { pageSeen: false })
    destination.load()
    destination.handle({ type: 'track', event: 'Waited' })
    const errors: unknown[] = []
    const onError = (event: ErrorEvent) => errors.push(event.error)
    window.addEventListener('error', onError)
    page()._hsq = Object.assign([], { push: boom })
    page()._hstc_ran = true
    window.dispatchEvent(new Event('load'))
    await new Promise((resolve) => setTimeout(resolve, 10))
    window.removeEventListener('error', onError)
    expect(errors).toEqual([])
    expect(warnings()).toContain("[hubspot-destination] could not hand the waiting commands to HubSpot's queue")
  })

  it("consent granted by a track (a consent manager's event): the next page call is the view the script records, not a second one", async () => {
    const settings = settingsWith({ consentCategories: ['Ads'] })
    const destination = createDestination(window, settings, { pageSeen: false })
    destination.load()
    const granted = { consent: { categoryPreferences: { Ads: true } } }
    destination.handle({ type: 'page', properties: { path: '/' } })
    destination.handle({ type: 'track', event: 'Consent Preference Updated', context: granted })
    destination.handle({ type: 'page', properties: { path: '/' }, context: granted })
    const sent = await reachedHubSpot()
    expect(sent.filter((command) => (command as string[])[0] === 'trackPageView')).toHaveLength(1)
  })

  it('the plugin beside the classic integration for the same Hub ID: the second to load stays off', async () => {
    await hubspot({ portalId: PORTAL_ID }).load({} as never, undefined as never)
    const classic = new HubSpot({ portalId: PORTAL_ID }) as unknown as { initialize(): void; track(facade: unknown): void }
    classic.initialize()
    expect(warnings().filter((message) => message.includes('a second HubSpot destination'))).toHaveLength(1)
  })

  it('a different Hub ID on the same page is its own destination', async () => {
    await hubspot({ portalId: PORTAL_ID }).load({} as never, undefined as never)
    await hubspot({ portalId: '999' } as HubSpotOptions).load({} as never, undefined as never)
    expect(warnings().filter((message) => message.includes('a second HubSpot destination'))).toEqual([])
  })
})
