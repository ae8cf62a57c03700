import { trimText } from './values'

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

const INTERNAL_PREFIX = /^pe\d+_/

/**
 * HubSpot's internal name for a custom behavioral event made in the portal, `pe<portalId>_<event_name>`,
 * where HubSpot's internal names hold only `a-z`, `0-9` and `_`. Accents are dropped (`é` → `e`);
 * every other run of characters becomes one `_`. `''` when nothing of the name is left.
 */
export function customBehavioralEventName(name: string, portalId: string): string {
  const lower = trimText(name)
    .normalize('NFD')
    // Combining marks and zero-width characters vanish rather than split a word.
    .replace(/[\u0300-\u036f\u200b-\u200d\u2060\ufeff]/g, '')
    .toLowerCase()
  // Already an internal name: don't prefix it twice.
  const prefix = INTERNAL_PREFIX.exec(lower)?.[0] ?? `pe${portalId}_`
  const body = lower
    .slice(lower.startsWith(prefix) ? prefix.length : 0)
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
  return body && prefix + body
}
