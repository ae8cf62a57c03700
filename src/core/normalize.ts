import { contactEntries } from './contact'
import { collectObject, collected, type Collected } from './flatten'
import type { HubSpotProperties } from './types'

export { toHubSpotDate } from './date'
export { normalizeKey } from './keys'
export { toHubSpotValue, trimText } from './values'

/** Event properties as HubSpot wants them, with notes on what the caps left out. */
export function collectProperties(properties: unknown): Collected {
  const into = collected()
  collectObject(properties, '', 0, [], into)
  return into
}

/** Event properties as HubSpot wants them: normalised keys, primitive values, flattened. */
export function normalizeProperties(properties: unknown): HubSpotProperties {
  return collectProperties(properties).out
}

/** Identify traits as HubSpot contact properties: `normalizeProperties` plus the contact aliases. */
export function normalizeTraits(traits: unknown): HubSpotProperties {
  return contactEntries(traits).out
}
