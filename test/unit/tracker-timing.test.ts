// What HubSpot's tracker sends, whenever its script arrives: before the first page call, after a
// slow network, or before this destination was even registered. The stand-in of the tracker
// (test/fixtures/hubspot-stand-in.js, checked against the real one by test/e2e/contract.test.ts)
// runs in this jsdom page and records its beacons; the assertions read those beacons.
import { AnalyticsBrowser } from '@segment/analytics-next'
import { Page, Track } from '@segment/facade'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HubSpot } from '../../src/browser/classic'
import { hubspot } from '../../src/browser/full'
import type { HubSpotOptions } from '../../src/core/settings'
import { PORTAL_ID, beacon, page, resetPage, runStandIn, type StandInRecord } from './helpers'

const PAGE_URL = 'http://localhost:3000'

beforeEach(() => {
  resetPage()
  vi.spyOn(console, 'debug').mockImplementation(() => {})
  window.history.replaceState({}, '', '/')
})
afterEach(() => {
  vi.restoreAllMocks()
  delete (performance as { getEntriesByType?: unknown }).getEntriesByType
  window.history.replaceState({}, '', '/')
  resetPage()
})

/** The plugin as analytics-next drives it, without analytics-next's own timing in the way. */
function plugin(options: Partial<HubSpotOptions> = {}) {
  const resets: Array<() => void> = []
  const destination = hubspot({ portalId: PORTAL_ID, ...options })
  void destination.load({} as never, { on: (name: string, listener: () => void) => name === 'reset' && resets.push(listener) } as never)
  const send = (event: Record<string, unknown>): void => void destination[event.type as 'page']!({ event } as never)
  return { send, reset: () => resets.forEach((listener) => listener()) }
}

