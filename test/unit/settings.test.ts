import { describe, expect, test } from 'vitest'
import { HUBSPOT_SCRIPT } from '../../src/browser/loader'
import { DEFAULT_OPTIONS, HubSpotSettingsError, REGIONS, parseSettings, unknownSettings } from '../../src/core/settings'
import { DOCUMENTED_DEFAULTS } from './helpers'
import { formsSdkUrl, trackingScriptUrl } from '../../src/browser/urls'

/** The error `parseSettings(options)` throws; fails the test when it throws none. */
function settingsError(options: unknown): HubSpotSettingsError {
  try {
    parseSettings(options)
  } catch (error) {
    expect(error).toBeInstanceOf(HubSpotSettingsError)
    return error as HubSpotSettingsError
  }
  throw new Error(`parseSettings accepted ${String(options)}`)
}

/** Settings errors name the setting first and end with the bad value. */
function expectSettingsError(options: unknown, setting: string, shownValue: string): void {
  const error = settingsError(options)
  expect(error).toBeInstanceOf(Error)
  expect(error.setting).toBe(setting)
  expect(error.message.startsWith(`HubSpot setting "${setting}" `)).toBe(true)
  expect(error.message.endsWith(`got ${shownValue}`)).toBe(true)
}

describe('defaults', () => {
  test('only portalId is required; every other option has its documented default', () => {
    expect(parseSettings({ portalId: '62515' })).toEqual({
      portalId: '62515',
      loadFormsSdk: false,
      enableEuropeanDataCenter: false,
      flushIdentifyImmediately: false,
      useCustomBehavioralEvents: true,
      formatCustomBehavioralEventNames: true,
      events: new Map(),
      consentCategories: [],
      resetVisitorOnReset: true,
      revokeCookiesOnReset: false,
      region: 'na1',
      trackFormSubmissions: false,
      formFields: [],
      attachUserToken: false,
      consentFromHubSpotBanner: false,
      mappings: {},
    })
  })

  test('the documented defaults of the classic options', () => {
    expect(DEFAULT_OPTIONS).toMatchObject(DOCUMENTED_DEFAULTS)
  })

  test('null stands for the default, as Segment settings may send it', () => {
    expect(parseSettings({ portalId: '62515', loadFormsSdk: null, events: null })).toMatchObject({
      loadFormsSdk: false,
      events: new Map(),
    })
  })

  test('flags set to true are kept', () => {
    const flags = {
      loadFormsSdk: true,
      enableEuropeanDataCenter: true,
      flushIdentifyImmediately: true,
      useCustomBehavioralEvents: true,
      formatCustomBehavioralEventNames: false,
    }
    expect(parseSettings({ portalId: '62515', ...flags })).toMatchObject(flags)
  })
})

