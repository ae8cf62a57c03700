// ISO-8601 as accepted here: YYYY-MM-DD, optionally THH:MM[:SS][.fraction] and a zone (Z, ±HH:MM or ±HHMM).

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

/** The number written by `count` ASCII digits from `start`, or -1. */
function digits(text: string, start: number, count: number): number {
  let value = 0
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48
    if (!(digit >= 0 && digit <= 9)) return -1 // also past the end, where charCodeAt is NaN
    value = value * 10 + digit
  }
  return value
}

// 146,097 days: 400 Gregorian years, leap days and all.
const FOUR_CENTURIES_MS = 146_097 * 86_400_000

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

/**
 * Unix milliseconds; NaN for an invalid date; `undefined` when the text is not ISO-8601 at all.
 * A scanner rather than a regex: dates are common in traits, and this is several times faster.
 */
export function parseIso(text: string): number | undefined {
  const length = text.length
  const year = digits(text, 0, 4)
  const month = digits(text, 5, 2)
  const day = digits(text, 8, 2)
  if (year < 0 || month < 0 || day < 0 || text[4] !== '-' || text[7] !== '-') return undefined
  let [hour, minute, second, ms, offset] = [0, 0, 0, 0, 0]
  if (length > 10) {
    // THH:MM, then optionally :SS, .fraction and a zone
    if ((text[10] !== 'T' && text[10] !== 't') || text[13] !== ':') return undefined
    hour = digits(text, 11, 2)
    minute = digits(text, 14, 2)
    if (hour < 0 || minute < 0) return undefined
    let i = 16
    if (text[i] === ':') {
      second = digits(text, i + 1, 2)
      if (second < 0) return undefined
      i += 3
    }
    if (text[i] === '.' || text[i] === ',') {
      let end = i + 1
      while (digits(text, end, 1) >= 0) end++
      if (end === i + 1) return undefined
      ms = Number(text.slice(i + 1, Math.min(end, i + 4)).padEnd(3, '0'))
      i = end
    }
    const zone = text[i]
    if (zone === 'Z' || zone === 'z') i++
    else if (zone === '+' || zone === '-') {
      const zoneHour = digits(text, i + 1, 2)
      const colon = text[i + 3] === ':' ? 1 : 0
      const zoneMinute = digits(text, i + 3 + colon, 2)
      if (zoneHour < 0 || zoneMinute < 0) return undefined
      // An offset beyond ±23:59 makes the date invalid, not the text something else.
      offset = zoneHour > 23 || zoneMinute > 59 ? NaN : (zone === '-' ? -1 : 1) * (zoneHour * 60 + zoneMinute) * 60_000
      i += 5 + colon
    }
    if (i !== length) return undefined
  } else if (length !== 10) return undefined
  // Checked here because Date.UTC would roll 2023-02-30 over into March.
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return NaN
  // Date.UTC reads years 0-99 as 1900-1999; the calendar repeats every 400 years, so go 400 up and back.
  return year < 100
    ? Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - FOUR_CENTURIES_MS - offset
    : Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset
}
