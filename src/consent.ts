import { isRecord } from './flatten'

/**
 * Whether an event grants every required consent category, read from analytics-next's
 * `context.consent.categoryPreferences`. No required category: always granted.
 */
export function grantsConsent(event: unknown, categories: readonly string[]): boolean {
  if (categories.length === 0) return true
  try {
    const context = isRecord(event) ? event.context : undefined
    const consent = isRecord(context) ? context.consent : undefined
    const preferences = isRecord(consent) ? consent.categoryPreferences : undefined
    return isRecord(preferences) && categories.every((category) => preferences[category] === true)
  } catch {
    return false // a getter that throws grants nothing
  }
}
