// HubSpot's scripts blocked (the route aborted, as an ad blocker or a content security policy does):
// analytics-next and another destination in the same page keep working at once, nothing reaches
// window.onerror, and the destination warns once.
import { describe, expect, it } from 'vitest'
import type { HubSpotOptions } from '../../src/core/settings'
import { PORTAL_ID, destinationWarnings, useHarness, type PageGlobals, type TestPage } from './harness'

const harness = useHarness()

type Recorded = { type: string; event?: string; userId?: string | null }
type RecorderGlobals = PageGlobals & { __recorded: Recorded[]; __durations: number[] }

/** Loads analytics-next with HubSpot and a second destination that records what it receives. */
async function loadWithRecorder(opened: TestPage, options: HubSpotOptions): Promise<void> {
  await opened.page.evaluate(async (settings) => {
    const w = window as unknown as RecorderGlobals
    w.__recorded = []
    w.__durations = []
    const record = (ctx: { event: { type: string; event?: string; userId?: string | null } }) => {
      const { type, event, userId } = ctx.event
      w.__recorded.push({ type, ...(event === undefined ? {} : { event }), ...(userId === undefined ? {} : { userId }) })
      return ctx
    }
    const recorder = {
      name: 'Recorder',
      type: 'destination' as const,
      version: '1.0.0',
      isLoaded: () => true,
      load: () => Promise.resolve(),
      page: record,
      identify: record,
      track: record,
    }
    const [analytics] = await w.e2e.AnalyticsBrowser.load(
      {
        writeKey: 'e2e-blocked',
        cdnSettings: { integrations: { 'Segment.io': { apiKey: 'test' } } },
        plugins: [w.e2e.hubspot(settings), recorder as never],
      },
      { integrations: { 'Segment.io': false } },
    )
    w.e2e.analytics = analytics
  }, options)
}

/** Sends events, each timed from the call until its promise resolves (delivered to every destination). */
async function send(opened: TestPage, batch: number): Promise<void> {
  await opened.page.evaluate(async (batch) => {
    const w = window as unknown as RecorderGlobals
    const analytics = w.e2e.analytics!
    const timed = async (call: () => Promise<unknown>) => {
      const started = performance.now()
      await call()
      w.__durations.push(performance.now() - started)
    }
    await timed(() => analytics.page())
    if (batch === 1) await timed(() => analytics.identify('user-3', { email: 'blocked@example.com' }))
    await timed(() => analytics.track(`Batch ${batch} A`))
    await timed(() => analytics.track(`Batch ${batch} B`, { n: batch }))
  }, batch)
}

const notLoaded = (opened: TestPage, what: RegExp): string[] => destinationWarnings(opened).filter((text) => what.test(text))

describe('HubSpot blocked', () => {
  it('another destination receives every event at once; no error reaches the page; one warning', async () => {
    const opened = await harness().open('npm', { blocked: true })
    await loadWithRecorder(opened, { portalId: PORTAL_ID })
    await send(opened, 1) // most likely before the blocked script has failed
    await expect.poll(() => notLoaded(opened, /HubSpot's script did not load/).length).toBe(1)
    await send(opened, 2) // after it failed

    const page = await opened.page.evaluate(() => {
      const w = window as unknown as RecorderGlobals
      return {
        recorded: w.__recorded,
        durations: w.__durations,
        errors: w.__errors,
        standInRan: w.__hubspot !== undefined,
        hsq: Array.isArray(w._hsq) ? JSON.parse(JSON.stringify((w._hsq as unknown[]).filter((entry) => typeof entry !== 'function'))) : 'not an array',
      }
    })
    expect(page.recorded).toEqual([
      { type: 'page' },
      { type: 'identify', userId: 'user-3' },
      { type: 'track', event: 'Batch 1 A', userId: 'user-3' },
      { type: 'track', event: 'Batch 1 B', userId: 'user-3' },
      { type: 'page', userId: 'user-3' },
      { type: 'track', event: 'Batch 2 A', userId: 'user-3' },
      { type: 'track', event: 'Batch 2 B', userId: 'user-3' },
    ])
    // Every call resolved at once: nothing waited for HubSpot's script.
    expect(page.durations).toHaveLength(7)
    expect(Math.max(...page.durations)).toBeLessThan(500)
    expect(page.errors).toEqual([])
    expect(opened.pageErrors).toEqual([])
    // HubSpot's queue holds only the landing path, for the view HubSpot's script would record; the rest
    // waits inside the destination (bounded by its cap, far below it here), as HubSpot's tracker would reorder it.
    expect(page.standInRan).toBe(false)
    expect(page.hsq).toEqual([['setPath', '/app/npm/']])
    expect(opened.hubspotRequests).toEqual([`https://js.hs-scripts.com/${PORTAL_ID}.js`])
    expect(opened.otherRequests).toEqual([])
    const warnings = destinationWarnings(opened)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`https://js.hs-scripts.com/${PORTAL_ID}.js`)
  })

  it('with loadFormsSdk, analytics.ready does not stall when the Forms SDK is blocked', async () => {
    const opened = await harness().open('npm', { blocked: true })
    await loadWithRecorder(opened, { portalId: PORTAL_ID, loadFormsSdk: true })
    const waited = await opened.page.evaluate(async () => {
      const analytics = (window as unknown as RecorderGlobals).e2e.analytics!
      const started = performance.now()
      await new Promise<void>((resolve) => void analytics.ready(() => resolve()))
      return performance.now() - started
    })
    // The Forms SDK's error ends the wait, well before the 10 s fallback.
    expect(waited).toBeLessThan(3000)
    await send(opened, 1)
    const recorded = await opened.page.evaluate(() => (window as unknown as RecorderGlobals).__recorded.map((r) => r.event ?? r.type))
    expect(recorded).toEqual(['page', 'identify', 'Batch 1 A', 'Batch 1 B'])
    expect(await opened.page.evaluate(() => (window as unknown as RecorderGlobals).__errors)).toEqual([])
    expect(opened.pageErrors).toEqual([])
    await expect.poll(() => notLoaded(opened, /did not load/).length).toBe(2)
    expect(notLoaded(opened, /HubSpot's script did not load/)).toHaveLength(1)
    expect(notLoaded(opened, /Forms SDK did not load/)).toHaveLength(1)
    expect([...opened.hubspotRequests].sort()).toEqual([`https://js.hs-scripts.com/${PORTAL_ID}.js`, 'https://js.hsforms.net/forms/v2.js'])
  })
})
