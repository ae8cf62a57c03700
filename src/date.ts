// YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and a zone (Z, ±HH:MM or ±HHMM).
const ISO_8601 = /^(\d{4})-(\d\d)-(\d\d)(?:[Tt](\d\d:\d\d)(:\d\d)?(?:[.,](\d+))?([Zz]|[+-]\d\d:?\d\d)?)?$/

export function isDate(value: unknown): value is Date {
  // instanceof is the fast answer; the tag also catches Dates from another frame.
  try {
    return value instanceof Date || Object.prototype.toString.call(value) === '[object Date]'
  } catch {
    return false // a Proxy whose traps throw
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
  const [, y, mo, d, time, seconds, fraction, zone] = match
  const [year, month, day] = [Number(y), Number(mo), Number(d)]
  const [hour, minute] = time ? [Number(time.slice(0, 2)), Number(time.slice(3))] : [0, 0]
  const second = seconds ? Number(seconds.slice(1)) : 0
  let offset = 0
  if (zone && zone.length > 1) {
    const sign = zone[0] === '-' ? -1 : 1
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(-2))]
    if (zh > 23 || zm > 59) return NaN
    offset = sign * (zh * 60 + zm) * 60_000
  }
  // Checked here because Date.UTC would roll 2023-02-30 over into March.
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return NaN
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0))
  // Date.UTC reads years 0-99 as 1900-1999.
  if (year < 100) date.setUTCFullYear(year)
  return date.getTime() - offset
}
