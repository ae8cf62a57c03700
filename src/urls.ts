import type { HubSpotSettings } from './settings'

type UrlSettings = Pick<HubSpotSettings, 'portalId' | 'enableEuropeanDataCenter'>

/** HubSpot's tracking loader for the portal; `portalId` is digits only, checked by `parseSettings`. */
export function trackingScriptUrl({ portalId, enableEuropeanDataCenter }: UrlSettings): string {
  return `https://${enableEuropeanDataCenter ? 'js-eu1' : 'js'}.hs-scripts.com/${portalId}.js`
}

/** HubSpot's Forms SDK, which defines `window.hbspt.forms`. */
export function formsSdkUrl({ enableEuropeanDataCenter }: Pick<HubSpotSettings, 'enableEuropeanDataCenter'>): string {
  return `https://${enableEuropeanDataCenter ? 'js-eu1' : 'js'}.hsforms.net/forms/v2.js`
}

/** Script sources that mean HubSpot's tracking code is already on the page. */
export const TRACKING_SCRIPT_PATTERN = /\/\/js(?:-[a-z0-9]+)?\.(?:hs-scripts\.com|hs-analytics\.net)\//
export const FORMS_SDK_PATTERN = /\/\/js(?:-[a-z0-9]+)?\.hsforms\.net\/forms\//
