import { field, isRecord, ownKeys } from './flatten'
import { INVALID, describe, fail, parseNames } from './settings-check'
import type { HubSpotSettings } from './settings'

/** What `mappings` can say where to read from. */
export const MAPPED_FIELDS = ['email', 'userId', 'contactProperties', 'eventProperties', 'eventName', 'pagePath'] as const
export type FieldMappings = Partial<Record<(typeof MAPPED_FIELDS)[number], string>>

// A dotted path into the Segment event: `traits.contact.email`, `properties.order.email`, `userId`.
const PATH = /^(traits|properties|context|userId|anonymousId|event|name)(\.[^.\s]+){0,9}$/

function parseMappings(value: unknown): FieldMappings {
  if (value == null) return {}
  if (!isRecord(value)) fail('mappings', __DEV__ ? `must map ${MAPPED_FIELDS.join(', ')} to dotted paths` : INVALID, value)
  const mappings: FieldMappings = {}
  for (const name of ownKeys(value)) {
    const path = field(value, name)
    if (!MAPPED_FIELDS.includes(name as (typeof MAPPED_FIELDS)[number])) fail('mappings', __DEV__ ? `has no field ${describe(name)}: it maps ${MAPPED_FIELDS.join(', ')}` : INVALID, name)
    if (typeof path !== 'string' || !PATH.test(path)) {
      fail('mappings', __DEV__ ? `maps ${name} to a dotted path into the event that starts at traits, properties, context, userId, anonymousId, event or name` : INVALID, path)
    }
    mappings[name as (typeof MAPPED_FIELDS)[number]] = path
  }
  return mappings
}

/**
 * The settings only the full plugin uses (`mappings`, `formFields`), checked: the main plugin does not
 * carry these checks, and reports either setting as one that needs `hubspot-destination/full`.
 */
export const parseOptInSettings = (read: (name: string) => unknown): Pick<HubSpotSettings, 'mappings' | 'formFields'> => ({
  formFields: parseNames('formFields', read('formFields')),
  mappings: parseMappings(read('mappings')),
})
