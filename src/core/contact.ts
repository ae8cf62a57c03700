import { collectBelowTop, collectValue, collected, eachProperty, isRecord, put, type Collected } from './flatten'
import { hasOwn } from './keys'

// Segment trait names, once normalised → HubSpot contact property (`firstName` normalises to `firstname` by itself).
const ALIASES: Readonly<Record<string, string>> = {
  first_name: 'firstname',
  last_name: 'lastname',
  companyname: 'company',
  title: 'jobtitle',
  position: 'jobtitle',
  lifecycle_stage: 'lifecyclestage',
  postalcode: 'zip',
  postal_code: 'zip',
}

// Parts of a Segment `address` object → HubSpot contact (and company) property; other parts stay under `address_`.
export const ADDRESS_PARTS: Readonly<Record<string, string>> = {
  street: 'address',
  city: 'city',
  state: 'state',
  postalcode: 'zip',
  postal_code: 'zip',
  zip: 'zip',
  country: 'country',
}

// A Segment `company` object's name is HubSpot's `company` string.
const COMPANY_PARTS: Readonly<Record<string, string>> = { name: 'company' }

/** Fills `firstname` and `lastname` from `name` where they are missing. */
function splitName(into: Collected): void {
  // Own keys only: whatever a polluted Object.prototype holds is not the contact's.
  const own = (key: string): unknown => (hasOwn(into.out, key) ? into.out[key] : undefined)
  const [name, firstname, lastname] = [own('name'), own('firstname'), own('lastname')]
  // A name longer than anyone's is not a name worth splitting.
  if (typeof name !== 'string' || name === '' || name.length > 1000) return
  const [, first, last] = /^(\S+)(?:\s+([^]+))?$/.exec(name) ?? []
  if (firstname === undefined && first) put(into, 'firstname', first, false)
  if (lastname === undefined && last) put(into, 'lastname', last.replace(/\s+/g, ' '), false)
}

/** Segment traits as HubSpot contact properties, with the contact aliases applied. */
export function contactEntries(traits: unknown): Collected {
  const into = collected()
  if (!isRecord(traits)) return into
  const ancestors: object[] = [traits]
  eachProperty(traits, into, (key, normal, value) => {
    if (hasOwn(ALIASES, normal)) collectValue(ALIASES[normal]!, value, 0, false, ancestors, into)
    else if (normal === 'address' && isRecord(value)) collectBelowTop(value, 'address', ancestors, into, ADDRESS_PARTS)
    else if (normal === 'company' && isRecord(value)) collectBelowTop(value, 'company', ancestors, into, COMPANY_PARTS)
    else collectValue(normal, value, 0, normal === key, ancestors, into)
  })
  splitName(into)
  return into
}
