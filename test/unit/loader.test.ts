import { afterEach, describe, expect, test, vi } from 'vitest'
import { FORMS_SDK_TIMEOUT_MS, loadFormsSdk } from '../../src/browser/forms'
import { TRACKING_SCRIPT_ID, loadTrackingScript } from '../../src/browser/loader'
import { formsSdkUrl, trackingScriptUrl } from '../../src/browser/urls'
import { PORTAL_ID, addScript, page, resetPage, scripts, settingsWith } from './helpers'

afterEach(() => {
  vi.useRealTimers()
  resetPage()
})

const TRACKING = `https://js.hs-scripts.com/${PORTAL_ID}.js`
const TRACKING_EU = `https://js-eu1.hs-scripts.com/${PORTAL_ID}.js`
const FORMS = 'https://js.hsforms.net/forms/v2.js'
const FORMS_EU = 'https://js-eu1.hsforms.net/forms/v2.js'

describe('script URLs', () => {
  test('the tracking loader is js.hs-scripts.com/<portalId>.js, js-eu1 in the EU', () => {
    expect(trackingScriptUrl(settingsWith())).toBe(TRACKING)
    expect(trackingScriptUrl(settingsWith({ enableEuropeanDataCenter: true }))).toBe(TRACKING_EU)
  })

  test('the Forms SDK is js.hsforms.net/forms/v2.js, js-eu1 in the EU', () => {
    expect(formsSdkUrl(settingsWith())).toBe(FORMS)
    expect(formsSdkUrl(settingsWith({ enableEuropeanDataCenter: true }))).toBe(FORMS_EU)
  })
})

describe('loadTrackingScript', () => {
  test('injects one async script with id hs-script-loader', () => {
    loadTrackingScript(page(), settingsWith(), () => {})
    expect(scripts()).toEqual([{ id: TRACKING_SCRIPT_ID, async: true, src: TRACKING }])
  })

  test('injects the EU host with enableEuropeanDataCenter', () => {
    loadTrackingScript(page(), settingsWith({ enableEuropeanDataCenter: true }), () => {})
    expect(scripts()).toEqual([{ id: 'hs-script-loader', async: true, src: TRACKING_EU }])
  })

  test('adds no second script when called again', () => {
    loadTrackingScript(page(), settingsWith(), () => {})
    loadTrackingScript(page(), settingsWith(), () => {})
    expect(scripts()).toEqual([{ id: 'hs-script-loader', async: true, src: TRACKING }])
  })

  test.each([
    ["HubSpot's embed code", TRACKING, 'hs-script-loader'],
    ['the EU embed code without its id', TRACKING_EU, ''],
    ['the analytics script loaded directly', `https://js.hs-analytics.net/analytics/1700000000000/${PORTAL_ID}.js`, ''],
  ])('adds nothing when the page already carries %s', (_case, src, id) => {
    addScript(src, id)
    loadTrackingScript(page(), settingsWith(), () => {})
    expect(scripts()).toEqual([{ id, async: false, src }])
  })

  test('reports a script that fails to load', () => {
    const onError = vi.fn()
    loadTrackingScript(page(), settingsWith(), onError)
    document.getElementById('hs-script-loader')!.dispatchEvent(new Event('error'))
    expect(onError).toHaveBeenCalledTimes(1)
  })
})

describe('loadFormsSdk', () => {
  test('injects the Forms SDK and resolves once window.hbspt.forms exists', async () => {
    const warn = vi.fn()
    let resolved = false
    void loadFormsSdk(page(), settingsWith(), warn).then(() => (resolved = true))
    expect(scripts()).toEqual([{ id: '', async: true, src: FORMS }])
    await new Promise((r) => setTimeout(r, 120))
    expect(resolved).toBe(false)
    page().hbspt = { forms: { create: () => {} } }
    document.querySelector(`script[src="${FORMS}"]`)!.dispatchEvent(new Event('load'))
    await vi.waitFor(() => expect(resolved).toBe(true), { timeout: 2000 })
    expect(warn).not.toHaveBeenCalled()
  })

  test('injects the EU Forms SDK with enableEuropeanDataCenter', () => {
    void loadFormsSdk(page(), settingsWith({ enableEuropeanDataCenter: true }), () => {})
    expect(scripts()).toEqual([{ id: '', async: true, src: FORMS_EU }])
  })

  test('resolves at once, without a script, when the page already has window.hbspt.forms', async () => {
    page().hbspt = { forms: { create: () => undefined } }
    const warn = vi.fn()
    await loadFormsSdk(page(), settingsWith(), warn)
    expect(warn).not.toHaveBeenCalled()
  })

  test('adds no second Forms SDK when the page already carries one', () => {
    addScript(FORMS)
    void loadFormsSdk(page(), settingsWith(), () => {})
    expect(scripts()).toEqual([{ id: '', async: false, src: FORMS }])
  })

  test('resolves with a warning after 10 s when window.hbspt.forms never comes', async () => {
    vi.useFakeTimers()
    const warn = vi.fn()
    let resolved = false
    void loadFormsSdk(page(), settingsWith(), warn).then(() => (resolved = true))
    await vi.advanceTimersByTimeAsync(FORMS_SDK_TIMEOUT_MS - 100)
    expect(resolved).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(resolved).toBe(true)
    expect(FORMS_SDK_TIMEOUT_MS).toBe(10_000)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/Forms SDK/)
  })

  test('resolves with a warning when the Forms SDK fails to load', async () => {
    const warn = vi.fn()
    const loaded = loadFormsSdk(page(), settingsWith(), warn)
    document.querySelector(`script[src="${FORMS}"]`)!.dispatchEvent(new Event('error'))
    await loaded
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]![0]).toMatch(/Forms SDK/)
  })
})
