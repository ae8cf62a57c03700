// Issue 11, "HubSpot forms → Segment", in Chromium with the real analytics-next: HubSpot forms of both kinds
// (the stand-in of their documented browser events, test/fixtures/hubspot-form-events-stand-in.js) are
// submitted on the page, and the Segment calls they become are read from the requests analytics-next sends
// to Segment's API (intercepted: nothing leaves the machine). HubSpot's beacons show it got none of them.
import { readFileSync } from 'node:fs'
import type { Page, Route } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { PORTAL_ID, ROOT, beaconsAfter, destinationWarnings, hubSpotLoaded, useHarness, type PageGlobals, type TestPage } from './harness'

const harness = useHarness()

const STAND_IN = readFileSync(`${ROOT}test/fixtures/hubspot-form-events-stand-in.js`, 'utf8')
const SEGMENT_API = /^https:\/\/api\.segment\.io\/v1\//
const LEGACY_FORM = '8a3c6d1e-4b2f-4c9a-9e7d-0f1b2c3d4e5f'
const NEW_FORM = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9'

interface SegmentCall {
  path: string
  body: Record<string, unknown>
}

/** Answers Segment's API as Segment does, keeping each call analytics-next sent. */
async function interceptSegment(page: Page): Promise<SegmentCall[]> {
  const calls: SegmentCall[] = []
  // Registered after the harness's routes, so it is asked first.
  await page.route(SEGMENT_API, (route: Route) => {
    const request = route.request()
    calls.push({ path: new URL(request.url()).pathname, body: JSON.parse(request.postData() ?? '{}') as Record<string, unknown> })
    return route.fulfill({ status: 200, contentType: 'application/json', body: '{"success":true}' })
  })
  return calls
}

/** A frame of another origin (localhost is not 127.0.0.1) that posts a forged hsFormCallback to the page. */
async function serveForgery(page: Page): Promise<void> {
  const forged = { type: 'hsFormCallback', eventName: 'onFormSubmitted', id: 'forged-form', data: { redirectUrl: '', submissionValues: { email: 'mallory@example.com' } } }
  await page.route(/^http:\/\/localhost:\d+\/forged$/, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: `<script>parent.postMessage(${JSON.stringify(forged)}, '*')</script>` }),
  )
}

/** analytics-next with Segment's API on, and the plugin with trackFormSubmissions; the page call of a site's load. */
async function load(opened: TestPage, apiKey: string): Promise<void> {
  await opened.page.evaluate(
    async ({ portalId, apiKey }) => {
      const { e2e } = window as unknown as PageGlobals
      const [analytics] = await e2e.AnalyticsBrowser.load({
        writeKey: apiKey,
        cdnSettings: { integrations: { 'Segment.io': { apiKey } } },
        plugins: [e2e.hubspot({ portalId, trackFormSubmissions: true, formFields: ['firstname', 'company', 'card_number'] })],
      })
      e2e.analytics = analytics
      await analytics.page()
    },
    { portalId: PORTAL_ID, apiKey },
  )
}

