import { field, isRecord } from './flatten'
import type { FieldMappings } from './settings'
import type { SegmentEvent } from './types'

/** The value at a dotted path (`traits.contact.email`); own properties of plain objects only. */
export function valueAt(event: unknown, path: string): unknown {
  let value = event
  for (const key of path.split('.')) value = field(value, key)
  return value
}

const withField = (record: unknown, key: string, value: unknown): Record<string, unknown> => ({ ...(isRecord(record) ? record : {}), [key]: value })

/**
 * The event with each mapped field put where the mapping reads it by default, so the rest of the
 * mapping is unchanged: a copy, the caller's event untouched. A path that leads nowhere maps nothing.
 */
export function mapFields(event: SegmentEvent, mappings: Readonly<FieldMappings>): SegmentEvent {
  const type = field(event, 'type')
  const read = (name: keyof FieldMappings): unknown => (mappings[name] === undefined ? undefined : valueAt(event, mappings[name]!))
  const out: Record<string, unknown> = { ...event }
  const contact = read('contactProperties')
  if (type === 'identify' && isRecord(contact)) {
    // The email is still read where it is by default, unless `email` is mapped too.
    const email = field(event.traits, 'email')
    out.traits = email === undefined ? contact : { ...contact, email }
  }
  const userId = read('userId')
  if (typeof userId === 'string' || typeof userId === 'number') out.userId = userId
  const email = read('email')
  if (typeof email === 'string') {
    // identify reads the email from its traits; track from context.traits, which also makes the contact's identify.
    if (type === 'identify') out.traits = withField(out.traits, 'email', email)
    else if (type === 'track') out.context = withField(out.context, 'traits', withField(field(out.context, 'traits'), 'email', email))
  }
  if (type === 'track') {
    const properties = read('eventProperties')
    if (isRecord(properties)) out.properties = properties
    const name = read('eventName')
    if (typeof name === 'string') out.event = name
  }
  const path = read('pagePath')
  if (type === 'page' && typeof path === 'string') out.properties = withField(withField(out.properties, 'path', path), 'search', '')
  return out
}
