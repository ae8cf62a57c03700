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

/** A cheap first look (`YYYY-MM-…`): most strings are not dates and stop here. */
export function mayBeIsoDate(value: string): boolean {
  return value.length >= 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45
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
  return ms !== undefined && Number.isFinite(ms) ? ms : undefined
}

/** Unix milliseconds; NaN for an invalid date; `undefined` when the text is not ISO-8601 at all. */
export function parseIso(text: string): number | undefined {
  const match = ISO_8601.exec(text)
  if (!match) return undefined
  const year = +match[1]!
  const month = +match[2]!
  const day = +match[3]!
  const time = match[4]
  const hour = time ? +time.slice(0, 2) : 0
  const minute = time ? +time.slice(3) : 0
  const second = match[5] ? +match[5].slice(1) : 0
  const fraction = match[6]
  const zone = match[7]
  let offset = 0
  if (zone && zone.length > 1) {
    const zoneHour = +zone.slice(1, 3)
    const zoneMinute = +zone.slice(-2)
    if (zoneHour > 23 || zoneMinute > 59) return NaN
    offset = (zone[0] === '-' ? -1 : 1) * (zoneHour * 60 + zoneMinute) * 60_000
  }
  // Checked here because Date.UTC would roll 2023-02-30 over into March.
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return NaN
  const ms = fraction ? +fraction.slice(0, 3).padEnd(3, '0') : 0
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  // Date.UTC reads years 0-99 as 1900-1999.
  return (year < 100 ? new Date(utc).setUTCFullYear(year) : utc) - offset
}
