import type { HubSpotWindow } from './queue'
import type { HubSpotSettings } from './settings'
import { FORMS_SDK_PATTERN, TRACKING_SCRIPT_PATTERN, formsSdkUrl, trackingScriptUrl } from './urls'

/** The id HubSpot's own embed code gives its tracking loader. */
export const TRACKING_SCRIPT_ID = 'hs-script-loader'
/** How long `ready` waits for the Forms SDK before going ahead without it. */
export const FORMS_SDK_TIMEOUT_MS = 10_000

export type BrowserWindow = Window & HubSpotWindow

/**
 * Adds a script unless the page has one matching `pattern`, or a script with `id` (HubSpot's embed
 * code). An element with that id that is not a script (DOM clobbering) does not count: `warn` says so.
 */
function addScript(doc: Document, src: string, pattern: RegExp, onError: () => void, warn: (message: string) => void, id = ''): void {
  const named = id ? doc.getElementById(id) : null
  if (named?.tagName === 'SCRIPT' || Array.from(doc.scripts).some((script) => pattern.test(script.src))) return
  if (named) warn(`an element with the id "${id}" is not HubSpot's script; HubSpot's was added without that id`)
  const script = doc.createElement('script')
  script.async = true
  if (id && !named) script.id = id
  script.src = src
  script.onerror = onError
  ;(doc.head ?? doc.documentElement).appendChild(script)
}

/** Adds HubSpot's tracking loader unless the page already has it. */
export function loadTrackingScript(win: BrowserWindow, settings: HubSpotSettings, onError: () => void, warn: (message: string) => void = () => {}): void {
  addScript(win.document, trackingScriptUrl(settings), TRACKING_SCRIPT_PATTERN, onError, warn, TRACKING_SCRIPT_ID)
}

/** `window.hbspt.forms` exists; a `hbspt` that can't be read counts as no Forms SDK. */
export function formsReady(win: HubSpotWindow): boolean {
  try {
    return !!win.hbspt?.forms
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
        warn(`HubSpot's Forms SDK ${failed ? 'did not load' : `has not loaded after ${timeoutMs / 1000} s`}: no window.hbspt.forms`)
      }
      resolve()
    }
    // A page that already has the SDK (its own embed, or a second destination) does not get it twice.
    if (!formsReady(win)) addScript(win.document, formsSdkUrl(settings), FORMS_SDK_PATTERN, () => check(true), warn)
    check()
  })
}
