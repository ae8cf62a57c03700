/**
 * Issue 4, "Hostile settings": a portalId (or any setting that reaches a URL) can never put markup
 * or another host into the page. Each bad value is a HubSpotSettingsError from `parseSettings` (the
 * strict check) that names the setting and shows the value; `hubspot()` and the classic `initialize()`
 * log that message as one console error and keep HubSpot off (issue 9: a bad setting never stops
 * analytics), and no script is added.
 */
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HubSpot } from '../../src/browser/classic'
import { hubspot } from '../../src/browser/full'
import { HubSpotSettingsError, parseSettings, type HubSpotOptions } from '../../src/core/settings'
import { formsSdkUrl, trackingScriptUrl } from '../../src/browser/urls'
import { FC_SEED, runProperty, validOptionsArb } from './arbitraries'
import { forgetDestinations } from './helpers'

type HsWindow = Window & { _hsq?: unknown; _hsp?: unknown; hbspt?: unknown }
const win = window as HsWindow

/** HubSpot's hosts, and nothing that merely ends with or contains them. */
const TRACKING_URL = /^https:\/\/js(-eu1)?\.hs-scripts\.com\/[0-9]+\.js$/
const FORMS_URL = /^https:\/\/js(-eu1)?\.hsforms\.net\/forms\/v2\.js$/
const HUBSPOT_HOSTS = new Set(['js.hs-scripts.com', 'js-eu1.hs-scripts.com', 'js.hsforms.net', 'js-eu1.hsforms.net'])

function scriptSources(): string[] {
  return Array.from(document.getElementsByTagName('script'), (script) => script.getAttribute('src') ?? '')
}

function resetPage(): void {
  for (const script of Array.from(document.getElementsByTagName('script'))) script.remove()
  forgetDestinations()
  delete win._hsq
  delete win._hsp
  delete win.hbspt
}

type Classic = { initialize(): void }
const classic = (options: Record<string, unknown>): Classic => new HubSpot(options) as unknown as Classic

/** The one console error `fn` logged (it must not throw); fails the test otherwise. */
function loggedError(fn: () => unknown): Error {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  expect(fn).not.toThrow()
  expect(error).toHaveBeenCalledTimes(1)
  const message = String(error.mock.calls[0]![0])
  error.mockRestore()
  expect(message.startsWith('[hubspot-destination] HubSpot setting "')).toBe(true)
  expect(message).toMatch(/HubSpot is off; analytics and other destinations run as usual$/)
  return new Error(message)
}

/** What `fn` threw; fails the test when it did not throw. */
function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a HubSpotSettingsError, but nothing was thrown')
}

beforeEach(() => {
  resetPage()
  vi.spyOn(console, 'debug').mockImplementation(() => {})
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
  resetPage()
})

