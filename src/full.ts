import type { Plugin } from '@segment/analytics-next'
import type { Features } from './features'
import { loadFormsSdk } from './forms'
import { legacyEvent } from './legacy-event'
import { createPlugin } from './plugin'
import type { HubSpotOptions } from './settings'

/** Every feature a setting can switch on: the Forms SDK and legacy events. */
export const ALL_FEATURES: Features = { formsSdk: loadFormsSdk, legacyEvent }

/** The plugin with every feature: for sites that set `loadFormsSdk` or `useCustomBehavioralEvents: false`. */
export const hubspot = (options: HubSpotOptions): Plugin => createPlugin(options, ALL_FEATURES)
