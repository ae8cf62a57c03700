/**
 * The form in which `events` mapping keys and event names are compared:
 * case, camelCase boundaries and separators (spaces, `_`, `-`, `.`) don't count.
 */
export function eventMatchKey(name: string): string {
  return name
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
    // A lookahead, not a captured run of capitals, keeps this linear on long names.
    .replace(/(\p{Lu})(?=\p{Lu}\p{Ll})/gu, '$1 ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase()
}

/** The HubSpot event that `events` maps a Segment event name to, if any. */
export function mappedEvent(events: ReadonlyMap<string, string>, name: string): string | undefined {
  return events.size === 0 ? undefined : events.get(eventMatchKey(name))
}

const INTERNAL_NAME = /^pe\d+_/

/** HubSpot's internal name for a custom behavioral event made in the portal: `pe<portalId>_<event_name>`. */
export function customBehavioralEventName(name: string, portalId: string): string {
  const lower = name.trim().toLowerCase()
  // Already an internal name: don't prefix it twice.
  if (INTERNAL_NAME.test(lower)) return lower
  return `pe${portalId}_${lower.replace(/[\s.]+/g, '_')}`
}
