import { hasOwn, isForbiddenKey, normalizeKey } from './keys'
import type { HubSpotValue } from './types'
import { isDate, toHubSpotValue } from './values'

/** How far below the top a value may sit and still be kept. */
export const MAX_DEPTH = 5
/** More properties than any HubSpot object has; bounds the work a hostile payload can cause. */
export const MAX_PROPERTIES = 1000
/** Longer arrays are dropped rather than joined into one enormous multiple-checkbox value. */
export const MAX_ARRAY_LENGTH = 10_000

/** A property on its way out, and whether its key was already in normal form (it wins collisions). */
export interface Entry {
  value: HubSpotValue
  canonical: boolean
}
export type Collected = Map<string, Entry>

export function isRecord(value: unknown): value is Record<string, unknown> {
  try {
    return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Object]'
  } catch {
    return false // a revoked Proxy
  }
}

/** `record[key]` when `record` is a plain object; `undefined` otherwise or when its getter throws. */
export function field(record: unknown, key: string): unknown {
  try {
    return isRecord(record) ? record[key] : undefined
  } catch {
    return undefined
  }
}

/** Own enumerable string-keyed entries; a getter that throws just loses its key. */
export function ownEntries(object: object): Array<[string, unknown]> {
  let keys: string[]
  try {
    keys = Object.keys(object)
  } catch {
    return []
  }
  const entries: Array<[string, unknown]> = []
  for (const key of keys) {
    try {
      entries.push([key, (object as Record<string, unknown>)[key]])
    } catch {
      // skip the property whose getter threw
    }
  }
  return entries
}

export function put(out: Collected, key: string, value: HubSpotValue, canonical: boolean): void {
  if (!key || isForbiddenKey(key)) return
  const existing = out.get(key)
  if (existing ? canonical && !existing.canonical : out.size < MAX_PROPERTIES) out.set(key, { value, canonical })
}

function joinArray(items: unknown[]): string | undefined {
  if (items.length > MAX_ARRAY_LENGTH) return undefined
  const parts: string[] = []
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
    if (value !== undefined) parts.push(String(value))
  }
  return parts.length > 0 ? parts.join(';') : undefined
}

/** Adds one value under `key`: objects are flattened below it, arrays of primitives joined with `;`. */
export function collectValue(
  key: string,
  value: unknown,
  depth: number,
  canonical: boolean,
  ancestors: Set<object>,
  out: Collected,
): void {
  if (typeof value === 'object' && value !== null && !isDate(value)) {
    if (Array.isArray(value)) {
      const joined = joinArray(value)
      if (joined !== undefined) put(out, key, joined, canonical)
    } else if (depth < MAX_DEPTH) {
      collectObject(value, key, depth + 1, ancestors, out)
    }
    return
  }
  const normalized = toHubSpotValue(value)
  if (normalized !== undefined) put(out, key, normalized, canonical)
}

/**
 * Adds the properties of `object` under `prefix` (`''` for the top level), at `depth`.
 * `rename` sends some normalised child keys to other names, as the contact aliases need.
 */
export function collectObject(
  object: unknown,
  prefix: string,
  depth: number,
  ancestors: Set<object>,
  out: Collected,
  rename: Readonly<Record<string, string>> = {},
): void {
  if (!isRecord(object) || ancestors.has(object)) return // a cycle ends here
  ancestors.add(object)
  for (const [key, value] of ownEntries(object)) {
    const normal = normalizeKey(key)
    if (!normal || isForbiddenKey(normal)) continue
    const target = hasOwn(rename, normal) ? rename[normal]! : prefix ? `${prefix}_${normal}` : normal
    collectValue(target, value, depth, prefix === '' && target === key, ancestors, out)
  }
  ancestors.delete(object)
}
