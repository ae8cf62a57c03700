// hubspot-destination/server: the server half (cloud mode), for Node 18+. No DOM; HubSpot's API through
// its official Node SDK (@hubspot/api-client, an optional peer dependency). Shares src/core with the browser.
export { createHubSpotClient, DEFAULT_BASE_URL, MISSING_SDK, type ClientOptions } from './client'
export { HubSpotApiError, type CrmObject, type EventOccurrence, type HubSpotApi } from './hubspot-api'
export type { EventRequests, HubSpotRequest, KnownContacts, PropertyValues } from './requests'
export { parseSettings, HubSpotSettingsError, type HubSpotOptions, type HubSpotSettings } from '../core/settings'
export type { SegmentEvent } from '../core/types'
export { fileCheckpoint, fileContacts, memoryCheckpoint, memoryContacts, type CheckpointStore, type ContactStore } from './stores'
export { toRequests } from './to-requests'
export { createServerDestination, type ServerDestination, type ServerDestinationOptions } from './destination'
export {
  createDelivery,
  systemClock,
  DEFAULT_RATE,
  DAILY_LIMIT_REACHED,
  STOPPED,
  type Clock,
  type Delivery,
  type DeliveryItem,
  type DeliveryOptions,
  type DeliveryOutcome,
  type DeliveryProgress,
  type DeliveryResult,
} from './delivery'
