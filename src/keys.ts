// HubSpot internal names have no upper case, whitespace or periods.
const SEPARATORS = /[ \t\r\n\v\f.]/g

/** Lower case; each whitespace character and each period becomes `_`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(SEPARATORS, '_')
}

// Keys that could reach Object.prototype if they were ever assigned.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN.has(key)
}

/** `Object.hasOwn`, for browsers that predate it. */
export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key)
}
