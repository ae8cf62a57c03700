// YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and a zone (Z, ±HH:MM or ±HHMM).
const ISO_8601 = /^(\d{4}-\d\d-\d\d)(?:[Tt](\d\d:\d\d)(:\d\d)?(?:[.,](\d+))?([Zz]|[+-]\d\d:?\d\d)?)?$/

export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]'
}

/** Whether a string has the shape of an ISO-8601 date or date-time (valid or not). */
export function looksLikeIsoDate(value: string): boolean {
  return ISO_8601.test(value)
}

/**
 * Unix milliseconds for a `Date` or an ISO-8601 string, as HubSpot wants dates.
 * A date-only string is midnight UTC; a date-time without a zone is UTC.
 * Returns `undefined` for anything that is not a valid date.
 */
export function toHubSpotDate(value: unknown): number | undefined {
  const ms = isDate(value) ? Date.prototype.getTime.call(value) : typeof value === 'string' ? parseIso(value) : NaN
  return Number.isFinite(ms) ? ms : undefined
}

function parseIso(text: string): number {
  const match = ISO_8601.exec(text)
  if (!match) return NaN
  const [, day, time = '00:00', seconds = ':00', fraction = '', zone = 'Z'] = match as unknown as string[]
  const offset = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone.toUpperCase()
  // Date.parse rolls 2023-02-30 over into March; the round trip of the day catches that.
  const midnight = Date.parse(`${day}T00:00Z`)
  if (!(midnight >= -8.64e15) || new Date(midnight).toISOString().slice(0, 10) !== day) return NaN
  return Date.parse(`${day}T${time}${seconds}.${fraction.slice(0, 3).padEnd(3, '0')}${offset}`)
}
