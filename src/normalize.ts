import { contactEntries } from './contact'
import { collectObject, collected } from './flatten'
import type { HubSpotProperties } from './types'

export { toHubSpotDate } from './date'
export { normalizeKey } from './keys'
export { toHubSpotValue, trimText } from './values'

/** Event properties as HubSpot wants them: normalised keys, primitive values, flattened. */
export function normalizeProperties(properties: unknown): HubSpotProperties {
  const into = collected()
  collectObject(properties, '', 0, [], into)
  return into.out
}

/** Identify traits as HubSpot contact properties: `normalizeProperties` plus the contact aliases. */
export function normalizeTraits(traits: unknown): HubSpotProperties {
  return contactEntries(traits).out
}
