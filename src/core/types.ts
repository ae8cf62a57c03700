/** A Segment-spec call as analytics.js and analytics-next hand it to a destination. */
export interface SegmentEvent {
  type?: unknown
  event?: unknown
  name?: unknown
  userId?: unknown
  anonymousId?: unknown
  traits?: unknown
  properties?: unknown
  context?: unknown
  /** When the event happened (ISO-8601), as Segment's libraries set it; the server half reads it. */
  timestamp?: unknown
  originalTimestamp?: unknown
}

/** A value HubSpot accepts for a contact or event property. */
export type HubSpotValue = string | number | boolean

export type HubSpotProperties = Record<string, HubSpotValue>

/** One entry of `window._hsq`: the method name, then its arguments. */
export type HubSpotCommand =
  | ['identify', HubSpotProperties]
  | ['setPath', string]
  | ['trackPageView']
  | ['trackEvent', HubSpotProperties & { id: string; value?: number | string }]
  | ['trackCustomBehavioralEvent', { name: string; properties: HubSpotProperties }]
  | ['resetVisitor']
  | ['doNotTrack']
  | ['doNotTrack', { track: true }]
  | ['addUserTokenListener', (token: string) => void]

export type HubSpotCommandName = HubSpotCommand[0]
