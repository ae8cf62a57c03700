import { mayBeIsoDate, parseIso, toHubSpotDate } from './date'
import type { HubSpotValue } from './types'

/** Whitespace as JavaScript's `\s` knows it, plus zero-width characters and the BOM. */
function trimmable(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13)
  if (code < 160) return false
  return (
    code === 160 || code === 0x1680 || code === 0x180e || (code >= 0x2000 && code <= 0x200d) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x2060 ||
    code === 0x3000 || code === 0xfeff
  )
}

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

