import type { Plugin } from '@segment/analytics-next'
import { listenToBanner } from './banner-consent'
import type { FeatureContext, Features } from './features'
import { trackFormSubmissions } from './form-submissions'
import { loadFormsSdk } from './forms'
import { legacyEvent } from './legacy-event'
import { mapFields } from '../core/mappings'
import { createPlugin } from './plugin'
import { parseSettings, type HubSpotOptions } from '../core/settings'

import { attachUserToken } from './user-token'

/** What runs on the page, as the settings say; returns what stops it. */
function attach(context: FeatureContext): () => void {
  const { settings } = context
  if (settings.consentFromHubSpotBanner) listenToBanner(context)
  if (settings.attachUserToken) attachUserToken(context)
  return settings.trackFormSubmissions ? trackFormSubmissions(context) : () => {}
}

/** Every feature a setting can switch on. */
export const ALL_FEATURES: Features = { parseSettings, formsSdk: loadFormsSdk, legacyEvent, mapFields, attach }

/** The plugin with every feature: for sites that switch one on (the Forms SDK, legacy events, form tracking, the visitor token, mappings, the banner's consent). */
export const hubspot = (options: HubSpotOptions): Plugin => createPlugin(options, ALL_FEATURES)
