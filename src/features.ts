import type { BrowserWindow } from './loader'
import { HubSpotSettingsError, type HubSpotSettings } from './settings'
import type { HubSpotCommand } from './types'

/**
 * What a site switches on with a setting. Handed in, not imported, so the default plugin carries none
 * of it; `hubspot-destination/full`, the classic integration and the script-tag and CDN bundles have all.
 */
export interface Features {
  /** `loadFormsSdk`: adds HubSpot's Forms SDK; settles once `hbspt.forms` is there or it gave up. */
  formsSdk?: (win: BrowserWindow, settings: HubSpotSettings, warn: (message: string) => void) => Promise<void>
  /** `useCustomBehavioralEvents: false`: HubSpot's legacy `trackEvent`. */
  legacyEvent?: (id: string, properties: unknown, notes: string[]) => HubSpotCommand
}

/** The entry whose plugin has every feature. */
export const FULL_ENTRY = 'hubspot-destination/full'

/** Throws a settings error naming a setting that needs a feature these `features` lack. */
export function checkFeatures(settings: HubSpotSettings, features: Features): void {
  const missing = settings.loadFormsSdk && !features.formsSdk ? 'loadFormsSdk' : !settings.useCustomBehavioralEvents && !features.legacyEvent ? 'useCustomBehavioralEvents' : ''
  if (missing) {
    // The value that asks for the feature: `loadFormsSdk: true`, `useCustomBehavioralEvents: false`.
    const value = missing === 'loadFormsSdk'
    throw new HubSpotSettingsError(missing, `${value} needs ${__DEV__ ? `the plugin of "${FULL_ENTRY}": import { hubspot } from '${FULL_ENTRY}'` : FULL_ENTRY}`)
  }
}
