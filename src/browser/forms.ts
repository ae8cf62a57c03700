import { addScript, type BrowserWindow } from './loader'
import type { HubSpotWindow } from './queue'
import type { HubSpotSettings } from '../core/settings'
import { FORMS_SDK_PATTERN, formsSdkUrl } from './urls'

/** How long `ready` waits for the Forms SDK before going ahead without it. */
export const FORMS_SDK_TIMEOUT_MS = 10_000

/**
 * HubSpot's Forms SDK is on the page: `window.hbspt.forms.create` is a function. An `hbspt` that can't
 * be read, or an element that only has that id or name (DOM clobbering), counts as no Forms SDK.
 */
export function formsReady(win: HubSpotWindow): boolean {
  try {
    return typeof (win.hbspt?.forms as { create?: unknown } | undefined)?.create === 'function'
  } catch {
    return false
  }
}

/**
 * Adds the Forms SDK unless the page has it, and resolves once `window.hbspt.forms`
 * exists, or with a warning when it fails or has not arrived within the timeout.
 */
export function loadFormsSdk(
  win: BrowserWindow,
  settings: HubSpotSettings,
  warn: (message: string) => void,
  timeoutMs = FORMS_SDK_TIMEOUT_MS,
): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now()
    let done = false
    const check = (failed?: boolean): void => {
      if (done) return
      done = formsReady(win) || !!failed || Date.now() - started >= timeoutMs
      if (!done) return void setTimeout(check, 50)
      if (!formsReady(win)) {
        warn(__DEV__ ? `HubSpot's Forms SDK ${failed ? 'did not load' : `has not loaded after ${timeoutMs / 1000} s`}: no window.hbspt.forms` : "HubSpot's Forms SDK did not load")
      }
      resolve()
    }
    // A page that already has the SDK (its own embed, or a second destination) does not get it twice.
    if (!formsReady(win)) addScript(win.document, formsSdkUrl(settings), FORMS_SDK_PATTERN, () => check(true), warn)
    check()
  })
}