describe('hostile portalId values', () => {
  // [label, value, how the message shows it]
  const cases: Array<[string, unknown, string]> = [
    ['markup', '1"><script>', '"1\\"><script>"'],
    ['a path', '../evil', '"../evil"'],
    ['a query with another host', '1?x=//evil', '"1?x=//evil"'],
    ['surrounding whitespace', ' 62515 ', '" 62515 "'],
    ['a negative number', -1, '-1'],
    ['"1e9" as a string', '1e9', '"1e9"'],
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['a fraction', 1.5, '1.5'],
    ['an object', { toString: () => '62515' }, 'an object'],
    ['an array', ['62515'], 'an array'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an empty string', '', '""'],
    ['true', true, 'true'],
    ['a number past the safe integers', 2 ** 53, String(2 ** 53)],
    ['a full-width digit', '６２５１５', '"６２５１５"'],
    ['a newline after the digits', '62515\n', '"62515\\n"'],
    ['a URL', 'https://evil.example/x', '"https://evil.example/x"'],
  ]

  for (const [label, portalId, shown] of cases) {
    it(`${label}: parseSettings throws a HubSpotSettingsError naming portalId and showing ${shown}`, () => {
      const error = thrown(() => parseSettings({ portalId }))
      expect(error).toBeInstanceOf(HubSpotSettingsError)
      expect((error as HubSpotSettingsError).setting).toBe('portalId')
      expect(error.message).toContain(shown)
    })

    it(`${label}: hubspot() logs that error once, stays off and adds no script`, async () => {
      let plugin: ReturnType<typeof hubspot> | undefined
      const error = loggedError(() => (plugin = hubspot({ portalId } as HubSpotOptions)))
      expect(error.message).toContain('"portalId"')
      expect(error.message).toContain(shown)
      await plugin!.load({} as never, undefined as never)
      const ctx = { event: { type: 'track', event: 'Signed Up' } }
      expect(plugin!.track!(ctx as never)).toBe(ctx)
      expect(scriptSources()).toEqual([])
      expect(win._hsq).toBeUndefined()
    })

    it(`${label}: the classic initialize() logs the same error and still emits ready; no script`, () => {
      const integration = classic({ portalId }) as Classic & { once(event: string, listener: () => void): void }
      const ready = vi.fn()
      integration.once('ready', ready)
      const error = loggedError(() => integration.initialize())
      expect(ready).toHaveBeenCalledTimes(1)
      expect(error.message).toContain('"portalId"')
      // analytics.js-integration fills a missing option with its default: null for portalId, as Segment's classic declared it.
      expect(error.message).toContain(portalId === undefined ? 'got null' : shown)
      expect(scriptSources()).toEqual([])
      expect(document.getElementById('hs-script-loader')).toBeNull()
    })
  }

  it('surrounding whitespace is rejected with a hint to remove it, not trimmed', () => {
    for (const portalId of [' 62515 ', '62515 ', '\t62515', '62515\n']) {
      const error = thrown(() => parseSettings({ portalId }))
      expect(error.message).toMatch(/without spaces around it|whitespace/)
    }
    expect(scriptSources()).toEqual([])
  })

  it('the number 1e9 is a valid Hub ID (a non-negative safe integer)', () => {
    expect(trackingScriptUrl(parseSettings({ portalId: 1e9 }))).toBe('https://js.hs-scripts.com/1000000000.js')
    const plugin = hubspot({ portalId: 1e9 })
    void plugin.load({} as never, undefined as never)
    expect(scriptSources()).toEqual(['https://js.hs-scripts.com/1000000000.js'])
  })

  it('the number 1e9 through the classic integration loads the same script', () => {
    classic({ portalId: 1e9 }).initialize()
    expect(scriptSources()).toEqual(['https://js.hs-scripts.com/1000000000.js'])
  })
})

describe('hostile events mappings', () => {
  const bad: Array<[string, unknown]> = [
    ['a number', 42],
    ['null', null],
    ['an object', { id: '000123' }],
    ['an array', ['000123']],
    ['an empty string', ''],
    ['whitespace', '   '],
    ['true', true],
    ['a function', () => '000123'],
  ]
  for (const [label, target] of bad) {
    it(`a mapping to ${label} is rejected with an error naming the event`, () => {
      for (const events of [{ 'Signed Up': target }, [{ key: 'Signed Up', value: target }]]) {
        const error = thrown(() => parseSettings({ portalId: '62515', events }))
        expect(error).toBeInstanceOf(HubSpotSettingsError)
        expect((error as HubSpotSettingsError).setting).toBe('events')
        expect(error.message).toContain('Signed Up')
        expect(loggedError(() => hubspot({ portalId: '62515', events } as HubSpotOptions)).message).toContain('Signed Up')
        expect(loggedError(() => classic({ portalId: '62515', events }).initialize()).message).toContain('Signed Up')
      }
      expect(scriptSources()).toEqual([])
    })
  }

  it('an events setting that is not a mapping at all is rejected, naming events', () => {
    for (const events of ['Signed Up', 42, true]) {
      const error = thrown(() => parseSettings({ portalId: '62515', events }))
      expect((error as HubSpotSettingsError).setting).toBe('events')
      expect(loggedError(() => hubspot({ portalId: '62515', events } as unknown as HubSpotOptions)).message).toContain('"events"')
    }
  })
})

describe('every script URL the package can produce is on HubSpot’s hosts', () => {
  function assertHubSpotUrl(url: string, pattern: RegExp): void {
    if (!pattern.test(url)) throw new Error(`not a HubSpot script URL: ${url}`)
    const parsed = new URL(url)
    if (!HUBSPOT_HOSTS.has(parsed.host)) throw new Error(`host ${parsed.host} is not HubSpot's`)
    if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.search || parsed.hash || parsed.port) {
      throw new Error(`unexpected URL parts in ${url}`)
    }
    if (parsed.href !== url) throw new Error(`the URL is not in canonical form: ${url} → ${parsed.href}`)
  }

  it(`over random valid settings (seed ${FC_SEED})`, () => {
    runProperty(
      fc.property(validOptionsArb, fc.boolean(), (options, loadFormsSdk) => {
        const settings = parseSettings({ ...options, loadFormsSdk })
        assertHubSpotUrl(trackingScriptUrl(settings), TRACKING_URL)
        assertHubSpotUrl(formsSdkUrl(settings), FORMS_URL)
        if (!trackingScriptUrl(settings).endsWith(`/${String(options.portalId)}.js`)) throw new Error('the portalId is not the file name')
      }),
      2_000,
    )
  })

  it('over any portalId value at all: a configuration error, or a URL on HubSpot’s hosts', () => {
    const portalIdArb = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.stringMatching(/^[0-9]{1,20}$/),
      fc.tuple(fc.stringMatching(/^[0-9]{1,8}$/), fc.constantFrom('/', '?', '#', '@', '.', '\\', ':', '%2F', ' ', '\n', '"', '<'), fc.string()).map((parts) => parts.join('')),
      fc.double(),
      fc.integer(),
      fc.anything(),
    )
    runProperty(
      fc.property(portalIdArb, fc.boolean(), (portalId, enableEuropeanDataCenter) => {
        let settings
        try {
          settings = parseSettings({ portalId, enableEuropeanDataCenter })
        } catch (error) {
          if (!(error instanceof HubSpotSettingsError) || error.setting !== 'portalId') throw error
          return
        }
        assertHubSpotUrl(trackingScriptUrl(settings), TRACKING_URL)
      }),
      5_000,
    )
  })

  it('the scripts the plugin and the classic integration add are the HubSpot URLs, EU included', () => {
    const plugin = hubspot({ portalId: '62515', enableEuropeanDataCenter: true, loadFormsSdk: true })
    void plugin.load({} as never, undefined as never)
    expect(scriptSources().sort()).toEqual(['https://js-eu1.hs-scripts.com/62515.js', 'https://js-eu1.hsforms.net/forms/v2.js'])

    resetPage()
    classic({ portalId: 62515, loadFormsSdk: true }).initialize()
    expect(scriptSources().sort()).toEqual(['https://js.hs-scripts.com/62515.js', 'https://js.hsforms.net/forms/v2.js'])
  })
})
