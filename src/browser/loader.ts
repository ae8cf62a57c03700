import type { HubSpotWindow } from './queue'
import type { HubSpotSettings } from '../core/settings'
import { TRACKING_SCRIPT_PATTERN, trackingScriptUrl } from './urls'

/** The id HubSpot's own embed code gives its tracking loader. */
export const TRACKING_SCRIPT_ID = 'hs-script-loader'

export type BrowserWindow = Window & HubSpotWindow

/** The Trusted Types policy HubSpot's script URLs go through: a page that enforces Trusted Types allows it by this name. */
export const TRUSTED_TYPES_POLICY = 'hubspot-destination'

interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown
}
type TrustedTypesWindow = {
  trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy }
  [POLICY]?: ScriptUrlPolicy
}
// One policy per page, shared by every copy of the package (a second createPolicy of one name may be refused).
const POLICY = Symbol.for('hubspot-destination.trusted-types-policy')
// HubSpot's hosts in every region of REGIONS (na1 has no suffix), and nothing else; a test keeps the two in step.
export const HUBSPOT_SCRIPT = /^https:\/\/js(-(na2|eu1|ap1))?\.(hs-scripts\.com\/\d+\.js|hsforms\.net\/forms\/v2\.js)$/

/** `src` as the page's Trusted Types want a script URL: through our policy when the browser has Trusted Types. */
function scriptUrl(doc: Document, src: string): unknown {
  const win = doc.defaultView as (Window & TrustedTypesWindow) | null
  if (!win?.trustedTypes?.createPolicy) return src
  win[POLICY] ??= win.trustedTypes.createPolicy(TRUSTED_TYPES_POLICY, {
    createScriptURL(url) {
      if (!HUBSPOT_SCRIPT.test(url)) throw new TypeError(`${__DEV__ ? `${TRUSTED_TYPES_POLICY} only allows HubSpot's scripts; got` : 'refused'} ${url}`)
      return url
    },
  })
  return win[POLICY].createScriptURL(src)
}

/**
 * Adds a script unless the page has one matching `pattern`, or a script with `id` (HubSpot's embed
 * code). An element with that id that is not a script (DOM clobbering) does not count: `warn` says so.
 */
export function addScript(
  doc: Document,
  src: string,
  pattern: RegExp,
  onError: () => void,
  warn: (message: string) => void,
  id = '',
): HTMLScriptElement | undefined {
  const named = id ? doc.getElementById(id) : null
  if (named?.tagName === 'SCRIPT' || Array.from(doc.scripts).some((script) => pattern.test(script.src))) return undefined
  if (named) warn(__DEV__ ? `an element with the id "${id}" is not HubSpot's script; HubSpot's was added without that id` : `#${id} is not a script`)
  const script = doc.createElement('script')
  script.async = true
  if (id && !named) script.id = id
  try {
    script.src = scriptUrl(doc, src) as string
  } catch (error) {
    // The page enforces Trusted Types and allows no policy of this name: HubSpot stays off, the page goes on.
    warn(
      __DEV__
        ? `HubSpot's script was not added: the page's Trusted Types (Content-Security-Policy trusted-types) must allow the policy "${TRUSTED_TYPES_POLICY}" (${error instanceof Error ? error.message : 'refused'})`
        : `trusted-types must allow "${TRUSTED_TYPES_POLICY}"`,
    )
    onError()
    return undefined
  }
  script.onerror = onError
  ;(doc.head ?? doc.documentElement).appendChild(script)
  return script
}

/** Adds HubSpot's tracking loader unless the page already has it; returns the script it added. */
export function loadTrackingScript(
  win: BrowserWindow,
  settings: HubSpotSettings,
  onError: () => void,
  warn: (message: string) => void = () => {},
): HTMLScriptElement | undefined {
  return addScript(win.document, trackingScriptUrl(settings), TRACKING_SCRIPT_PATTERN, onError, warn, TRACKING_SCRIPT_ID)
}
