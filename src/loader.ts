import type { HubSpotWindow } from './queue'
import type { HubSpotSettings } from './settings'
import { FORMS_SDK_PATTERN, TRACKING_SCRIPT_PATTERN, formsSdkUrl, trackingScriptUrl } from './urls'

/** The id HubSpot's own embed code gives its tracking loader. */
export const TRACKING_SCRIPT_ID = 'hs-script-loader'
/** How long `ready` waits for the Forms SDK before going ahead without it. */
export const FORMS_SDK_TIMEOUT_MS = 10_000
const FORMS_POLL_MS = 50

export type BrowserWindow = Window & HubSpotWindow

function hasScript(doc: Document, pattern: RegExp): boolean {
  return Array.from(doc.getElementsByTagName('script')).some((script) => pattern.test(script.src))
}

function injectScript(doc: Document, src: string, id: string | undefined, onError: () => void): HTMLScriptElement {
  const script = doc.createElement('script')
  script.async = true
  if (id) script.id = id
  script.src = src
  script.addEventListener('error', onError)
  const anchor = doc.getElementsByTagName('script')[0]
  if (anchor?.parentNode) anchor.parentNode.insertBefore(script, anchor)
  else (doc.head ?? doc.documentElement).appendChild(script)
  return script
}

function formsReady(win: BrowserWindow): boolean {
  return typeof win.hbspt === 'object' && win.hbspt !== null && win.hbspt.forms != null
}

/** Adds HubSpot's tracking loader unless the page already has it. */
export function loadTrackingScript(win: BrowserWindow, settings: HubSpotSettings, onError: () => void): void {
  const doc = win.document
  if (doc.getElementById(TRACKING_SCRIPT_ID) || hasScript(doc, TRACKING_SCRIPT_PATTERN)) return
  injectScript(doc, trackingScriptUrl(settings), TRACKING_SCRIPT_ID, onError)
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
  if (formsReady(win)) return Promise.resolve()
  return new Promise((resolve) => {
    let done = false
    const finish = (warning?: string) => {
      if (done) return
      done = true
      clearInterval(poll)
      clearTimeout(timer)
      if (warning) warn(warning)
      resolve()
    }
    const poll = setInterval(() => formsReady(win) && finish(), FORMS_POLL_MS)
    const timer = setTimeout(
      () => finish(`HubSpot's Forms SDK has not loaded after ${timeoutMs / 1000} s; going on without window.hbspt.forms`),
      timeoutMs,
    )
    if (!hasScript(win.document, FORMS_SDK_PATTERN)) {
      const script = injectScript(win.document, formsSdkUrl(settings), undefined, () =>
        finish(`HubSpot's Forms SDK did not load (${formsSdkUrl(settings)}); window.hbspt.forms is not available`),
      )
      script.addEventListener('load', () => formsReady(win) && finish())
    }
  })
}
