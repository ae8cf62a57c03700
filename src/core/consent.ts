import { field, isRecord } from './flatten'

/** analytics-next's consent model: the event's `context.consent.categoryPreferences`. */
const preferencesOf = (event: unknown): unknown => field(field(field(event, 'context'), 'consent'), 'categoryPreferences')

/**
 * Whether an event grants every required consent category, read from analytics-next's
 * `context.consent.categoryPreferences`. No required category: always granted.
 */
export function grantsConsent(event: unknown, categories: readonly string[]): boolean {
  if (categories.length === 0) return true
  const preferences = preferencesOf(event)
  return isRecord(preferences) && categories.every((category) => field(preferences, category) === true)
}

/** Whether an event takes back a required category: the visitor set it to `false` (no consent data is no answer). */
export function withdrawsConsent(event: unknown, categories: readonly string[]): boolean {
  const preferences = preferencesOf(event)
  return categories.some((category) => field(preferences, category) === false)
}
