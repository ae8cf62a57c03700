import { isDate, looksLikeIsoDate, toHubSpotDate } from './date'
import type { HubSpotValue } from './types'

// Whitespace as JavaScript's \s knows it, plus zero-width characters and the BOM.
const TRIMMABLE = /[\s\u180e\u200b-\u200d\u2060\ufeff]/

/** Strips every leading and trailing run of whitespace and zero-width characters, mixed in any order. */
export function trimText(text: string): string {
  // An index scan, not a regex with `$`: linear even on megabytes of spaces.
  let start = 0
  let end = text.length
  while (start < end && TRIMMABLE.test(text[start]!)) start++
  while (end > start && TRIMMABLE.test(text[end - 1]!)) end--
  return start === 0 && end === text.length ? text : text.slice(start, end)
}

/**
 * The HubSpot form of a single value, or `undefined` when it has none:
 * dates become Unix milliseconds, strings are trimmed, finite numbers and booleans stay.
 */
export function toHubSpotValue(value: unknown): HubSpotValue | undefined {
  switch (typeof value) {
    case 'string': {
      const text = trimText(value)
      return looksLikeIsoDate(text) ? toHubSpotDate(text) : text
    }
    case 'number':
      return Number.isFinite(value) ? value : undefined
    case 'boolean':
      return value
    case 'object':
      return value === null ? undefined : toHubSpotDate(value)
    default:
      return undefined
  }
}

export { isDate }
