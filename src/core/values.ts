import { mayBeIsoDate, parseIso, toHubSpotDate } from './date'
import type { HubSpotValue } from './types'

// JavaScript's `\s` plus the zero-width characters and U+180E, which `\s` no longer counts.
const WIDE_SPACE = /[\s\u180e\u200b-\u200d\u2060]/

/** Whitespace or a zero-width character; below U+00A0 decided without the regex, as nearly every character is. */
const trimmable = (code: number): boolean =>
  code < 160 ? code === 32 || (code >= 9 && code <= 13) : WIDE_SPACE.test(String.fromCharCode(code))

/** Strips every leading and trailing run of whitespace and zero-width characters, mixed in any order. */
export function trimText(text: string): string {
  // Character codes, not a regex: linear and cheap even on megabytes of spaces.
  let start = 0
  let end = text.length
  while (start < end && trimmable(text.charCodeAt(start))) start++
  while (end > start && trimmable(text.charCodeAt(end - 1))) end--
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

