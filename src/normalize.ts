import { contactEntries } from './contact'
import { collectObject, type Collected } from './flatten'
import type { HubSpotProperties } from './types'

export { toHubSpotDate } from './date'
export { normalizeKey } from './keys'
export { toHubSpotValue, trimText } from './values'

function toObject(collected: Collected): HubSpotProperties {
  const out: HubSpotProperties = {}
  for (const [key, entry] of collected) out[key] = entry.value
  return out
}

/** Event properties as HubSpot wants them: normalised keys, primitive values, flattened. */
export function normalizeProperties(properties: unknown): HubSpotProperties {
  const collected: Collected = new Map()
  collectObject(properties, '', 0, new Set(), collected)
  return toObject(collected)
}

/** Identify traits as HubSpot contact properties: `normalizeProperties` plus the contact aliases. */
export function normalizeTraits(traits: unknown): HubSpotProperties {
  return toObject(contactEntries(traits))
}
