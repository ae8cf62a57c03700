// YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and a zone (Z, ±HH:MM or ±HHMM).
const ISO_8601 = /^(\d{4})-(\d\d)-(\d\d)(?:[Tt](\d\d:\d\d)(:\d\d)?(?:[.,](\d+))?([Zz]|[+-]\d\d:?\d\d)?)?$/

export function isDate(value: unknown): value is Date {
  // instanceof is the fast answer; the tag also catches Dates from another frame.
  try {
    if (!(value instanceof Date) && Object.prototype.toString.call(value) !== '[object Date]') return false
    Date.prototype.getTime.call(value) // throws for an object that only looks like a Date
    return true
  } catch {
    return false
  }
}

/** Whether a string has the shape of an ISO-8601 date or date-time (valid or not). */
export function looksLikeIsoDate(value: string): boolean {
  // Cheap checks first: most strings are not dates.
  return value.length >= 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45 && ISO_8601.test(value)
}

const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : 30 + ((month + (month >> 3)) & 1)

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
  const [, year, month, day, time = '00:00', seconds = ':00', fraction = '', zone = 'Z'] = match as unknown as string[]
  // Date.parse would roll 2023-02-30 over into March.
  if (Number(day) > daysIn(Number(year), Number(month))) return NaN
  const offset = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone.toUpperCase()
  return Date.parse(`${year}-${month}-${day}T${time}${seconds}.${fraction.slice(0, 3).padEnd(3, '0')}${offset}`)
}
