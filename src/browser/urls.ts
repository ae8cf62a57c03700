import type { HubSpotSettings } from '../core/settings'

type Region = Pick<HubSpotSettings, 'region'>

// `region` is one of REGIONS, checked by `parseSettings`: no other host can get in.
const origin = ({ region }: Region, domain: string): string => `https://js${region === 'na1' ? '' : `-${region}`}.${domain}/`

/** HubSpot's tracking loader for the portal; `portalId` is digits only, checked by `parseSettings`. */
export function trackingScriptUrl(settings: Pick<HubSpotSettings, 'portalId' | 'region'>): string {
  return `${origin(settings, 'hs-scripts.com')}${settings.portalId}.js`
}

/** HubSpot's Forms SDK, which defines `window.hbspt.forms`. */
export function formsSdkUrl(settings: Region): string {
  return `${origin(settings, 'hsforms.net')}forms/v2.js`
}

/** Script sources that mean HubSpot's tracking code, or its Forms SDK, is already on the page. */
export const TRACKING_SCRIPT_PATTERN = /\/\/js(-\w+)?\.(hs-scripts\.com|hs-analytics\.net)\//
export const FORMS_SDK_PATTERN = /\/\/js(-\w+)?\.hsforms\.net\/forms\//
