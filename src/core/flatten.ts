import { hasOwn, isForbiddenKey, normalizeKey } from './keys'
import type { HubSpotProperties, HubSpotValue } from './types'
import { isDate } from './date'
import { toHubSpotValue } from './values'

// Caps on what one event becomes. HubSpot receives it in a beacon's URL, which servers and proxies
// commonly cut at about 8 KB, and no HubSpot property name is longer than 100 characters.

/** How far below the top a value may sit and still be kept. */
export const MAX_DEPTH = 5
/** More properties than any HubSpot object has. */
export const MAX_PROPERTIES = 1000
/** Longer keys (before or after flattening) are left out. */
export const MAX_KEY_LENGTH = 100
/** Longer values (text, or an array's items joined) are left out. */
export const MAX_VALUE_LENGTH = 1000
/** Longer arrays are left out rather than joined into one enormous multiple-checkbox value. */
export const MAX_ARRAY_LENGTH = 100
/** Keys and values of one payload in all, in characters: what fits in a beacon's URL. */
export const MAX_PAYLOAD_LENGTH = 8000
/** Properties read in one walk at most: the work stays bounded for objects that share children or have a million keys. */
export const MAX_VISITS = 10_000
/** Of those, at most this many below one top-level property, so one huge value does not crowd out the rest. */
export const MAX_VISITS_BELOW_ONE = 2_000

/** Properties on their way out; how many and how long (for the caps); how much was read; what was left out. */
export interface Collected {
  out: HubSpotProperties
  size: number
  length: number
  visits: number
  /** Where the walk stops: MAX_VISITS, or less below one top-level property. */
  limit: number
  /** How long the payload may grow: MAX_PAYLOAD_LENGTH, or half of what is left below one top-level property. */
  room: number
  notes: string[]
}

export const collected = (): Collected => ({ out: {}, size: 0, length: 0, visits: 0, limit: MAX_VISITS, room: MAX_PAYLOAD_LENGTH, notes: [] })

/** Says what was left out, the first few times: a hostile payload must not make the notes grow with it. */
export function leaveOut(into: Collected, note: string): void {
  if (into.notes.length < 5) into.notes.push(note)
  else if (into.notes.length === 5) into.notes.push(__DEV__ ? 'and more left out by the same caps' : 'and more')
}

const shown = (key: string): string => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)

/** A key too long to send, before or after normalising. */
const tooLong = (key: string): string => (__DEV__ ? `key ${shown(key)} left out: longer than ${MAX_KEY_LENGTH} characters` : `${shown(key)} left out`)

/** `"key" left out`, with the reason in development builds. */
const leftOut = (key: string, reason: string): string => (__DEV__ ? `${shown(key)} left out: ${reason}` : `${shown(key)} left out`)

export function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  try {
    const proto = Object.getPrototypeOf(value)
    return proto === Object.prototype || proto === null || Object.prototype.toString.call(value) === '[object Object]'
  } catch {
    return false // a revoked Proxy
  }
}

/** `record[key]` when `record` is a plain object that has it as its own; `undefined` otherwise or when its getter throws. */
export function field(record: unknown, key: string): unknown {
  try {
    // Own properties only: whatever a polluted Object.prototype holds is not the caller's.
    return isRecord(record) && hasOwn(record, key) ? record[key] : undefined
  } catch {
    return undefined
  }
}

/** Own enumerable string keys; none when even that throws (a hostile Proxy). */
export function ownKeys(object: object): string[] {
  try {
    return Object.keys(object)
  } catch {
    return []
  }
}

/**
 * Calls `visit` with each own property's key, normalised key and value; skips keys that are too
 * long, normalise to nothing or to a forbidden name, and properties whose getter throws. Stops once
 * the walk has read `MAX_VISITS` properties.
 */
export function eachProperty(
  object: Record<string, unknown>,
  into: Collected,
  visit: (key: string, normal: string, value: unknown) => void,
): void {
  for (const key of ownKeys(object)) {
    if (into.visits++ >= into.limit) {
      leaveOut(into, !__DEV__ ? 'properties left out' : into.limit < MAX_VISITS ? `properties past ${MAX_VISITS_BELOW_ONE} read below one key left out` : `properties past the first ${MAX_VISITS} read left out`)
      return
    }
    // Checked before any work on the key: a long key costs time in every step after this one.
    if (key.length > MAX_KEY_LENGTH) {
      leaveOut(into, tooLong(key))
      continue
    }
    let value: unknown
    try {
      value = object[key]
    } catch {
      continue // a getter that throws loses its key
    }
    const normal = normalizeKey(key)
    // Lower case can be longer than the key (`İ` becomes two characters).
    if (normal.length > MAX_KEY_LENGTH) leaveOut(into, tooLong(key))
    else if (normal && !isForbiddenKey(normal)) visit(key, normal, value)
  }
}

