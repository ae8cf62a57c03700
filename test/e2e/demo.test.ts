import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemo, type Demo } from '../../demo/server'
import { launchChromium, routeHubSpot } from '../support/browser'

const OUTPUT = fileURLToPath(new URL('../output/', import.meta.url))

interface Entry {
  call: string
  commands: unknown[]
  nothing: string | null
}

let demo: Demo
let browser: Browser
let page: Page
let hubSpotRequests: string[]
const external: string[] = []
/** The Date sent as lastSeen: analytics-next keeps the user's traits and sends them with later identify calls. */
let lastSeen: number | undefined
const pageErrors: string[] = []

async function entries(): Promise<Entry[]> {
  return page.$$eval('#log .entry:not(.divider)', (items) =>
    items.map((item) => ({
      call: item.querySelector('.call')?.textContent ?? '',
      commands: Array.from(item.querySelectorAll<HTMLElement>('.command')).map((c) => JSON.parse(c.dataset.command ?? 'null') as unknown),
      nothing: item.querySelector('.nothing')?.textContent ?? null,
    })),
  )
}

/** Clicks a call button and returns the log entry it added (the newest). */
async function send(button: string): Promise<Entry> {
  const before = await page.locator('#log .entry').count()
  await page.click(button)
  await page.waitForFunction((count) => document.querySelectorAll('#log .entry').length > count, before)
  return (await entries())[0]!
}

async function ready(): Promise<void> {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 })
}

/** Ticks or unticks a setting, applies it and waits for the reloaded page. */
async function applySettings(change: (form: Page) => Promise<void>): Promise<void> {
  await change(page)
  await Promise.all([page.waitForNavigation(), page.click('#apply-settings')])
  await ready()
}

const IDENTIFY = {
  email: 'ada@example.com',
  id: 'user-42',
  firstname: 'Ada',
  lastname: 'Lovelace',
  favorite_color: 'green',
  plan_tier: 'enterprise',
  createdat: Date.UTC(2024, 2, 1, 12, 30),
  trialends: Date.UTC(2024, 3, 1),
  company: 'Analytical Engines',
  company_employees: 120,
  address: "12 St James's Square",
  city: 'London',
  zip: 'SW1Y 4JH',
  country: 'UK',
  interests: 'analytics;engines',
  ispaying: true,
  nickname: 'Ada',
}

const TRACK_PROPERTIES = {
  plan_name: 'Enterprise',
  previous_plan: 'pro',
  billing_cycle: 'annual',
  renewson: Date.UTC(2025, 2, 1),
}

/** The demo's track call as a custom behavioral event (the default). */
const CUSTOM_EVENT = { name: 'pe62515_plan_upgraded', properties: { ...TRACK_PROPERTIES, id: 'order-1001', revenue: 499 } }

beforeAll(async () => {
  demo = await startDemo({ port: 0 })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, reducedMotion: 'reduce' })
  page.on('request', (request) => {
    if (!request.url().startsWith(`${demo.url}/`)) external.push(request.url())
  })
  page.on('pageerror', (error) => pageErrors.push(error.message))
  hubSpotRequests = (await routeHubSpot(page)).scripts
  await page.goto(demo.url)
  await ready()
})

afterAll(async () => {
  await browser?.close()
  await demo?.close()
})

