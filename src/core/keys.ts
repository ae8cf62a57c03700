// HubSpot internal names have no upper case, whitespace or periods.
const SEPARATORS = /[ \t\r\n\v\f.]/g

// Sites send the same few trait names over and over; remembering them is most of the speed.
const known = new Map<string, string>()

/** Lower case; each whitespace character and each period becomes `_`. */
export function normalizeKey(key: string): string {
  let normal = known.get(key)
  if (normal === undefined) {
    normal = key.toLowerCase().replace(SEPARATORS, '_')
    if (known.size >= 1000) known.clear()
    if (key.length <= 64) known.set(key, normal)
  }
  return normal
}

/** Keys that could reach Object.prototype if they were ever assigned. */
export function isForbiddenKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype'
}

const hasOwnProperty = Object.prototype.hasOwnProperty

/** `Object.hasOwn`, for browsers that predate it. */
export function hasOwn(object: object, key: string): boolean {
  return hasOwnProperty.call(object, key)
}
