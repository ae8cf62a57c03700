import { HubSpot } from './classic'

export { HubSpot }
export type { HubSpotIntegration } from './classic'
export default HubSpot
export { hubspot } from './plugin'
export { toCommands, INITIAL_STATE, type Mapping, type MappingState } from './commands'
export { parseSettings, HubSpotSettingsError, DEFAULT_OPTIONS, type HubSpotOptions, type HubSpotSettings } from './settings'
export { normalizeKey, normalizeProperties, normalizeTraits, toHubSpotDate } from './normalize'
export { trackingScriptUrl, formsSdkUrl } from './urls'
export { VERSION } from './version'
export type { HubSpotCommand, HubSpotCommandName, HubSpotProperties, HubSpotValue, SegmentEvent } from './types'
