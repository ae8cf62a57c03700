// The contract with HubSpot's tracker: each fact of "What HubSpot really receives" as a scenario of
// Segment calls in Chromium with the real analytics-next, asserted on the beacons the tracker sends
// (the only thing HubSpot receives).
//
// - Always against the stand-in in test/fixtures, so CI catches a regression offline.
// - Against HubSpot's real tracking code too when HUBSPOT_TRACKER_JS names a copy of it (see the
//   README, "Checking against HubSpot's real tracker"), and then the beacons of both are compared,
//   so the stand-in cannot drift from what it stands in for.
import { describe, expect, it } from 'vitest'
import { identityField, readBeacon, type BeaconKind } from '../support/beacons'
import { REAL_TRACKER_PATH } from '../support/browser'
import type { HubSpotOptions } from '../../src/core/settings'
import { PORTAL_ID, beaconsAfter, hubSpotLoaded, useHarness, type PageGlobals, type TestPage } from './harness'

const harness = useHarness()

type Step =
  | ['load', HubSpotOptions]
  | ['page']
  | ['navigate', string]
  | ['identify', string | null, Record<string, unknown>]
  | ['track', string, Record<string, unknown>?]
  | ['reset']
  /** HubSpot's own embed code on the page: the tracker runs before analytics loads. */
  | ['embed']

type Beacon = [BeaconKind, Record<string, string>]

interface Scenario {
  fact: string
  steps: Step[]
  /** How long HubSpot's script takes to arrive. */
  delayMs?: number
  expected: Beacon[]
}

const LANDING = '/app/npm/'
const ada = identityField({ email: 'ada@example.com', id: 'user-1' })

const SCENARIOS: Scenario[] = [
  {
    fact: "track is a custom behavioral event by default (HubSpot: trackEvent \"no longer works\")",
    steps: [['load', { portalId: PORTAL_ID }], ['page'], ['track', 'Signed Up', { plan: 'pro' }]],
    expected: [
      ['view', { po: LANDING }],
      ['event', { n: 'pe62515_signed_up', _plan: 'pro', po: LANDING }],
    ],
  },
  {
    fact: "no property takes one of the beacon's own fields (legacy trackEvent)",
    steps: [
      ['load', { portalId: PORTAL_ID, useCustomBehavioralEvents: false }],
      ['page'],
      ['identify', 'user-1', { email: 'ada@example.com' }],
      ['track', 'Signed Up', { i: 'email=evil@example.com', po: '/admin', a: '1', k: '9', n: 'x', m: 'y', vi: 'v', pu: 'u' }],
    ],
    expected: [
      ['view', { po: LANDING }],
      [
        'trackEvent',
        {
          k: '3',
          n: 'Signed Up',
          m: '',
          id: 'Signed Up',
          _i: 'email=evil@example.com',
          _po: '/admin',
          _a: '1',
          _k: '9',
          _n: 'x',
          _m: 'y',
          _vi: 'v',
          _pu: 'u',
          po: LANDING,
          i: ada,
        },
      ],
    ],
  },
  {
    fact: '0 and false arrive as sent (custom behavioral properties)',
    steps: [
      ['load', { portalId: PORTAL_ID }],
      ['page'],
      ['track', 'Cart Viewed', { items: 0, gift: false }],
    ],
    expected: [
      ['view', { po: LANDING }],
      ['event', { n: 'pe62515_cart_viewed', _items: '0', _gift: 'false', po: LANDING }],
    ],
  },
  {
    fact: 'a legacy value of 0 arrives as m=0',
    steps: [['load', { portalId: PORTAL_ID, useCustomBehavioralEvents: false }], ['page'], ['track', 'Refund', { value: 0 }]],
    expected: [
      ['view', { po: LANDING }],
      ['trackEvent', { k: '3', n: 'Refund', m: '0', id: 'Refund', value: '0', po: LANDING }],
    ],
  },
  {
    fact: 'names and ids are trimmed of whitespace and zero-width characters',
    steps: [['load', { portalId: PORTAL_ID }], ['page'], ['track', ' \u200bSigned Up\ufeff ']],
    expected: [
      ['view', { po: LANDING }],
      ['event', { n: 'pe62515_signed_up', po: LANDING }],
    ],
  },
  {
    fact: 'log-out means log-out: after analytics.reset() no beacon carries the previous identity, and the next visitor starts clean',
    steps: [
      ['load', { portalId: PORTAL_ID }],
      ['page'],
      ['identify', 'user-1', { email: 'ada@example.com' }],
      ['track', 'Before'],
      ['reset'],
      ['track', 'After'],
      ['identify', null, { email: 'grace@example.com' }],
      ['track', 'Next Visitor'],
    ],
    expected: [
      ['view', { po: LANDING }],
      ['event', { n: 'pe62515_before', po: LANDING, i: ada }],
      ['event', { n: 'pe62515_after', po: LANDING, rv: '1' }],
      ['event', { n: 'pe62515_next_visitor', po: LANDING, i: identityField({ email: 'grace@example.com' }), rv: '1' }],
    ],
  },
  {
    fact: 'with a slow script, views and events keep their order and their paths; the landing page is reported once',
    delayMs: 1500,
    steps: [
      ['load', { portalId: PORTAL_ID }],
      ['page'],
      ['identify', 'user-1', { email: 'ada@example.com' }],
      ['track', 'One'],
      ['navigate', '/app/next'],
      ['page'],
      ['track', 'Two'],
    ],
    expected: [
      ['view', { po: LANDING }],
      ['event', { n: 'pe62515_one', po: LANDING, i: ada }],
      ['view', { po: '/app/next', rpo: LANDING, i: ada }],
      ['event', { n: 'pe62515_two', po: '/app/next', rpo: LANDING, i: ada }],
    ],
  },
  {
    fact: "on a site with HubSpot's embed code, the first page call is not a second view of the landing page",
    steps: [['embed'], ['load', { portalId: PORTAL_ID }], ['page'], ['track', 'Signed Up']],
    expected: [
      ['view', {}],
      ['event', { n: 'pe62515_signed_up' }],
    ],
  },
  {
    fact: 'registered after the tracker recorded its view and the visitor moved on, the first page call is not lost',
    steps: [['embed'], ['navigate', '/app/later'], ['load', { portalId: PORTAL_ID }], ['page']],
    expected: [
      ['view', {}],
      ['view', { po: '/app/later' }],
    ],
  },
]

