import { HubSpot } from './browser/classic'

export { HubSpot }
export type { HubSpotIntegration } from './browser/classic'
export default HubSpot
export { hubspot } from './browser/plugin'
export { toCommands, INITIAL_STATE, type Mapping, type MappingState } from './browser/commands'
export { parseSettings, HubSpotSettingsError, DEFAULT_OPTIONS, type HubSpotOptions, type HubSpotSettings } from './core/settings'
export { normalizeKey, normalizeProperties, normalizeTraits, toHubSpotDate } from './core/normalize'
export { trackingScriptUrl, formsSdkUrl } from './browser/urls'
export { VERSION } from './core/version'
export type { HubSpotCommand, HubSpotCommandName, HubSpotProperties, HubSpotValue, SegmentEvent } from './core/types'