/**
 * A key already in normal form at the top level is canonical: it overwrites whatever
 * another key normalised to the same name; any other key never overwrites.
 */
export function put(into: Collected, key: string, value: HubSpotValue, canonical: boolean): void {
  // A number or boolean counts as 4 characters: close enough for a cap, and no string is built for it.
  const length = typeof value === 'string' ? value.length : 4
  if (length > MAX_VALUE_LENGTH) return leaveOut(into, leftOut(key, __DEV__ ? `its value is longer than ${MAX_VALUE_LENGTH} characters` : ''))
  const old = into.out[key]
  const exists = old !== undefined && hasOwn(into.out, key)
  if (exists && !canonical) return
  if (!exists && into.size >= MAX_PROPERTIES) return leaveOut(into, leftOut(key, __DEV__ ? `more than ${MAX_PROPERTIES} properties` : ''))
  // An overwrite counts as the difference it makes: the payload cap holds either way.
  const grows = exists ? length - (typeof old === 'string' ? old.length : 4) : key.length + length
  if (into.length + grows > into.room) return leaveOut(into, leftOut(key, __DEV__ ? `the payload would pass ${MAX_PAYLOAD_LENGTH} characters` : ''))
  if (!exists) into.size++
  into.length += grows
  into.out[key] = value
}

/** The items joined with `;`, or `undefined` when an item is an object (at most MAX_ARRAY_LENGTH items reach here; put() checks the length). */
function joinArray(items: unknown[]): string | undefined {
  let joined: string | undefined
  for (let i = 0; i < items.length; i++) {
    let item: unknown
    try {
      if (!(i in items)) continue // a hole in a sparse array
      item = items[i]
    } catch {
      continue
    }
    if (typeof item === 'object' && item !== null && !isDate(item)) return undefined
    const value = toHubSpotValue(item)
    if (value !== undefined) joined = joined === undefined ? String(value) : `${joined};${value}`
  }
  return joined
}

/** Adds one value under `key`: objects are flattened below it, arrays of primitives joined with `;`. */
export function collectValue(
  key: string,
  value: unknown,
  depth: number,
  canonical: boolean,
  ancestors: object[],
  into: Collected,
): void {
  if (typeof value === 'object' && value !== null && !isDate(value)) {
    let array: boolean
    try {
      array = Array.isArray(value)
    } catch {
      return // a revoked Proxy
    }
    if (array) {
      let joined: string | undefined
      try {
        if ((value as unknown[]).length > MAX_ARRAY_LENGTH) return leaveOut(into, leftOut(key, __DEV__ ? `more than ${MAX_ARRAY_LENGTH} items` : ''))
        joined = joinArray(value as unknown[])
      } catch {
        return // an array whose length or items can't be read loses its key, not the event
      }
      if (joined !== undefined) put(into, key, joined, canonical)
    } else if (depth === 0) {
      collectBelowTop(value, key, ancestors, into)
    } else if (depth < MAX_DEPTH) {
      collectObject(value, key, depth + 1, ancestors, into)
    }
    return
  }
  const normalized = toHubSpotValue(value)
  if (normalized !== undefined) put(into, key, normalized, canonical)
}

/**
 * Flattens one top-level value under `key` with its own share of the reads and of the payload,
 * so one huge value can't crowd out the properties after it.
 */
export function collectBelowTop(
  value: unknown,
  key: string,
  ancestors: object[],
  into: Collected,
  rename?: Readonly<Record<string, string>>,
): void {
  into.limit = Math.min(MAX_VISITS, into.visits + MAX_VISITS_BELOW_ONE)
  into.room = into.length + ((MAX_PAYLOAD_LENGTH - into.length) >> 1)
  collectObject(value, key, 1, ancestors, into, rename)
  into.limit = MAX_VISITS
  into.room = MAX_PAYLOAD_LENGTH
}

/**
 * Adds the properties of `object` under `prefix` (`''` for the top level), at `depth`.
 * `rename` sends some normalised child keys to other names, as the contact aliases need.
 */
export function collectObject(
  object: unknown,
  prefix: string,
  depth: number,
  ancestors: object[],
  into: Collected,
  rename?: Readonly<Record<string, string>>,
): void {
  if (!isRecord(object) || ancestors.includes(object)) return // a cycle ends here
  ancestors.push(object)
  eachProperty(object, into, (key, normal, value) => {
    const target = rename && hasOwn(rename, normal) ? rename[normal]! : prefix ? `${prefix}_${normal}` : normal
    if (target.length > MAX_KEY_LENGTH) return leaveOut(into, leftOut(target, __DEV__ ? `longer than ${MAX_KEY_LENGTH} characters` : ''))
    collectValue(target, value, depth, prefix === '' && target === key, ancestors, into)
  })
  ancestors.pop()
}
