import { isDate, mayBeIsoDate, parseIso, toHubSpotDate } from './date'
import type { HubSpotValue } from './types'

// Whitespace as JavaScript's \s knows it, plus zero-width characters and the BOM.
const TRIMMABLE = /[\s\u180e\u200b-\u200d\u2060\ufeff]/

// A printable ASCII character other than space can't start or end a trimmable run.
const printable = (code: number): boolean => code > 32 && code < 127

/** Strips every leading and trailing run of whitespace and zero-width characters, mixed in any order. */
export function trimText(text: string): string {
  const last = text.length - 1
  if (last < 0 || (printable(text.charCodeAt(0)) && printable(text.charCodeAt(last)))) return text
  // An index scan, not a regex with `$`: linear even on megabytes of spaces.
  let start = 0
  let end = text.length
  while (start < end && TRIMMABLE.test(text[start]!)) start++
  while (end > start && TRIMMABLE.test(text[end - 1]!)) end--
  return text.slice(start, end)
}

/**
 * The HubSpot form of a single value, or `undefined` when it has none:
 * dates become Unix milliseconds, strings are trimmed, finite numbers and booleans stay.
 */
export function toHubSpotValue(value: unknown): HubSpotValue | undefined {
  switch (typeof value) {
    case 'string': {
      const text = trimText(value)
      const ms = mayBeIsoDate(text) ? parseIso(text) : undefined
      // Not a date: the text itself. An invalid date: nothing.
      return ms === undefined ? text : Number.isFinite(ms) ? ms : undefined
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