describe('demo page', () => {
  it("loads analytics-next with the plugin; the first page call sends nothing, since HubSpot's script already recorded that view", async () => {
    await expect(page.textContent('#status-analytics')).resolves.toMatch(/^analytics-next \d+\.\d+\.\d+: loaded with hubspot\(\)$/)
    await expect(page.textContent('#status-hubspot')).resolves.toBe('HubSpot script (stand-in): loaded, _hsq taken over')
    expect(await entries()).toEqual([
      {
        call: 'analytics.page()  // on load, as the snippet does',
        commands: [],
        nothing: "nothing sent: HubSpot's script already recorded the view of /",
      },
    ])
  })

  it('shows a later page call as setPath and trackPageView', async () => {
    expect(await send('#send-page')).toEqual({
      call: 'analytics.page("Pricing", {\n  "path": "/pricing",\n  "search": "?plan=pro"\n})',
      commands: [['setPath', '/pricing?plan=pro'], ['trackPageView']],
      nothing: null,
    })
  })

  it('shows identify with the traits normalised', async () => {
    await page.uncheck('#identify-form input[name=withDate]')
    const entry = await send('#send-identify')
    expect(entry.commands).toEqual([['identify', IDENTIFY]])
    expect(entry.call).toContain('"Favorite Color": "green"')
  })

  it('turns a Date object into Unix milliseconds', async () => {
    await page.check('#identify-form input[name=withDate]')
    const entry = await send('#send-identify')
    const sent = /new Date\("([^"]+)"\)/.exec(entry.call)?.[1]
    expect(sent).toBeDefined()
    lastSeen = Date.parse(sent!)
    expect(entry.commands).toEqual([['identify', { ...IDENTIFY, lastseen: lastSeen }]])
  })

  it('shows track as a custom behavioral event by default', async () => {
    expect((await send('#send-track')).commands).toEqual([['trackCustomBehavioralEvent', CUSTOM_EVENT]])
  })

  it('identifies first when the track call carries context.traits.email', async () => {
    await page.check('#track-form input[name=withContactEmail]')
    expect((await send('#send-track')).commands).toEqual([
      // analytics-next adds the identified user's id to the event.
      ['identify', { email: 'ada@example.com', id: 'user-42', firstname: 'Ada' }],
      ['trackCustomBehavioralEvent', CUSTOM_EVENT],
    ])
    await page.uncheck('#track-form input[name=withContactEmail]')
  })

  it('shows group as nothing sent, with the reason', async () => {
    expect(await send('#send-group')).toEqual({
      call: 'analytics.group("acme", {\n  "name": "Acme Inc"\n})',
      commands: [],
      nothing: "nothing sent: group needs HubSpot's server-side Companies API",
    })
  })

  it.each([
    ['#submit-legacy-form', 'demo-legacy-form'],
    ['#submit-new-form', 'demo-new-form'],
  ])('a HubSpot form submitted with %s shows the Segment calls it made, and nothing sent back to HubSpot', async (button, formId) => {
    const before = await page.locator('#log .entry:not(.divider)').count()
    await page.click(button)
    await page.waitForFunction((count) => document.querySelectorAll('#log .entry:not(.divider)').length >= count + 2, before)
    const nothing = 'nothing sent: HubSpot already has the submission (integrations: { HubSpot: false, …})'
    const [identify, track] = (await entries()).slice(0, 2).reverse()
    // analytics-next merges the traits it keeps for the user into every identify: the form gave the email.
    expect(identify).toEqual({ call: expect.stringMatching(/^HubSpot form → analytics\.identify\(\{\n {2}"email": "grace@example\.com",?\n/), commands: [], nothing })
    expect(track).toEqual({ call: `HubSpot form → analytics.track("Form Submitted", {\n  "form_id": "${formId}",\n  "company": "Navy"\n})`, commands: [], nothing })
    expect(JSON.stringify(await entries())).not.toContain('hunter2')
  })

  it('logs exactly what reached HubSpot: the stand-in received the same commands, newest last', async () => {
    const logged = (await entries()).reverse().flatMap((entry) => entry.commands)
    const received = await page.evaluate(() => (window as unknown as { __hubspot: { commands: unknown[] } }).__hubspot.commands)
    // The stand-in's own setup and its automatic view come first, as HubSpot's tracker runs them.
    expect(received.slice(0, 3)).toEqual([['setTrackingDomain', 'track.hubspot.com'], ['setPortalId', 62515], ['trackPageView']])
    expect(received.slice(3)).toEqual(logged)
    // Each view and event went out as a beacon, to the demo's own server.
    const beacons = await page.evaluate(() => (window as unknown as { __hubspot: { beacons: string[] } }).__hubspot.beacons)
    expect(beacons.length).toBeGreaterThan(3)
    expect(beacons.every((url) => url.startsWith(`${demo.url}/stand-in/track/`))).toBe(true)
  })

  it('keeps HubSpot on the page once, from the local stand-in, and nothing leaves the machine', async () => {
    const scripts = (await page.$$eval('script', (list) => list.map((s) => (s as HTMLScriptElement).src).filter((src) => src.includes('stand-in')))).sort()
    expect(scripts).toEqual([`${demo.url}/stand-in/form-events.js`, `${demo.url}/stand-in/62515.js`].sort())
    expect(hubSpotRequests).toEqual([])
    expect(external).toEqual([])
    expect(pageErrors).toEqual([])
  })

  it('reloads the destination with legacy trackEvent, and track takes that shape', async () => {
    await applySettings((p) => p.uncheck('#settings-form input[name=useCustomBehavioralEvents]'))
    expect(new URL(page.url()).searchParams.get('useCustomBehavioralEvents')).toBe('0')
    await expect(page.isChecked('#settings-form input[name=useCustomBehavioralEvents]')).resolves.toBe(false)
    await expect(page.textContent('#track-mode')).resolves.toBe('→ trackEvent (legacy: HubSpot says it no longer works)')
    // The log survives the reload: a divider, then the new page's own first page call.
    await expect(page.textContent('#log .entry.divider')).resolves.toMatch(/^destination reloaded: portal 62515/)
    expect((await entries())[0]!.nothing).toMatch(/^nothing sent: HubSpot's script already recorded the view of \/\?portalId=62515&/)
    expect((await send('#send-track')).commands).toEqual([
      ['trackEvent', { id: 'Plan Upgraded', value: 499, ...TRACK_PROPERTIES, _id: 'order-1001' }],
    ])
    await applySettings((p) => p.check('#settings-form input[name=useCustomBehavioralEvents]'))
  })

  it('uses a new portal id, a mapped event and flush identify after the next reload', async () => {
    await applySettings(async (p) => {
      await p.fill('#settings-form input[name=portalId]', '123456')
      await p.fill('#settings-form textarea[name=events]', 'plan_upgraded = pe123456_upgrade')
      await p.check('#settings-form input[name=flushIdentifyImmediately]')
    })
    await expect(page.textContent('#script-urls')).resolves.toBe(
      'The destination would load https://js.hs-scripts.com/123456.js; this page serves stand-ins instead.',
    )
    expect((await send('#send-track')).commands).toEqual([
      ['trackCustomBehavioralEvent', expect.objectContaining({ name: 'pe123456_upgrade' })],
    ])
    await page.uncheck('#identify-form input[name=withDate]')
    // lastSeen was not sent this time: analytics-next remembered it from the earlier identify.
    expect((await send('#send-identify')).commands).toEqual([['identify', { ...IDENTIFY, lastseen: lastSeen }], ['trackPageView']])
  })

  it('forgets the user on analytics.reset(), in HubSpot too, so identify sends only the traits given', async () => {
    expect(await send('#send-reset')).toEqual({ call: 'analytics.reset()', commands: [['resetVisitor']], nothing: null })
    await page.uncheck('#identify-form input[name=withDate]')
    expect((await send('#send-identify')).commands).toEqual([['identify', IDENTIFY], ['trackPageView']])
  })

  it('refuses a portal id that is not digits, naming the setting, and stays on the page', async () => {
    const url = page.url()
    await page.fill('#settings-form input[name=portalId]', '62515; alert(1)')
    await page.click('#apply-settings')
    await expect(page.textContent('#settings-form [data-error]')).resolves.toMatch(/^HubSpot setting "portalId" must be your Hub ID, digits only/)
    expect(page.url()).toBe(url)
    await page.fill('#settings-form input[name=portalId]', '123456')
  })

  it('with "Load the Forms SDK" on, the stand-in SDK is the only one: nothing is requested from js.hsforms.net', async () => {
    const other = await browser.newPage()
    const hubspotScripts = (await routeHubSpot(other)).scripts
    const leaving: string[] = []
    other.on('request', (request) => {
      if (!request.url().startsWith(`${demo.url}/`)) leaving.push(request.url())
    })
    await other.goto(`${demo.url}/?portalId=62515&loadFormsSdk=1`)
    await other.waitForSelector('body[data-ready="true"]')
    expect(await other.evaluate(() => typeof (window as { hbspt?: { forms?: { create?: unknown } } }).hbspt?.forms?.create)).toBe('function')
    expect(hubspotScripts).toEqual([])
    expect(leaving).toEqual([])
    await other.close()
  })

  it('opened with bad settings in the URL: the error and the settings stay on the page, the calls are off, nothing reloads it', async () => {
    const other = await browser.newPage()
    await routeHubSpot(other)
    const errors: string[] = []
    other.on('pageerror', (error) => errors.push(error.message))
    await other.goto(`${demo.url}/?portalId=abc`)
    await other.waitForSelector('body[data-ready="true"]')
    await expect(other.textContent('#settings-form [data-error]')).resolves.toMatch(/^HubSpot setting "portalId" must be your Hub ID, digits only .*got "abc"$/)
    await expect(other.inputValue('#settings-form input[name=portalId]')).resolves.toBe('abc')
    await expect(other.textContent('#status-hubspot')).resolves.toBe('HubSpot script (stand-in): not loaded (fix the settings)')
    expect(await other.isDisabled('#send-page')).toBe(true)
    expect(await other.isDisabled('#send-track')).toBe(true)
    // The portal id as typed, spaces and all: the whitespace error shows instead of a silent trim.
    await other.fill('#settings-form input[name=portalId]', ' 62515 ')
    await other.click('#apply-settings')
    await expect(other.textContent('#settings-form [data-error]')).resolves.toMatch(/without spaces around it; got " 62515 "$/)
    expect(new URL(other.url()).searchParams.get('portalId')).toBe('abc')
    expect(errors).toEqual([])
    await other.close()
  })

  it('identify with no traits but the date reads as a call, not as "identify(id, , …"', async () => {
    await page.fill('#identify-form input[name=email]', '')
    await page.fill('#identify-form textarea[name=traits]', '{}')
    await page.check('#identify-form input[name=withDate]')
    const entry = await send('#send-identify')
    expect(entry.call).toMatch(/^analytics\.identify\("user-42", \{\n {2}"lastSeen": new Date\("[^"]+"\)\n\}\)$/)
  })

  it('saves a screenshot to test/output/demo.png', async () => {
    mkdirSync(OUTPUT, { recursive: true })
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: `${OUTPUT}demo.png`, fullPage: true })
    expect(pageErrors).toEqual([])
    expect(external).toEqual([])
  })
})