/** Lets the destination hand over what waited for the tracker (it does so right after the tracker's drain). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

const beacons = (record: StandInRecord) => record.beacons.map(beacon)
const pageAt = (path: string, search = '') => ({ type: 'page', properties: { path, search, url: `${PAGE_URL}${path}${search}` } })
const identity = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

describe('the script arrives after the calls (slow network)', () => {
  it('views and events reach HubSpot in the order the site made them, each view with its own path, the landing page once', async () => {
    const { send } = plugin()
    send(pageAt('/a'))
    send({ type: 'identify', userId: 'u1', traits: { email: 'ada@example.com' } })
    send({ type: 'track', event: 'Clicked', properties: { n: 1 } })
    window.history.pushState({}, '', '/b?x=1')
    send(pageAt('/b', '?x=1'))
    send({ type: 'track', event: 'Clicked', properties: { n: 2 } })
    const hubspotRecord = runStandIn()
    await settle()
    const i = identity({ email: 'ada@example.com', id: 'u1' })
    expect(beacons(hubspotRecord)).toEqual([
      ['__ptq.gif', { k: '1', a: PORTAL_ID, po: '/a', pu: `${PAGE_URL}/b?x=1` }],
      ['__ptbe.gif', { n: 'pe62515_clicked', _n: '1', a: PORTAL_ID, po: '/a', pu: `${PAGE_URL}/b?x=1`, i }],
      ['__ptq.gif', { k: '1', a: PORTAL_ID, po: '/b?x=1', rpo: '/a', pu: `${PAGE_URL}/b?x=1`, i }],
      ['__ptbe.gif', { n: 'pe62515_clicked', _n: '2', a: PORTAL_ID, po: '/b?x=1', rpo: '/a', pu: `${PAGE_URL}/b?x=1`, i }],
    ])
  })

  it('control: the same calls pushed straight onto _hsq, as the first version did, reach HubSpot reordered and with the wrong path', () => {
    const queue = (page()._hsq = [] as unknown[])
    queue.push(['identify', { email: 'ada@example.com' }], ['trackCustomBehavioralEvent', { name: 'pe62515_clicked', properties: {} }])
    queue.push(['setPath', '/b'], ['trackPageView'])
    const sent = beacons(runStandIn()).map(([file, fields]) => [file, fields.po ?? ''])
    // The event goes before the views that preceded... and HubSpot's own view takes the later path.
    expect(sent).toEqual([
      ['__ptbe.gif', '/b'],
      ['__ptq.gif', '/b'],
      ['__ptq.gif', '/b'],
    ])
  })

  it('an identify made before the first page call rides on HubSpot\'s automatic view, as HubSpot documents', async () => {
    const { send } = plugin()
    send({ type: 'identify', traits: { email: 'ada@example.com' } })
    send(pageAt('/'))
    const record = runStandIn()
    await settle()
    expect(beacons(record)).toEqual([['__ptq.gif', { k: '1', a: PORTAL_ID, po: '/', pu: `${PAGE_URL}/`, i: identity({ email: 'ada@example.com' }) }]])
  })

  it('with flushIdentifyImmediately, an identify before the first page call rides on the automatic view: the landing page is viewed once', async () => {
    const { send } = plugin({ flushIdentifyImmediately: true })
    send({ type: 'identify', traits: { email: 'ada@example.com' } })
    send(pageAt('/'))
    const record = runStandIn()
    await settle()
    expect(beacons(record)).toEqual([['__ptq.gif', { k: '1', a: PORTAL_ID, po: '/', pu: `${PAGE_URL}/`, i: identity({ email: 'ada@example.com' }) }]])
  })

  it('a log-out before the script arrives takes back the identity that went ahead: the landing view carries none', async () => {
    const { send, reset } = plugin()
    send({ type: 'identify', traits: { email: 'ada@example.com' } })
    reset()
    send(pageAt('/'))
    const record = runStandIn()
    await settle()
    expect(record.beacons.map((url) => new URL(url).searchParams.get('i'))).toEqual([null])
  })

  it('a page that identifies again and again before its first page call: at most ten identifies go ahead of the tracker', () => {
    const { send } = plugin()
    for (let n = 0; n < 5000; n++) send({ type: 'identify', traits: { email: `u${n}@example.com` } })
    expect((page()._hsq as unknown[]).filter(Array.isArray).length).toBe(10)
  })

  it('trackPageView never goes into _hsq before the script has run (HubSpot: "you should not push trackPageView calls before the page loads")', () => {
    const { send } = plugin({ flushIdentifyImmediately: true })
    send(pageAt('/a'))
    send(pageAt('/b'))
    send({ type: 'identify', traits: { email: 'ada@example.com' } })
    const queued = (page()._hsq as unknown[]).filter(Array.isArray)
    expect(queued).toEqual([['setPath', '/a']])
  })

  it('the classic integration too: the landing view gets the landing path, later views and events follow in order', async () => {
    window.history.replaceState({}, '', '/landing')
    const integration = new HubSpot({ portalId: PORTAL_ID }) as unknown as Record<'initialize' | 'page' | 'track', (facade?: unknown) => void>
    integration.initialize()
    integration.page(new Page({ properties: { path: '/landing' } })) // skipped by assumesPageview: HubSpot's own view
    integration.track(new Track({ event: 'Read', properties: {} }))
    window.history.pushState({}, '', '/next')
    integration.page(new Page({ properties: { path: '/next' } }))
    const record = runStandIn()
    await settle()
    expect(beacons(record).map(([file, fields]) => [file, fields.po])).toEqual([
      ['__ptq.gif', '/landing'],
      ['__ptbe.gif', '/landing'],
      ['__ptq.gif', '/next'],
    ])
  })
})

describe("HubSpot's tracker runs without calling the destination back", () => {
  it('the page set a new _hsq after the destination queued its callback: what waited goes out when the script has loaded', async () => {
    const { send } = plugin()
    send(pageAt('/a'))
    send({ type: 'track', event: 'Waited' })
    // A page (or a tag manager) that resets the queue: the destination's callback is gone with the old one.
    page()._hsq = []
    const record = runStandIn()
    await settle()
    expect(record.beacons).toHaveLength(1)
    document.getElementById('hs-script-loader')!.dispatchEvent(new Event('load'))
    await settle()
    expect(beacons(record).map(([file, fields]) => [file, fields.n ?? null])).toEqual([
      ['__ptq.gif', null],
      ['__ptbe.gif', 'pe62515_waited'],
    ])
  })
})

describe('a tracker build that does not mark its run (no window._hstc_ran)', () => {
  it('once it has called the destination back, what waited and what follows reach it', async () => {
    const { send } = plugin()
    send(pageAt('/a'))
    send({ type: 'track', event: 'Before' })
    const record = runStandIn()
    delete (window as { _hstc_ran?: unknown })._hstc_ran
    await settle()
    send({ type: 'track', event: 'After' })
    expect(beacons(record).map(([file, fields]) => [file, fields.n ?? null])).toEqual([
      ['__ptq.gif', null],
      ['__ptbe.gif', 'pe62515_before'],
      ['__ptbe.gif', 'pe62515_after'],
    ])
  })
})

describe('the script ran before the destination (late registration, HubSpot embed code on the page)', () => {
  it('the first page call on the page HubSpot already viewed is not a second view', async () => {
    const record = runStandIn()
    expect(record.beacons).toHaveLength(1)
    const { send } = plugin()
    send(pageAt('/'))
    send({ type: 'track', event: 'Clicked' })
    expect(beacons(record).map(([file, fields]) => [file, fields.po ?? null])).toEqual([
      ['__ptq.gif', null],
      ['__ptbe.gif', null],
    ])
  })

  it('the landing page viewed by the tracker, then its query dropped (utm_…): the first page call is still not a second view', async () => {
    Object.defineProperty(performance, 'getEntriesByType', {
      configurable: true,
      value: (type: string) => (type === 'navigation' ? [{ name: `${PAGE_URL}/?utm_source=ad` }] : []),
    })
    const record = runStandIn()
    const { send } = plugin()
    send(pageAt('/'))
    expect(record.beacons).toHaveLength(1)
  })

  it('a first page call after the visitor moved on is a view of its own, not lost', async () => {
    // What a browser says of the document's own navigation (jsdom records none): it was loaded at /.
    Object.defineProperty(performance, 'getEntriesByType', {
      configurable: true,
      value: (type: string) => (type === 'navigation' ? [{ name: `${PAGE_URL}/` }] : []),
    })
    const record = runStandIn()
    window.history.pushState({}, '', '/pricing')
    const { send } = plugin()
    send(pageAt('/pricing'))
    expect(beacons(record).map(([file, fields]) => [file, fields.k, fields.po ?? null])).toEqual([
      ['__ptq.gif', '1', null],
      ['__ptq.gif', '1', '/pricing'],
    ])
  })
})

describe('log-out: analytics.reset()', () => {
  it('no later beacon carries the previous identity, the visitor is new, and the next identify starts clean', async () => {
    const { send, reset } = plugin()
    const record = runStandIn()
    send({ type: 'identify', userId: 'u1', traits: { email: 'ada@example.com', plan: 'pro' } })
    send({ type: 'track', event: 'Before' })
    const visitorBefore = new URL(record.beacons.at(-1)!).searchParams.get('vi')
    reset()
    send({ type: 'track', event: 'After' })
    send({ type: 'identify', traits: { email: 'grace@example.com' } })
    send({ type: 'track', event: 'Next Visitor' })
    const sent = record.beacons.map((url) => new URL(url).searchParams)
    expect(sent.map((fields) => [fields.get('n'), fields.get('i'), fields.get('rv')])).toEqual([
      [null, null, null],
      ['pe62515_before', identity({ email: 'ada@example.com', id: 'u1', plan: 'pro' }), null],
      ['pe62515_after', null, '1'],
      ['pe62515_next_visitor', identity({ email: 'grace@example.com' }), '1'],
    ])
    expect(sent[2]!.get('vi')).not.toBe(visitorBefore)
  })

  it('a reset made before the script arrives keeps its place among the calls', async () => {
    const { send, reset } = plugin()
    send(pageAt('/'))
    send({ type: 'identify', traits: { email: 'ada@example.com' } })
    send({ type: 'track', event: 'Before' })
    reset()
    send({ type: 'track', event: 'After' })
    const record = runStandIn()
    await settle()
    expect(record.beacons.map((url) => new URL(url).searchParams.get('i'))).toEqual([null, identity({ email: 'ada@example.com' }), null])
  })

  it('with resetVisitorOnReset: false the identity stays (the first version\'s behaviour, now an opt-out)', () => {
    const { send, reset } = plugin({ resetVisitorOnReset: false })
    const record = runStandIn()
    send({ type: 'identify', traits: { email: 'ada@example.com' } })
    reset()
    send({ type: 'track', event: 'After' })
    expect(new URL(record.beacons.at(-1)!).searchParams.get('i')).toBe(identity({ email: 'ada@example.com' }))
  })
})

describe('the tracker writes into what it is given', () => {
  it('the objects the destination maps are never the ones HubSpot gets', async () => {
    const { send } = plugin({ useCustomBehavioralEvents: false })
    const record = runStandIn()
    send({ type: 'identify', traits: { email: 'ada@example.com' } })
    send({ type: 'identify', traits: { email: 'ada@example.com', plan: 'pro' } })
    send({ type: 'track', event: 'Signed Up', properties: { plan: 'pro' } })
    // The stand-in, like HubSpot's tracker, merged the second identify into the first object and wrote k, n, m... into the event.
    expect(record.beacons).toHaveLength(2)
    expect(new URL(record.beacons[1]!).searchParams.get('n')).toBe('Signed Up')
  })
})

describe('with the real analytics-next', () => {
  it('calls made before the script arrives reach HubSpot in order once it runs', async () => {
    const [analytics] = await AnalyticsBrowser.load(
      { writeKey: 'test', cdnSettings: { integrations: {} } as never, plugins: [hubspot({ portalId: PORTAL_ID })] },
      { integrations: { 'Segment.io': false } },
    )
    await analytics.page()
    await analytics.track('Signed Up', { plan: 'pro', seats: 0, trial: false })
    window.history.pushState({}, '', '/welcome')
    await analytics.page()
    const record = runStandIn()
    await settle()
    expect(beacons(record).map(([file, fields]) => [file, fields.po, fields._seats ?? null, fields._trial ?? null])).toEqual([
      ['__ptq.gif', '/', null, null],
      ['__ptbe.gif', '/', '0', 'false'],
      ['__ptq.gif', '/welcome', null, null],
    ])
  })
})
