import { trimText } from './values'

// RFC 5321 caps an address at 254 characters; the cap also keeps the regex cheap.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

// What identifies a contact, read the same way by both halves.

/** The trimmed email address `value` holds, or `undefined`: HubSpot identifies a contact by it. */
export function asEmail(value: unknown): string | undefined {
  const email = typeof value === 'string' ? trimText(value) : ''
  return email.length <= 254 && EMAIL.test(email) ? email : undefined
}

/** A Segment userId as text (a finite number, or trimmed text), or `undefined` when there is none. */
export function asUserId(value: unknown): string | undefined {
  const id = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? trimText(value) : ''
  return id || undefined
}
