import { trimText } from './values'

// RFC 5321 caps an address at 254 characters; the cap also keeps the regex cheap.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** The trimmed email address `value` holds, or `undefined`: HubSpot identifies a contact by it. */
export function asEmail(value: unknown): string | undefined {
  const email = typeof value === 'string' ? trimText(value) : ''
  return email.length <= 254 && EMAIL.test(email) ? email : undefined
}