/** Runs a scenario's calls in the page, one at a time, as a site would make them. */
async function play(opened: TestPage, steps: Step[]): Promise<void> {
  for (const step of steps) {
    if (step[0] === 'embed') {
      await opened.page.evaluate((portalId) => {
        const script = document.createElement('script')
        script.id = 'hs-script-loader'
        script.async = true
        script.src = `https://js.hs-scripts.com/${portalId}.js`
        document.head.append(script)
      }, PORTAL_ID)
      await hubSpotLoaded(opened.page)
      continue
    }
    await opened.page.evaluate(async (step) => {
      const { e2e } = window as unknown as PageGlobals
      const [kind, ...args] = step
      if (kind === 'load') {
        const [analytics] = await e2e.AnalyticsBrowser.load(
          { writeKey: 'contract', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'contract' } } }, plugins: [e2e.hubspot(args[0] as never)] },
          { integrations: { 'Segment.io': false } },
        )
        e2e.analytics = analytics
        return
      }
      const analytics = e2e.analytics!
      if (kind === 'page') await analytics.page()
      else if (kind === 'navigate') history.pushState({}, '', args[0] as string)
      else if (kind === 'identify') await analytics.identify(args[0] as string, args[1] as Record<string, unknown>)
      else if (kind === 'track') await analytics.track(args[0] as string, (args[1] ?? {}) as Record<string, unknown>)
      else if (kind === 'reset') analytics.reset()
    }, step)
  }
}

/** The beacons one scenario produces with one tracker: as the tests state them, and their URLs. */
async function run(scenario: Scenario, tracker: 'stand-in' | 'real'): Promise<{ beacons: Beacon[]; urls: string[] }> {
  // Unless the scenario embeds HubSpot itself, the script is slow enough that the first page call comes first.
  const opened = await harness().open('npm', { tracker, delayMs: scenario.delayMs ?? 200 })
  await play(opened, scenario.steps)
  await hubSpotLoaded(opened.page)
  const beacons = await beaconsAfter(opened, scenario.expected.length)
  expect(opened.pageErrors).toEqual([])
  return { beacons, urls: [...opened.beacons] }
}

/** A beacon compared across trackers: its host and file, every stable field and value, and the names of all its fields. */
function comparable(url: string) {
  const parsed = new URL(url)
  const [, fields] = readBeacon(url)
  return { at: `${parsed.host}${parsed.pathname}`, fields, names: [...new Set(parsed.searchParams.keys())].sort() }
}

describe('the contract, against the stand-in of HubSpot\'s tracker', () => {
  it.each(SCENARIOS.map((scenario) => [scenario.fact, scenario] as const))('%s', async (_fact, scenario) => {
    expect((await run(scenario, 'stand-in')).beacons).toEqual(scenario.expected)
  })
})

if (!REAL_TRACKER_PATH) {
  console.log(
    `HUBSPOT_TRACKER_JS is not set: the ${SCENARIOS.length} contract scenarios against HubSpot's real tracker are skipped (the stand-in ran them).`,
  )
}

describe.skipIf(!REAL_TRACKER_PATH)(`the contract, against HubSpot's real tracker (${REAL_TRACKER_PATH ?? 'HUBSPOT_TRACKER_JS unset'})`, () => {
  it.each(SCENARIOS.map((scenario) => [scenario.fact, scenario] as const))('%s', async (_fact, scenario) => {
    expect((await run(scenario, 'real')).beacons).toEqual(scenario.expected)
  })

  it('the stand-in sends what the real tracker sends, scenario by scenario: same beacons, same fields, same values (volatile ones aside)', async () => {
    for (const scenario of SCENARIOS) {
      const [real, standIn] = [await run(scenario, 'real'), await run(scenario, 'stand-in')]
      expect(standIn.urls.map(comparable), scenario.fact).toEqual(real.urls.map(comparable))
    }
  }, 120_000)
})