describe('portalId must be digits', () => {
  test('a string of ASCII digits is the portal id', () => {
    expect(parseSettings({ portalId: '62515' }).portalId).toBe('62515')
  })

  test('a non-negative safe integer becomes its digits', () => {
    expect(parseSettings({ portalId: 62515 }).portalId).toBe('62515')
    expect(parseSettings({ portalId: 0 }).portalId).toBe('0')
  })

  test.each([
    ['letters', 'abc', '"abc"'],
    ['markup', '1"><script>', '"1\\"><script>"'],
    ['whitespace around digits', ' 62515 ', '" 62515 "'],
    ['non-ASCII digits', '６２５１５', '"６２５１５"'],
    ['a decimal string', '62515.0', '"62515.0"'],
    ['an empty string', '', '""'],
    ['a negative number', -1, '-1'],
    ['a fraction', 1.5, '1.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['an unsafe integer', 2 ** 53, '9007199254740992'],
    ['an object', {}, 'an object'],
    ['an array', [62515], 'an array'],
    ['a boolean', true, 'true'],
    ['a missing value', undefined, 'undefined'],
  ])('%s is rejected with an error naming portalId and the value', (_case, portalId, shown) => {
    expectSettingsError({ portalId }, 'portalId', shown)
  })

  test('no settings at all is an error naming portalId', () => {
    expect(settingsError(undefined).setting).toBe('portalId')
    expect(settingsError(null).setting).toBe('portalId')
  })
})

describe('flags must be booleans', () => {
  test.each(['loadFormsSdk', 'enableEuropeanDataCenter', 'flushIdentifyImmediately', 'useCustomBehavioralEvents', 'formatCustomBehavioralEventNames'])(
    '%s: a string "true" is rejected with an error naming the setting and the value',
    (name) => {
      expectSettingsError({ portalId: '62515', [name]: 'true' }, name, '"true"')
    },
  )
})

describe('events', () => {
  test('an object maps Segment event names to HubSpot events, keyed the way names are matched', () => {
    expect(parseSettings({ portalId: '62515', events: { 'Order Completed': ' 000123 ' } }).events).toEqual(
      new Map([['order completed', '000123']]),
    )
  })

  test("Segment's mixed mapping [{ key, value }] is accepted too", () => {
    expect(
      parseSettings({ portalId: '62515', events: [{ key: 'orderCompleted', value: 'pe62515_order_completed' }] }).events,
    ).toEqual(new Map([['order completed', 'pe62515_order_completed']]))
  })

  test('the first mapping for a name wins', () => {
    expect(
      parseSettings({ portalId: '62515', events: { 'Order Completed': 'first', order_completed: 'second' } }).events,
    ).toEqual(new Map([['order completed', 'first']]))
  })

  test('a mapping that is not an object or list is rejected naming events and the value', () => {
    expectSettingsError({ portalId: '62515', events: 'Order Completed' }, 'events', '"Order Completed"')
  })

  test('a mapping to an empty or non-string HubSpot event is rejected naming events and the value', () => {
    expectSettingsError({ portalId: '62515', events: { 'Order Completed': ' ' } }, 'events', '" "')
    expectSettingsError({ portalId: '62515', events: { 'Order Completed': 5 } }, 'events', '5')
  })

  test('a mapping without a Segment event name is rejected naming events', () => {
    expect(settingsError({ portalId: '62515', events: [{ key: '', value: 'x' }] }).setting).toBe('events')
  })
})

describe('consentCategories', () => {
  test('a list of category names is kept, trimmed', () => {
    expect(parseSettings({ portalId: '62515', consentCategories: [' Advertising', 'Analytics'] }).consentCategories).toEqual([
      'Advertising',
      'Analytics',
    ])
  })

  test('anything but a list of names is rejected naming consentCategories and the value', () => {
    expectSettingsError({ portalId: '62515', consentCategories: 'Advertising' }, 'consentCategories', '"Advertising"')
    expectSettingsError({ portalId: '62515', consentCategories: [''] }, 'consentCategories', 'an array')
  })
})

test('parsing does not mutate the options', () => {
  const options = Object.freeze({ portalId: '62515', events: Object.freeze({ 'Order Completed': '000123' }) })
  expect(parseSettings(options).events).toEqual(new Map([['order completed', '000123']]))
  expect(options).toEqual({ portalId: '62515', events: { 'Order Completed': '000123' } })
})

describe("spellings of Segment's newer HubSpot destination, and settings this one does not know", () => {
  test('loadFormsSDK (Hubspot Web (Actions)) is accepted for loadFormsSdk, also beside loadFormsSdk at its default (as the classic fills it in)', () => {
    expect(parseSettings({ portalId: '62515', loadFormsSDK: true }).loadFormsSdk).toBe(true)
    expect(parseSettings({ portalId: '62515', loadFormsSdk: false, loadFormsSDK: true }).loadFormsSdk).toBe(true)
    // The documented spelling, set away from its default, wins.
    expect(parseSettings({ portalId: '62515', loadFormsSdk: true, loadFormsSDK: false }).loadFormsSdk).toBe(true)
    expectSettingsError({ portalId: '62515', loadFormsSDK: 'yes' }, 'loadFormsSDK', '"yes"')
  })

  test('an unknown setting gets one warning naming the closest known one', () => {
    expect(unknownSettings({ portalId: '62515', loadformsdk: true, useCustomBehavioralEvent: true, flushIdentify: true })).toEqual([
      'HubSpot setting "loadformsdk" is not known and is ignored; did you mean "loadFormsSdk"?',
      'HubSpot setting "useCustomBehavioralEvent" is not known and is ignored; did you mean "useCustomBehavioralEvents"?',
      'HubSpot setting "flushIdentify" is not known and is ignored; did you mean "flushIdentifyImmediately"?',
    ])
  })

  test("known settings, their aliases and the keys Segment's CDN settings carry for every destination raise no warning", () => {
    const options = {
      portalId: '62515',
      ...DOCUMENTED_DEFAULTS,
      loadFormsSDK: true,
      apiKey: 'cloud-mode key',
      type: 'browser',
      versionSettings: { componentTypes: ['browser'] },
      bundlingStatus: 'bundled',
    }
    expect(unknownSettings(options)).toEqual([])
    expect(unknownSettings(null)).toEqual([])
  })
})

test('a missing portalId is "required", whether the options are missing, empty or give it as null or ""', () => {
  for (const options of [undefined, {}, { portalId: null }, { portalId: '' }]) {
    const error = settingsError(options)
    expect(error.setting).toBe('portalId')
    expect(error.message).toMatch(/^HubSpot setting "portalId" is required/)
  }
})

describe('region: every HubSpot data centre, and no other host', () => {
  test.each([
    ['na1', 'https://js.hs-scripts.com/62515.js', 'https://js.hsforms.net/forms/v2.js'],
    ['na2', 'https://js-na2.hs-scripts.com/62515.js', 'https://js-na2.hsforms.net/forms/v2.js'],
    ['eu1', 'https://js-eu1.hs-scripts.com/62515.js', 'https://js-eu1.hsforms.net/forms/v2.js'],
    ['ap1', 'https://js-ap1.hs-scripts.com/62515.js', 'https://js-ap1.hsforms.net/forms/v2.js'],
  ] as const)('%s: %s and %s', (region, tracking, forms) => {
    const settings = parseSettings({ portalId: '62515', region })
    expect(settings.region).toBe(region)
    expect(settings.enableEuropeanDataCenter).toBe(region === 'eu1')
    expect(trackingScriptUrl(settings)).toBe(tracking)
    expect(formsSdkUrl(settings)).toBe(forms)
  })

  test("the Trusted Types policy allows each region's scripts, and no other host", () => {
    for (const region of REGIONS) {
      const settings = parseSettings({ portalId: '62515', region })
      expect([trackingScriptUrl(settings), formsSdkUrl(settings)].map((url) => HUBSPOT_SCRIPT.test(url)), region).toEqual([true, true])
    }
    for (const url of ['https://js-xx1.hs-scripts.com/1.js', 'https://js.hs-scripts.com.evil.example/1.js', 'https://js-eu1.hsforms.net/forms/v3.js']) {
      expect(HUBSPOT_SCRIPT.test(url), url).toBe(false)
    }
  })

  test('enableEuropeanDataCenter: true is eu1, also next to the na1 the classic integration fills in', () => {
    expect(parseSettings({ portalId: '1', enableEuropeanDataCenter: true }).region).toBe('eu1')
    expect(parseSettings({ portalId: '1', enableEuropeanDataCenter: true, region: 'na1' }).region).toBe('eu1')
    expect(parseSettings({ portalId: '1', enableEuropeanDataCenter: true, region: 'eu1' }).region).toBe('eu1')
  })

  test.each([
    [{ region: 'evil.example.com/x' }, 'HubSpot setting "region" must be one of na1, na2, eu1, ap1; got "evil.example.com/x"'],
    [{ region: 'EU1' }, 'HubSpot setting "region" must be one of na1, na2, eu1, ap1; got "EU1"'],
    [{ region: 1 }, 'HubSpot setting "region" must be one of na1, na2, eu1, ap1; got 1'],
    [{ region: 'na2', enableEuropeanDataCenter: true }, 'HubSpot setting "region" disagrees with enableEuropeanDataCenter: true (which is eu1); got "na2"'],
  ])('%o is refused', (options, message) => {
    const error = settingsError({ portalId: '1', ...options })
    expect([error.setting, error.message]).toEqual(['region', message])
  })
})

describe('the settings of issue 11', () => {
  test('trackFormSubmissions, attachUserToken and consentFromHubSpotBanner are true or false', () => {
    const flags = { trackFormSubmissions: true, attachUserToken: true, consentFromHubSpotBanner: true }
    expect(parseSettings({ portalId: '1', ...flags })).toMatchObject(flags)
    expect(() => parseSettings({ portalId: '1', attachUserToken: 'yes' })).toThrow('HubSpot setting "attachUserToken" must be true or false; got "yes"')
  })

  test('formFields is a list of field names, trimmed', () => {
    expect(parseSettings({ portalId: '1', formFields: [' company ', 'phone'] }).formFields).toEqual(['company', 'phone'])
    expect(() => parseSettings({ portalId: '1', formFields: 'company' })).toThrow('HubSpot setting "formFields" must be a list of form field names; got "company"')
    expect(() => parseSettings({ portalId: '1', formFields: ['company', ''] })).toThrow('HubSpot setting "formFields" must be a list of form field names; got an array')
  })

  test('mappings: dotted paths into the event, for the fields it knows', () => {
    const mappings = { email: 'traits.contact.email', userId: 'properties.account.id', contactProperties: 'traits.contact', eventProperties: 'properties.details', eventName: 'properties.action', pagePath: 'context.page.path' }
    expect(parseSettings({ portalId: '1', mappings }).mappings).toEqual(mappings)
    expect(() => parseSettings({ portalId: '1', mappings: { mail: 'traits.email' } })).toThrow(
      'HubSpot setting "mappings" has no field "mail": it maps email, userId, contactProperties, eventProperties, eventName, pagePath; got "mail"',
    )
    for (const path of ['window.location', 'traits..email', 'traits.', '', 'traits.a b', 'a.b.c.d.e.f.g.h.i.j.k'.replace(/^a/, 'traits')]) {
      expect(() => parseSettings({ portalId: '1', mappings: { email: path } }), path).toThrow(/HubSpot setting "mappings" maps email to a dotted path into the event/)
    }
    expect(() => parseSettings({ portalId: '1', mappings: ['traits.email'] })).toThrow('HubSpot setting "mappings" must map email, userId, contactProperties, eventProperties, eventName, pagePath to dotted paths; got an array')
  })
})
