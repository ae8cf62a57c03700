import { hasOwn, isForbiddenKey, normalizeKey } from './keys'
import type { HubSpotProperties, HubSpotValue } from './types'
import { isDate } from './date'
import { toHubSpotValue } from './values'

/** How far below the top a value may sit and still be kept. */
export const MAX_DEPTH = 5
/** More properties than any HubSpot object has; bounds the work a hostile payload can cause. */
export const MAX_PROPERTIES = 1000
/** Longer arrays are dropped rather than joined into one enormous multiple-checkbox value. */
export const MAX_ARRAY_LENGTH = 10_000

/** Properties on their way out, and how many there are (for the cap). */
export interface Collected {
  out: HubSpotProperties
  size: number
}

export const collected = (): Collected => ({ out: {}, size: 0 })

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
 * Calls `visit` with each own property's key, normalised key and value; skips keys that
 * normalise to nothing or to a forbidden name, and properties whose getter throws.
 */
export function eachProperty(object: Record<string, unknown>, visit: (key: string, normal: string, value: unknown) => void): void {
  for (const key of ownKeys(object)) {
    let value: unknown
    try {
      value = object[key]
    } catch {
      continue // a getter that throws loses its key
    }
    const normal = normalizeKey(key)
    if (normal && !isForbiddenKey(normal)) visit(key, normal, value)
  }
}

/**
 * A key already in normal form at the top level is canonical: it overwrites whatever
 * another key normalised to the same name; any other key never overwrites.
 */
export function put(into: Collected, key: string, value: HubSpotValue, canonical: boolean): void {
  if (!hasOwn(into.out, key)) {
    if (into.size >= MAX_PROPERTIES) return
    into.size++
  } else if (!canonical) return
  into.out[key] = value
}

function joinArray(items: unknown[]): string | undefined {
  if (items.length > MAX_ARRAY_LENGTH) return undefined
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
        joined = joinArray(value as unknown[])
      } catch {
        return // an array whose length or items can't be read loses its key, not the event
      }
      if (joined !== undefined) put(into, key, joined, canonical)
    } else if (depth < MAX_DEPTH) {
      collectObject(value, key, depth + 1, ancestors, into)
    }
    return
  }
  const normalized = toHubSpotValue(value)
  if (normalized !== undefined) put(into, key, normalized, canonical)
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
  eachProperty(object, (key, normal, value) => {
    const target = rename && hasOwn(rename, normal) ? rename[normal]! : prefix ? `${prefix}_${normal}` : normal
    collectValue(target, value, depth, prefix === '' && target === key, ancestors, into)
  })
  ancestors.pop()
}
