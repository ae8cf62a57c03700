// Issue 9 in Chromium with the real analytics-next: a bad setting, a second destination for the same
// Hub ID, a clobbered global or a payload built to cost millions of steps never stops analytics, never
// reaches the page as an error, and HubSpot still gets each call once.
import { describe, expect, it } from 'vitest'
import type { HubSpotOptions } from '../../src/core/settings'
import { PORTAL_ID, beaconsAfter, hubSpotLoaded, useHarness, type PageGlobals, type TestPage } from './harness'

const harness = useHarness()

type Recorded = string[]
type Globals = PageGlobals & { __recorded: Recorded; __readyResolved?: boolean }

/** analytics-next with HubSpot as given (plugin options and/or classic settings) beside a destination that records what it gets. */
async function load(opened: TestPage, setup: { plugins?: HubSpotOptions[]; classic?: Record<string, unknown> }): Promise<void> {
  await opened.page.evaluate(async (setup) => {
    const w = window as unknown as Globals
    w.__recorded = []
    const record = (ctx: { event: { type: string; event?: string } }) => {
      w.__recorded.push(ctx.event.event ?? ctx.event.type)
      return ctx
    }
    const recorder = { name: 'Recorder', type: 'destination', version: '1.0.0', isLoaded: () => true, load: () => Promise.resolve(), page: record, track: record, identify: record }
    const [analytics] = await w.e2e.AnalyticsBrowser.load(
      {
        writeKey: 'contained',
        cdnSettings: { integrations: { 'Segment.io': { apiKey: 'contained' }, ...(setup.classic ? { HubSpot: setup.classic } : {}) } },
        plugins: [...(setup.plugins ?? []).map((options) => w.e2e.hubspot(options)), recorder as never],
        classicIntegrations: setup.classic ? [w.e2e.HubSpot as never] : [],
      },
      { integrations: { 'Segment.io': false } },
    )
    w.e2e.analytics = analytics
    await analytics.page()
    await new Promise<void>((resolve) => void analytics.ready(() => resolve()))
    w.__readyResolved = true
    await analytics.track('Signed Up')
  }, setup)
}

const errors = (opened: TestPage) => opened.console.filter((m) => m.type === 'error' && m.text.startsWith('[hubspot-destination]')).map((m) => m.text)
const recorded = (opened: TestPage) => opened.page.evaluate(() => (window as unknown as Globals).__recorded)

describe('a bad setting turns HubSpot off, loudly, and nothing else', () => {
  it('hubspot() written inline with a portalId in spaces: Segment loads, the other destination gets every call, one console error', async () => {
    const opened = await harness().open('npm')
    await load(opened, { plugins: [{ portalId: ' 62515 ' }] })
    expect(await recorded(opened)).toEqual(['page', 'Signed Up'])
    expect(errors(opened)).toEqual([
      // The production build's short form: still the setting and the value.
      '[hubspot-destination] HubSpot setting "portalId" must be digits; got " 62515 ". HubSpot is off',
    ])
    expect(opened.hubspotRequests).toEqual([])
    expect(opened.pageErrors).toEqual([])
  })

  it('the classic integration with that portalId from the CDN settings: analytics.ready() resolves, the other destination gets every call', async () => {
    const opened = await harness().open('npm')
    await load(opened, { classic: { portalId: ' 62515 ' } })
    expect(await opened.page.evaluate(() => (window as unknown as Globals).__readyResolved)).toBe(true)
    expect(await recorded(opened)).toEqual(['page', 'Signed Up'])
    expect(errors(opened)).toHaveLength(1)
    expect(errors(opened)[0]).toContain('HubSpot setting "portalId"')
    expect(opened.hubspotRequests).toEqual([])
    expect(opened.pageErrors).toEqual([])
  })
})

