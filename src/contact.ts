import { collectObject, collectValue, isRecord, ownEntries, put, type Collected } from './flatten'
import { hasOwn, isForbiddenKey, normalizeKey } from './keys'

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

// Parts of a Segment `address` object → HubSpot contact property; other parts stay under `address_`.
const ADDRESS_PARTS: Readonly<Record<string, string>> = {
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
function splitName(out: Collected): void {
  const name = out.get('name')?.value
  if (typeof name !== 'string' || name === '') return
  const [first, ...rest] = name.split(/\s+/)
  if (!out.has('firstname') && first) put(out, 'firstname', first, false)
  if (!out.has('lastname') && rest.length > 0) put(out, 'lastname', rest.join(' '), false)
}

/** Segment traits as HubSpot contact properties, with the contact aliases applied. */
export function contactEntries(traits: unknown): Collected {
  const out: Collected = new Map()
  if (!isRecord(traits)) return out
  const ancestors = new Set<object>([traits])
  for (const [key, value] of ownEntries(traits)) {
    const normal = normalizeKey(key)
    if (!normal || isForbiddenKey(normal)) continue
    const alias = hasOwn(ALIASES, normal) ? ALIASES[normal] : undefined
    if (alias) collectValue(alias, value, 0, false, ancestors, out)
    else if (normal === 'address' && isRecord(value)) collectObject(value, 'address', 1, ancestors, out, ADDRESS_PARTS)
    else if (normal === 'company' && isRecord(value)) collectObject(value, 'company', 1, ancestors, out, COMPANY_PARTS)
    else collectValue(normal, value, 0, normal === key, ancestors, out)
  }
  splitName(out)
  return out
}