/** Waits until Segment's API has had `count` calls (and a beat more, so one too many would show). */
async function segmentCalls(calls: SegmentCall[], count: number): Promise<SegmentCall[]> {
  const started = Date.now()
  while (calls.length < count) {
    if (Date.now() - started > 10_000) throw new Error(`${calls.length} calls to Segment's API after 10 s; expected ${count}:\n${JSON.stringify(calls, null, 1)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await new Promise((resolve) => setTimeout(resolve, 300))
  return calls
}

/** What a call to Segment's API says, without what changes from run to run. */
const brief = ({ path, body }: SegmentCall) => ({
  path,
  type: body.type,
  event: body.event,
  traits: body.traits,
  properties: body.type === 'page' ? undefined : body.properties,
  integrations: body.integrations,
  userId: body.userId,
})

describe.each(['npm', 'umd'] as const)('HubSpot forms in a %s page', (kind) => {
  it("each kind's successful submission reaches Segment's API as identify + Form Submitted, marked HubSpot: false; HubSpot gets none of it", async () => {
    const opened = await harness().open(kind)
    const calls = await interceptSegment(opened.page)
    await serveForgery(opened.page)
    await opened.page.addScriptTag({ content: STAND_IN })
    await load(opened, `e2e-forms-${kind}`)
    await hubSpotLoaded(opened.page)
    await segmentCalls(calls, 1)

    // A forged message from a frame of another origin: never sent.
    await opened.page.evaluate(async (src) => {
      const frame = document.createElement('iframe')
      frame.src = src
      const loaded = new Promise((resolve) => frame.addEventListener('load', resolve))
      document.body.appendChild(frame)
      await loaded
    }, opened.page.url().replace('127.0.0.1', 'localhost').replace(/\/app\/.*$/, '/forged'))

    await opened.page.evaluate(
      ({ legacyId, newId }) => {
        const forms = (window as unknown as { __hubspotFormEvents: { legacyForm(id: string): { submit(values: object, options?: object): void }; newForm(id: string): { submit(values: object, options?: object): void } } }).__hubspotFormEvents
        const legacy = forms.legacyForm(legacyId)
        legacy.submit({ email: 'ada@example.com', firstname: 'Ada' }, { fail: true })
        legacy.submit({ email: 'ada@example.com', firstname: 'Ada', phone: '+44 20 7946 0000', password: 'hunter2' })
        const fresh = forms.newForm(newId)
        fresh.submit({ '0-1/email': 'grace@example.com', '0-2/company': 'Navy' }, { fail: true })
        fresh.submit({ '0-1/email': 'grace@example.com', '0-2/company': 'Navy', '0-1/card_number': '4111 1111 1111 1111' })
      },
      { legacyId: LEGACY_FORM, newId: NEW_FORM },
    )

    const HubSpotOff = { HubSpot: false, 'HubSpot Cloud Mode (Actions)': false }
    expect((await segmentCalls(calls, 5)).map(brief)).toEqual([
      { path: '/v1/p', type: 'page', event: undefined, traits: undefined, properties: undefined, integrations: {}, userId: null },
      { path: '/v1/i', type: 'identify', event: undefined, traits: { email: 'ada@example.com' }, properties: undefined, integrations: HubSpotOff, userId: null },
      { path: '/v1/t', type: 'track', event: 'Form Submitted', traits: undefined, properties: { form_id: LEGACY_FORM, firstname: 'Ada' }, integrations: HubSpotOff, userId: null },
      { path: '/v1/i', type: 'identify', event: undefined, traits: { email: 'grace@example.com' }, properties: undefined, integrations: HubSpotOff, userId: null },
      { path: '/v1/t', type: 'track', event: 'Form Submitted', traits: undefined, properties: { form_id: NEW_FORM, company: 'Navy' }, integrations: HubSpotOff, userId: null },
    ])
    // One visitor throughout: the calls carry the page's anonymous id, and no user id was made up.
    expect(new Set(calls.map((call) => call.body.anonymousId)).size).toBe(1)

    // HubSpot: its own view of the landing page and nothing more (no identify, no event of the forms).
    expect(await beaconsAfter(opened, 1)).toEqual([['view', { po: `/app/${kind}/` }]])
    const sent = await opened.page.evaluate(() => JSON.stringify((window as unknown as PageGlobals).__hubspot?.commands ?? []))
    expect(sent).not.toContain('ada@example.com')
    expect(sent).not.toContain('Form Submitted')

    // The forged message did reach the page, and was turned away for its origin (the build's short debug message).
    expect(opened.console.filter((m) => m.type === 'debug' && /form not sent: origin/.test(m.text)).map((m) => m.text)).toEqual([
      `[hubspot-destination] form not sent: origin ${new URL(opened.page.url()).origin.replace('127.0.0.1', 'localhost')}`,
    ])
    expect(opened.pageErrors).toEqual([])
    expect(await opened.page.evaluate(() => (window as unknown as PageGlobals).__errors)).toEqual([])
    expect(opened.otherRequests.filter((url) => !SEGMENT_API.test(url) && !/^http:\/\/localhost:\d+\/forged$/.test(url))).toEqual([])
    expect(destinationWarnings(opened)).toEqual([])
  })
})
