const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  return day <= (month === 2 && !isLeap(year) ? 28 : DAYS_IN_MONTH[month - 1]!)
}

function utc(year: number, month: number, day: number, h = 0, m = 0, s = 0, ms = 0): number {
  // Date.UTC maps years 0-99 to 1900-1999, so set the full year separately.
  const date = new Date(Date.UTC(2000, month - 1, day, h, m, s, ms))
  date.setUTCFullYear(year)
  return date.getTime()
}

/** Whether a string has the shape of an ISO-8601 date or date-time (valid or not). */
export function looksLikeIsoDate(value: string): boolean {
  return DATE_ONLY.test(value) || DATE_TIME.test(value)
}

/**
 * Unix milliseconds for a `Date` or an ISO-8601 string, as HubSpot wants dates.
 * A date-only string is midnight UTC; a date-time without a zone is UTC.
 * Returns `undefined` for anything that is not a valid date.
 */
export function toHubSpotDate(value: unknown): number | undefined {
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') {
    const ms = Date.prototype.getTime.call(value)
    return Number.isFinite(ms) ? ms : undefined
  }
  if (typeof value !== 'string') return undefined
  const day = DATE_ONLY.exec(value)
  if (day) {
    const [y, mo, d] = [Number(day[1]), Number(day[2]), Number(day[3])]
    return validDay(y, mo, d) ? utc(y, mo, d) : undefined
  }
  const t = DATE_TIME.exec(value)
  if (!t) return undefined
  const [y, mo, d, h, mi] = [Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5])]
  const s = t[6] === undefined ? 0 : Number(t[6])
  const ms = t[7] === undefined ? 0 : Number(t[7].slice(0, 3).padEnd(3, '0'))
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined
  let offset = 0
  if (t[9]) {
    const oh = Number(t[10])
    const om = Number(t[11])
    if (oh > 23 || om > 59) return undefined
    offset = (t[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000
  }
  const result = utc(y, mo, d, h, mi, s, ms) - offset
  return Number.isFinite(result) ? result : undefined
}