describe('one destination per Hub ID', () => {
  it('the plugin beside HubSpot enabled as a classic destination for the same Hub ID: HubSpot gets each call once, with one warning', async () => {
    const opened = await harness().open('npm', { delayMs: 200 })
    await load(opened, { plugins: [{ portalId: PORTAL_ID }], classic: { portalId: PORTAL_ID } })
    await hubSpotLoaded(opened.page)
    const sent = await beaconsAfter(opened, 2)
    expect(sent.map(([kind, fields]) => [kind, fields.n ?? null])).toEqual([
      ['view', null],
      ['event', 'pe62515_signed_up'],
    ])
    expect(opened.console.filter((m) => m.text.includes('a second HubSpot destination for portal 62515'))).toHaveLength(1)
    expect(await opened.page.locator('script[src*="hs-scripts.com"]').count()).toBe(1)
  })
})

describe("the page's own mistakes", () => {
  it('an element with the id _hsq (DOM clobbering): HubSpot still gets the calls, and one warning names the cause', async () => {
    const opened = await harness().open('npm', { delayMs: 200 })
    await opened.page.evaluate(() => {
      const clobber = document.createElement('div')
      clobber.id = '_hsq'
      document.body.append(clobber)
    })
    expect(await opened.page.evaluate(() => (window as unknown as { _hsq: unknown })._hsq instanceof HTMLElement)).toBe(true)
    await load(opened, { plugins: [{ portalId: PORTAL_ID }] })
    await hubSpotLoaded(opened.page)
    const sent = await beaconsAfter(opened, 2)
    expect(sent.map(([kind, fields]) => [kind, fields.n ?? null])).toEqual([
      ['view', null],
      ['event', 'pe62515_signed_up'],
    ])
    expect(opened.console.filter((m) => m.text === '[hubspot-destination] window._hsq was an element')).toHaveLength(1)
    expect(opened.pageErrors).toEqual([])
  })

  it('an event whose properties share their children millions of times over is sent without them, and the page goes on', async () => {
    const opened = await harness().open('npm', { delayMs: 200 })
    await load(opened, { plugins: [{ portalId: PORTAL_ID }] })
    await hubSpotLoaded(opened.page)
    await opened.page.evaluate(async () => {
      let level: Record<string, unknown> = { leaf: 'x' }
      for (let depth = 0; depth < 6; depth++) {
        const next: Record<string, unknown> = {}
        for (let i = 0; i < 20; i++) next[`k${i}`] = level
        level = next
      }
      await (window as unknown as Globals).e2e.analytics!.track('Shared', { tree: level, plan: 'pro' })
    })
    const sent = await beaconsAfter(opened, 3)
    expect(sent[2]).toEqual(['event', { n: 'pe62515_shared', _plan: 'pro', po: '/app/npm/' }])
    expect(await recorded(opened)).toEqual(['page', 'Signed Up', 'Shared'])
    expect(opened.pageErrors).toEqual([])
  })
})

describe('Trusted Types', () => {
  const enforced = (policies: string) => `require-trusted-types-for 'script'; trusted-types ${policies}`

  it("under require-trusted-types-for 'script', the classic integration no longer makes AnalyticsBrowser.load() reject, and HubSpot's script loads through the hubspot-destination policy", async () => {
    const opened = await harness().open('npm', { delayMs: 200 }, enforced('hubspot-destination'))
    await load(opened, { classic: { portalId: PORTAL_ID } })
    expect(await recorded(opened)).toEqual(['page', 'Signed Up'])
    await hubSpotLoaded(opened.page)
    const sent = await beaconsAfter(opened, 2)
    expect(sent.map(([kind, fields]) => [kind, fields.n ?? null])).toEqual([
      ['view', null],
      ['event', 'pe62515_signed_up'],
    ])
    expect(opened.pageErrors).toEqual([])
    expect(opened.console.filter((m) => m.type === 'error')).toEqual([])
  })

  it('a page whose policy list leaves hubspot-destination out: HubSpot stays off with a warning that names the policy; analytics runs', async () => {
    const opened = await harness().open('npm', {}, enforced('some-other-policy'))
    await load(opened, { plugins: [{ portalId: PORTAL_ID }] })
    expect(await recorded(opened)).toEqual(['page', 'Signed Up'])
    expect(opened.hubspotRequests).toEqual([])
    expect(opened.console.filter((m) => m.text === '[hubspot-destination] trusted-types must allow "hubspot-destination"')).toHaveLength(1)
    expect(opened.pageErrors).toEqual([])
  })
})
