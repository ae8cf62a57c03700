// A local double of the HubSpot API, for exactly the endpoints in src/server/hubspot-api.ts, on 127.0.0.1.
// Written from HubSpot's documentation (no text or code of HubSpot's is copied; the few short error strings
// below are kept because clients match on them: "Property values were not valid", PROPERTY_DOESNT_EXIST,
// INVALID_EMAIL, "Duplicate IDs found in batch input", "Invalid input JSON", the rate-limit messages).
//
// Sources relied on:
// - Batch upsert of contacts (200, status/results/new, idProperty):
//   https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts
// - Batch read by idProperty; missing ids come back as an OBJECT_NOT_FOUND error with context.ids (207):
//   https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects
//   https://community.hubspot.com/t5/APIs-Integrations/Question-about-batch-read-API/td-p/1098283
// - Companies search (filterGroups/filters, total/results/paging):
//   https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/companies/search/search-companies.md
// - Batch update ("read-only and non-existent properties will result in an error"; results/errors/numErrors):
//   https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/update-contacts
//   https://developers.hubspot.com/docs/api-reference/crm-companies-v3/batch/post-crm-v3-objects-companies-batch-update
// - Associations v4 batch associate default (results with associationSpec HUBSPOT_DEFINED):
//   https://developers.hubspot.com/docs/api-reference/crm-associations-v4/batch/post-crm-v4-associations-fromObjectType-toObjectType-batch-associate-default
// - Events send (eventName pe{HubID}_{name}, email / utk / objectId, occurredAt, uuid; 204, no body):
//   https://developers.hubspot.com/docs/api-reference/latest/events/send-event-data/send-event-occurrence
// - Properties, read all (results[].name, type, fieldType, modificationMetadata.readOnlyValue, options):
//   https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/get-properties
// - Error body shape (status, message, errors, category VALIDATION_ERROR, correlationId), 207, 401:
//   https://developers.hubspot.com/docs/faq/api-error-responses
//   https://developers.hubspot.com/docs/api-reference/error-handling
// - Rate limits: 429 body (errorType RATE_LIMIT, policyName DAILY / TEN_SECONDLY_ROLLING), headers
//   X-HubSpot-RateLimit-Max / -Remaining / -Interval-Milliseconds / -Daily / -Daily-Remaining:
//   https://developers.hubspot.com/docs/api/usage-details
//   https://community.hubspot.com/rss/message?board.id=integrations&message.id=47812
//   https://developers.hubspot.com/changelog/2018-11-06-rate-limit-information-headers-will-be-included-in-http-responses
//   https://developers.hubspot.com/changelog/burst-limits-are-increasing-for-api-key-authenticated-calls (search: 4/s)
// - Batch limit of 100 inputs for CRM object batch endpoints:
//   https://community.hubspot.com/rss/message?board.id=integrations&message.id=84091
// - Email validation (RFC format, no quoted local part, domain must end in a real TLD):
//   https://legacydocs.hubspot.com/docs/faq/how-does-hubspot-validate-email-addresses
//   https://community.hubspot.com/t5/APIs-Integrations/contacts-integration-invalid-e-mails/td-p/833439
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

// ---------------------------------------------------------------------------------------------------------
// Public types

export type ObjectType = 'contacts' | 'companies'

/** A portal property: a name, or a definition (type `string` unless said; enumeration values are checked). */
export type PropertyDefinitionInput =
  | string
  | { name: string; type?: 'string' | 'number' | 'enumeration' | 'bool'; options?: string[]; readOnly?: boolean; unique?: boolean }

/** A fault the double injects instead of (or after) answering normally. */
export interface Fault {
  kind: 500 | 502 | 503 | 504 | 'timeout' | 'drop'
  /** Apply the request's effect first (HubSpot processed it, then the answer was lost or failed). */
  afterEffect?: boolean
}

export interface FaultContext {
  index: number
  method: string
  path: string
  /** The parsed JSON body, or undefined when there is none or it is not JSON. */
  body: unknown
}

export type FaultFunction = (request: FaultContext) => Fault | undefined | null

export interface RandomFaults {
  /** Share of eligible requests that fail, 0..1. */
  rate: number
  /** Seed of the generator: the same seed and the same order of requests give the same faults. */
  seed?: number
  /** Kinds to choose from, uniformly (default 500, 502, 503, timeout, drop). */
  kinds?: Array<Fault['kind']>
  /** Share of faults (of kinds that can happen after processing: all but 503) applied after the effect (default 0.5). */
  afterEffectRate?: number
  /** Which requests may fail (default: every authenticated request to a known endpoint that was not rate limited). */
  match?: (request: FaultContext) => boolean
}

export interface HubSpotApiDoubleOptions {
  /** The private-app access token the double accepts (default `pat-na1-test-token`). */
  token?: string
  /** The portal's Hub ID (default 12345678). */
  portalId?: number
  /** The rolling-window limit per token (default HubSpot's 100 per 10,000 ms). */
  rateLimit?: { max: number; intervalMs: number }
  /** Calls per day (default 250,000); the day ends at midnight UTC of `clock`. */
  dailyLimit?: number
  /** An extra limit on the search endpoint alone (HubSpot documents 4 or 5 per second); off by default. */
  searchRateLimit?: { max: number; intervalMs: number }
  /** Objects created this long ago or less are not yet found by search (HubSpot's index lags); default 0. */
  searchLagMs?: number
  /** The portal's properties per object type (defaults: HubSpot's common default properties). */
  properties?: Partial<Record<ObjectType, PropertyDefinitionInput[]>>
  /** The portal's behavioral event names; default: any name like `pe<digits>_<lowercase name>`. */
  eventNames?: string[] | RegExp | ((name: string) => boolean)
  /** Injected faults: a function deciding per request, or a seeded rate. */
  faults?: FaultFunction | RandomFaults
  /** How long a `timeout` fault holds the request before dropping the connection (default 5,000 ms). */
  timeoutMs?: number
  /** The clock (ms since epoch) for rate windows, the daily limit and timestamps (default Date.now). */
  clock?: () => number
}

export interface StoredObject {
  id: string
  properties: Record<string, string>
  createdAt: string
  updatedAt: string
}

export interface ReceivedEvent {
  /** Index of the request that carried it (see `double.requests`). */
  request: number
  eventName: string
  email?: string
  utk?: string
  objectId?: string
  occurredAt?: string
  uuid?: string
  properties: Record<string, unknown>
  receivedAt: string
}

export interface RequestRecord {
  index: number
  method: string
  path: string
  /** The HTTP status sent, or 0 when the connection was dropped (a `timeout` or `drop` fault). */
  status: number
  /** When it arrived, by `clock`. */
  time: number
  fault?: Fault['kind']
}

export interface FaultRecord {
  request: number
  method: string
  path: string
  kind: Fault['kind']
  afterEffect: boolean
  /** Whether the request was processed before the fault (its answer computed). */
  processed: boolean
  /** Whether the request changed the double's state (a write that succeeded before the fault). */
  effectApplied: boolean
  time: number
}

export interface HubSpotApiDoubleState {
  readonly contacts: readonly StoredObject[]
  readonly companies: readonly StoredObject[]
  readonly associations: ReadonlyArray<{ contactId: string; companyId: string }>
  /** Every behavioral event occurrence received, duplicates included. */
  readonly events: readonly ReceivedEvent[]
  readonly propertyNames: Readonly<Record<ObjectType, readonly string[]>>
  contactByEmail(email: string): StoredObject | undefined
  companiesByDomain(domain: string): StoredObject[]
}

export interface HubSpotApiDoubleStats {
  /** Authenticated calls, all counted (429s and faulted ones too), as HubSpot counts them. */
  calls: number
  /** The most calls seen in any rolling window of `rateLimit.intervalMs` (compare with `rateLimit.max`). */
  maxCallsInWindow: number
  rateLimited: number
  dailyLimited: number
  unauthorized: number
}

export interface HubSpotApiDouble {
  /** Base URL (no trailing slash), for the SDK's `basePath`. */
  readonly url: string
  readonly token: string
  readonly portalId: number
  readonly rateLimit: { max: number; intervalMs: number }
  readonly state: HubSpotApiDoubleState
  readonly requests: readonly RequestRecord[]
  readonly faults: readonly FaultRecord[]
  readonly stats: HubSpotApiDoubleStats
  /** Adds a contact directly (no request, no rate limit): as if it existed before. */
  addContact(properties: Record<string, string>): StoredObject
  /** Adds a company directly (no request, no rate limit). */
  addCompany(properties: Record<string, string>): StoredObject
  /** Forgets objects, associations, events, requests, faults, counters; re-seeds the fault generator. */
  reset(): void
  close(): Promise<void>
}

// ---------------------------------------------------------------------------------------------------------
// Defaults

export const DEFAULT_TOKEN = 'pat-na1-test-token'

const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']

export const DEFAULT_PROPERTIES: Record<ObjectType, PropertyDefinitionInput[]> = {
  contacts: [
    { name: 'email', unique: true },
    'firstname',
    'lastname',
    'company',
    'phone',
    { name: 'lifecyclestage', type: 'enumeration', options: LIFECYCLE_STAGES },
    'website',
    'jobtitle',
    'city',
    'state',
    'zip',
    'country',
    'address',
  ],
  companies: [
    'name',
    'domain',
    { name: 'numberofemployees', type: 'number' },
    'industry',
    'city',
    'state',
    'country',
    'phone',
    'website',
    'description',
  ],
}

/** Properties HubSpot sets itself: listed by the properties endpoint, returned on objects; all but createdate read-only. */
const SYSTEM_PROPERTIES: Record<ObjectType, string[]> = {
  contacts: ['hs_object_id', 'createdate', 'lastmodifieddate'],
  companies: ['hs_object_id', 'createdate', 'hs_lastmodifieddate'],
}

/** What batch read and search return when no `properties` are asked for. */
const DEFAULT_RETURNED: Record<ObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
}

const OBJECT_LABEL: Record<ObjectType, string> = { contacts: 'CONTACT', companies: 'COMPANY' }
const MAX_BATCH = 100
/** HubSpot's unlabeled contact-to-company association type. */
const CONTACT_TO_COMPANY_TYPE_ID = 279

// ---------------------------------------------------------------------------------------------------------
// Helpers

interface Definition {
  name: string
  type: 'string' | 'number' | 'enumeration' | 'bool' | 'datetime'
  options: string[]
  readOnly: boolean
  unique: boolean
  hubspotDefined: boolean
}

function definitionsFor(type: ObjectType, input: PropertyDefinitionInput[] | undefined): Map<string, Definition> {
  const defaults = new Set(DEFAULT_PROPERTIES[type].map((p) => (typeof p === 'string' ? p : p.name)))
  const map = new Map<string, Definition>()
  for (const entry of input ?? DEFAULT_PROPERTIES[type]) {
    const d = typeof entry === 'string' ? { name: entry } : entry
    map.set(d.name, {
      name: d.name,
      type: d.type ?? 'string',
      options: d.options ?? [],
      readOnly: d.readOnly ?? false,
      unique: d.unique ?? false,
      hubspotDefined: defaults.has(d.name),
    })
  }
  // Every portal has contacts' email, and upserts key on it.
  if (type === 'contacts' && !map.has('email')) map.set('email', { name: 'email', type: 'string', options: [], readOnly: false, unique: true, hubspotDefined: true })
  for (const name of SYSTEM_PROPERTIES[type]) {
    if (!map.has(name)) {
      // The record id and the last-modified date are HubSpot's alone; a create date may be set (imports do).
      map.set(name, { name, type: name === 'hs_object_id' ? 'number' : 'datetime', options: [], readOnly: name !== 'createdate', unique: name === 'hs_object_id', hubspotDefined: true })
    }
  }
  return map
}

/** A small seeded generator (mulberry32): deterministic faults for a seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Format check in HubSpot's spirit: no quoted or spaced local part, dotted host, alphabetic (or IDN) TLD. */
export function isValidEmail(value: string): boolean {
  if (value.length > 254) return false
  const at = value.lastIndexOf('@')
  if (at <= 0) return false
  const local = value.slice(0, at)
  const host = value.slice(at + 1)
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false
  const labels = host.split('.')
  if (labels.length < 2) return false
  const tld = labels[labels.length - 1] ?? ''
  if (!/^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/.test(tld)) return false
  return labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

interface HandlerResult {
  status: number
  body?: unknown
  /** Whether state changed. */
  mutated?: boolean
}

class BodyError {
  constructor(readonly message: string) {}
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined
  try {
    return JSON.parse(raw) as unknown
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error)
    const position = /position (\d+)/.exec(text)
    const offset = position ? Number(position[1]) : 0
    const before = raw.slice(0, offset)
    const line = before.split('\n').length
    const column = offset - before.lastIndexOf('\n')
    return new BodyError(`Invalid input JSON on line ${line}, column ${column}: the body is not valid JSON (${text})`)
  }
}

function errorBody(message: string, category: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra }
}

const validation = (message: string, extra: Record<string, unknown> = {}): HandlerResult => ({
  status: 400,
  body: errorBody(message, 'VALIDATION_ERROR', extra),
})

// ---------------------------------------------------------------------------------------------------------
// The double

export async function startHubSpotApiDouble(options: HubSpotApiDoubleOptions = {}): Promise<HubSpotApiDouble> {
  const token = options.token ?? DEFAULT_TOKEN
  const portalId = options.portalId ?? 12345678
  const rateLimit = { ...(options.rateLimit ?? { max: 100, intervalMs: 10_000 }) }
  const dailyLimit = options.dailyLimit ?? 250_000
  const searchLimit = options.searchRateLimit
  const searchLagMs = options.searchLagMs ?? 0
  const timeoutMs = options.timeoutMs ?? 5_000
  const clock = options.clock ?? Date.now
  const definitions: Record<ObjectType, Map<string, Definition>> = {
    contacts: definitionsFor('contacts', options.properties?.contacts),
    companies: definitionsFor('companies', options.properties?.companies),
  }
  const eventNames = options.eventNames ?? /^pe\d+_[a-z0-9_]+$/
  const knownEvent = (name: string): boolean =>
    Array.isArray(eventNames) ? eventNames.includes(name) : eventNames instanceof RegExp ? eventNames.test(name) : eventNames(name)

  // State
  let contacts = new Map<string, StoredObject>()
  let contactIdByEmail = new Map<string, string>()
  let companies = new Map<string, StoredObject>()
  let associations = new Map<string, { contactId: string; companyId: string }>()
  let events: ReceivedEvent[] = []
  let requests: RequestRecord[] = []
  let faultRecords: FaultRecord[] = []
  let nextContactId = 100_001
  let nextCompanyId = 900_001
  let nextRequest = 0
  // Rate accounting
  let window: number[] = []
  let searchWindow: number[] = []
  let day = -1
  let dailyCalls = 0
  let stats: HubSpotApiDoubleStats = { calls: 0, maxCallsInWindow: 0, rateLimited: 0, dailyLimited: 0, unauthorized: 0 }
  const randomFaults = typeof options.faults === 'object' ? options.faults : undefined
  let random = generator(randomFaults?.seed ?? 1)

  const iso = (ms: number): string => new Date(ms).toISOString()

  function newObject(type: ObjectType, properties: Record<string, string>): StoredObject {
    const now = clock()
    const id = String(type === 'contacts' ? nextContactId++ : nextCompanyId++)
    const modified = type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate'
    const object: StoredObject = {
      id,
      properties: { ...properties, hs_object_id: id, createdate: properties.createdate || iso(now), [modified]: iso(now) },
      createdAt: iso(now),
      updatedAt: iso(now),
    }
    if (type === 'contacts') {
      contacts.set(id, object)
      const email = object.properties.email
      if (email) contactIdByEmail.set(email, id)
    } else {
      companies.set(id, object)
    }
    return object
  }

  function updateObject(type: ObjectType, object: StoredObject, properties: Record<string, string>): void {
    const now = iso(clock())
    Object.assign(object.properties, properties)
    object.properties[type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate'] = now
    object.updatedAt = now
  }

  /** The object as HubSpot returns it: the asked properties (null when unset) plus the system ones. */
  function view(type: ObjectType, object: StoredObject, asked: string[] | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const names = asked && asked.length > 0 ? [...new Set([...asked, ...SYSTEM_PROPERTIES[type]])] : DEFAULT_RETURNED[type]
    const properties: Record<string, string | null> = {}
    for (const name of names) properties[name] = object.properties[name] ?? null
    return { id: object.id, properties, createdAt: object.createdAt, updatedAt: object.updatedAt, archived: false, ...extra }
  }

  /** Checks property values as HubSpot does; every bad value is listed, and one fails the whole request. */
  function checkProperties(type: ObjectType, inputs: Array<Record<string, unknown>>): HandlerResult | Array<Record<string, string>> {
    const problems: Array<Record<string, unknown>> = []
    const out: Array<Record<string, string>> = []
    for (const input of inputs) {
      const clean: Record<string, string> = {}
      for (const [name, raw] of Object.entries(input)) {
        const definition = definitions[type].get(name)
        const problem = (error: string, message: string): void => {
          problems.push({ isValid: false, message, error, name, localizedErrorMessage: message, portalId })
        }
        if (!definition) {
          problem('PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`)
          continue
        }
        if (definition.readOnly) {
          problem('READ_ONLY_VALUE', `Property "${name}" is read-only`)
          continue
        }
        const value = raw === null || raw === undefined ? '' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw)
        if (value !== '') {
          if (definition.type === 'number' && !Number.isFinite(Number(value))) {
            problem('INVALID_FLOAT', `${JSON.stringify(value)} is not a number`)
            continue
          }
          if (definition.type === 'bool' && value !== 'true' && value !== 'false') {
            problem('INVALID_BOOLEAN', `${JSON.stringify(value)} is not true or false`)
            continue
          }
          if (definition.type === 'enumeration' && !value.split(';').every((part) => definition.options.includes(part))) {
            problem('INVALID_OPTION', `${JSON.stringify(value)} is not one of the options of "${name}": ${definition.options.join(', ')}`)
            continue
          }
          if (name === 'email' && type === 'contacts' && !isValidEmail(value)) {
            problem('INVALID_EMAIL', `Email address ${value} is invalid`)
            continue
          }
        }
        clean[name] = value
      }
      out.push(clean)
    }
    if (problems.length > 0) return validation(`Property values were not valid: ${JSON.stringify(problems)}`, { errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })) })
    return out
  }

  /** The `inputs` array of a batch body, or the error HubSpot answers. */
  function batchInputs(body: unknown): HandlerResult | unknown[] {
    if (body instanceof BodyError) return validation(body.message)
    if (!isRecord(body) || !Array.isArray(body.inputs)) return validation('Invalid input JSON on line 1, column 1: Some required fields were not set: [inputs]')
    if (body.inputs.length > MAX_BATCH) {
      return validation(`A batch takes at most ${MAX_BATCH} inputs; this one has ${body.inputs.length}`, { context: { limit: [String(MAX_BATCH)] } })
    }
    return body.inputs
  }

  function duplicates(ids: string[]): HandlerResult | undefined {
    const seen = new Set<string>()
    const repeated = new Set<string>()
    for (const id of ids) (seen.has(id) ? repeated : seen).add(id)
    if (repeated.size === 0) return undefined
    const list = [...repeated]
    return validation(`Duplicate IDs found in batch input: [${list.join(', ')}]. IDs must be unique`, { context: { ids: list } })
  }

  const batchDone = (started: number, results: unknown[], errors: unknown[] = []): Record<string, unknown> => ({
    status: 'COMPLETE',
    results,
    ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
    requestedAt: iso(started),
    startedAt: iso(started),
    completedAt: iso(clock()),
  })

  const notFound = (type: ObjectType, ids: string[]): Record<string, unknown> => ({
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Could not find some ${OBJECT_LABEL[type]} objects; they may have been deleted or never existed. Check the ids.`,
    context: { ids },
  })

  function asked(body: Record<string, unknown>): string[] | undefined {
    return Array.isArray(body.properties) ? body.properties.filter((p): p is string => typeof p === 'string') : undefined
  }

  // --- Endpoints ---------------------------------------------------------------------------------------

  function upsertContacts(body: unknown): HandlerResult {
    const started = clock()
    const inputs = batchInputs(body)
    if (!Array.isArray(inputs)) return inputs
    const emails: string[] = []
    const values: Array<Record<string, unknown>> = []
    for (const input of inputs) {
      if (!isRecord(input) || typeof input.id !== 'string') return validation('Invalid input JSON on line 1, column 1: Some required fields were not set: [id]')
      if (input.idProperty !== 'email') {
        return validation(`Upserting contacts needs idProperty "email" (a property with unique values); got ${JSON.stringify(input.idProperty)}`)
      }
      if (input.properties !== undefined && !isRecord(input.properties)) return validation('Invalid input JSON on line 1, column 1: properties must be an object')
      emails.push(input.id.trim().toLowerCase())
      values.push({ ...(input.properties as Record<string, unknown> | undefined), email: input.id.trim() })
    }
    const duplicate = duplicates(emails)
    if (duplicate) return duplicate
    const checked = checkProperties('contacts', values)
    if (!Array.isArray(checked)) return checked
    const results = checked.map((properties, i) => {
      const email = emails[i] as string
      properties.email = email
      const existing = contactIdByEmail.get(email)
      const contact = existing ? contacts.get(existing) : undefined
      if (contact) {
        updateObject('contacts', contact, properties)
        return view('contacts', contact, Object.keys(properties), { new: false })
      }
      return view('contacts', newObject('contacts', properties), Object.keys(properties), { new: true })
    })
    return { status: 200, body: batchDone(started, results), mutated: results.length > 0 }
  }

  function readContacts(body: unknown): HandlerResult {
    const started = clock()
    const inputs = batchInputs(body)
    if (!Array.isArray(inputs)) return inputs
    const request = body as Record<string, unknown>
    const idProperty = request.idProperty ?? 'hs_object_id'
    if (idProperty !== 'email' && idProperty !== 'hs_object_id') return validation(`Property "${String(idProperty)}" is not a unique property of contacts`)
    const found: unknown[] = []
    const missing: string[] = []
    for (const input of inputs) {
      if (!isRecord(input) || typeof input.id !== 'string') return validation('Invalid input JSON on line 1, column 1: Some required fields were not set: [id]')
      const id = idProperty === 'email' ? contactIdByEmail.get(input.id.trim().toLowerCase()) : input.id
      const contact = id === undefined ? undefined : contacts.get(id)
      if (contact) found.push(view('contacts', contact, asked(request)))
      else missing.push(input.id)
    }
    if (missing.length > 0) return { status: 207, body: batchDone(started, found, [notFound('contacts', missing)]) }
    return { status: 200, body: batchDone(started, found) }
  }

  function searchCompanies(body: unknown): HandlerResult {
    if (body instanceof BodyError) return validation(body.message)
    if (!isRecord(body)) return validation('Invalid input JSON on line 1, column 1: the body must be an object')
    const groups = body.filterGroups ?? []
    if (!Array.isArray(groups)) return validation('filterGroups must be an array')
    if (groups.length > 5) return validation('A search takes at most 5 filterGroups')
    const limit = body.limit === undefined ? 10 : Number(body.limit)
    if (!Number.isInteger(limit) || limit < 0 || limit > 200) return validation('limit must be between 0 and 200')
    const after = body.after === undefined ? 0 : Number(body.after)
    type Filter = { propertyName: string; operator: string; value?: unknown; values?: unknown }
    const parsed: Filter[][] = []
    let total = 0
    for (const group of groups) {
      if (!isRecord(group) || !Array.isArray(group.filters)) return validation('Each filter group needs a filters array')
      total += group.filters.length
      if (group.filters.length > 6 || total > 18) return validation('A search takes at most 6 filters per group and 18 in all')
      const filters: Filter[] = []
      for (const filter of group.filters) {
        if (!isRecord(filter) || typeof filter.propertyName !== 'string' || typeof filter.operator !== 'string') {
          return validation('Each filter needs a propertyName and an operator')
        }
        if (!['EQ', 'NEQ', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY'].includes(filter.operator)) {
          return validation(`This double does not implement the search operator ${filter.operator}`)
        }
        filters.push(filter as Filter)
      }
      parsed.push(filters)
    }
    const norm = (value: unknown): string => String(value ?? '').toLowerCase()
    const matches = (object: StoredObject, filter: Filter): boolean => {
      const value = object.properties[filter.propertyName]
      const has = value !== undefined && value !== ''
      switch (filter.operator) {
        case 'EQ':
          return has && norm(value) === norm(filter.value)
        case 'NEQ':
          return !has || norm(value) !== norm(filter.value)
        case 'IN':
          return has && Array.isArray(filter.values) && filter.values.map(norm).includes(norm(value))
        case 'NOT_IN':
          return !has || !(Array.isArray(filter.values) && filter.values.map(norm).includes(norm(value)))
        case 'HAS_PROPERTY':
          return has
        default:
          return !has
      }
    }
    const visibleBefore = clock() - searchLagMs
    const all = [...companies.values()]
      .filter((c) => searchLagMs === 0 || Date.parse(c.createdAt) <= visibleBefore)
      .filter((c) => parsed.length === 0 || parsed.some((filters) => filters.every((f) => matches(c, f))))
      .sort((a, b) => Number(a.id) - Number(b.id))
    const page = all.slice(after, after + limit)
    const next = after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {}
    return { status: 200, body: { total: all.length, results: page.map((c) => view('companies', c, asked(body))), ...next } }
  }

  function createCompanies(body: unknown): HandlerResult {
    const started = clock()
    const inputs = batchInputs(body)
    if (!Array.isArray(inputs)) return inputs
    const values: Array<Record<string, unknown>> = []
    for (const input of inputs) {
      if (!isRecord(input) || !isRecord(input.properties)) return validation('Invalid input JSON on line 1, column 1: Some required fields were not set: [properties]')
      values.push(input.properties)
    }
    const checked = checkProperties('companies', values)
    if (!Array.isArray(checked)) return checked
    const results = checked.map((properties) => view('companies', newObject('companies', properties), Object.keys(properties)))
    return { status: 201, body: batchDone(started, results), mutated: results.length > 0 }
  }

  function updateCompanies(body: unknown): HandlerResult {
    const started = clock()
    const inputs = batchInputs(body)
    if (!Array.isArray(inputs)) return inputs
    const ids: string[] = []
    const values: Array<Record<string, unknown>> = []
    for (const input of inputs) {
      if (!isRecord(input) || typeof input.id !== 'string' || !isRecord(input.properties)) {
        return validation('Invalid input JSON on line 1, column 1: Some required fields were not set: [id, properties]')
      }
      ids.push(input.id)
      values.push(input.properties)
    }
    const duplicate = duplicates(ids)
    if (duplicate) return duplicate
    const checked = checkProperties('companies', values)
    if (!Array.isArray(checked)) return checked
    const results: unknown[] = []
    const missing: string[] = []
    checked.forEach((properties, i) => {
      const company = companies.get(ids[i] as string)
      if (!company) {
        missing.push(ids[i] as string)
        return
      }
      updateObject('companies', company, properties)
      results.push(view('companies', company, Object.keys(properties)))
    })
    const mutated = results.length > 0
    if (missing.length > 0) return { status: 207, body: batchDone(started, results, [notFound('companies', missing)]), mutated }
    return { status: 200, body: batchDone(started, results), mutated }
  }

  function associateDefault(body: unknown): HandlerResult {
    const started = clock()
    const inputs = batchInputs(body)
    if (!Array.isArray(inputs)) return inputs
    const results: unknown[] = []
    const missing: string[] = []
    let mutated = false
    for (const input of inputs) {
      const from = isRecord(input) && isRecord(input.from) ? input.from.id : undefined
      const to = isRecord(input) && isRecord(input.to) ? input.to.id : undefined
      if (typeof from !== 'string' || typeof to !== 'string') return validation('Invalid input JSON on line 1, column 1: Some required fields were not set: [from.id, to.id]')
      if (!contacts.has(from) || !companies.has(to)) {
        if (!contacts.has(from)) missing.push(from)
        if (!companies.has(to)) missing.push(to)
        continue
      }
      const key = `${from}->${to}`
      if (!associations.has(key)) {
        associations.set(key, { contactId: from, companyId: to })
        mutated = true
      }
      results.push({ associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: CONTACT_TO_COMPANY_TYPE_ID }, from: { id: from }, to: { id: to } })
    }
    if (missing.length > 0) {
      const error = { status: 'error', category: 'VALIDATION_ERROR', message: `No such objects to associate: ${missing.join(', ')}`, context: { ids: missing } }
      return { status: 207, body: batchDone(started, results, [error]), mutated }
    }
    return { status: 200, body: batchDone(started, results), mutated }
  }

  function sendEvent(body: unknown, index: number): HandlerResult {
    if (body instanceof BodyError) return validation(body.message)
    if (!isRecord(body)) return validation('Invalid input JSON on line 1, column 1: the body must be an object')
    if (typeof body.eventName !== 'string' || body.eventName === '') return validation('Invalid input JSON on line 1, column 1: Some required fields were not set: [eventName]')
    const text = (key: string): string | undefined => (typeof body[key] === 'string' && body[key] !== '' ? (body[key] as string) : undefined)
    const email = text('email')
    const utk = text('utk')
    const objectId = typeof body.objectId === 'number' ? String(body.objectId) : text('objectId')
    if (!email && !utk && !objectId) return validation('An event occurrence needs email, utk or objectId to say whose it is')
    if (email && !isValidEmail(email)) return validation(`Email address ${email} is invalid`, { errors: [{ message: `Email address ${email} is invalid`, code: 'INVALID_EMAIL', in: 'email' }] })
    if (!knownEvent(body.eventName)) return validation(`No event definition named ${body.eventName} in portal ${portalId}`, { errors: [{ message: 'Unknown event name', in: 'eventName' }] })
    const occurredAt = text('occurredAt')
    if (occurredAt !== undefined && Number.isNaN(Date.parse(occurredAt))) return validation(`occurredAt ${occurredAt} is not a date-time`)
    if (body.properties !== undefined && !isRecord(body.properties)) return validation('properties must be an object')
    events.push({
      request: index,
      eventName: body.eventName,
      ...(email ? { email: email.toLowerCase() } : {}),
      ...(utk ? { utk } : {}),
      ...(objectId ? { objectId } : {}),
      ...(occurredAt ? { occurredAt } : {}),
      ...(text('uuid') ? { uuid: text('uuid') } : {}),
      properties: { ...((body.properties as Record<string, unknown> | undefined) ?? {}) },
      receivedAt: iso(clock()),
    })
    return { status: 204, mutated: true }
  }

  function properties(type: string): HandlerResult {
    if (type !== 'contacts' && type !== 'companies' && type !== '0-1' && type !== '0-2') return validation(`Unable to infer object type from: ${type}`)
    const objectType: ObjectType = type === 'contacts' || type === '0-1' ? 'contacts' : 'companies'
    const created = iso(Date.UTC(2019, 7, 6))
    const results = [...definitions[objectType].values()].map((d, i) => ({
      name: d.name,
      label: d.name,
      type: d.type,
      fieldType: d.type === 'enumeration' ? 'select' : d.type === 'number' ? 'number' : d.type === 'bool' ? 'booleancheckbox' : d.type === 'datetime' ? 'date' : 'text',
      groupName: objectType === 'contacts' ? 'contactinformation' : 'companyinformation',
      description: '',
      options: d.options.map((value, order) => ({ label: value, value, displayOrder: order, hidden: false })),
      displayOrder: i,
      calculated: false,
      externalOptions: false,
      hasUniqueValue: d.unique,
      hidden: false,
      hubspotDefined: d.hubspotDefined,
      modificationMetadata: { archivable: !d.hubspotDefined, readOnlyDefinition: d.hubspotDefined, readOnlyValue: d.readOnly },
      formField: !d.readOnly,
      createdAt: created,
      updatedAt: created,
      archived: false,
    }))
    return { status: 200, body: { results } }
  }

  interface Route {
    method: string
    pattern: RegExp
    search?: boolean
    write: boolean
    handle(body: unknown, match: RegExpExecArray, index: number): HandlerResult
  }
  const routes: Route[] = [
    { method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts\/batch\/upsert$/, write: true, handle: (b) => upsertContacts(b) },
    { method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts\/batch\/read$/, write: false, handle: (b) => readContacts(b) },
    { method: 'POST', pattern: /^\/crm\/v3\/objects\/companies\/search$/, search: true, write: false, handle: (b) => searchCompanies(b) },
    { method: 'POST', pattern: /^\/crm\/v3\/objects\/companies\/batch\/create$/, write: true, handle: (b) => createCompanies(b) },
    { method: 'POST', pattern: /^\/crm\/v3\/objects\/companies\/batch\/update$/, write: true, handle: (b) => updateCompanies(b) },
    { method: 'POST', pattern: /^\/crm\/v4\/associations\/contacts\/companies\/batch\/associate\/default$/, write: true, handle: (b) => associateDefault(b) },
    { method: 'POST', pattern: /^\/events\/v3\/send$/, write: true, handle: (b, _m, i) => sendEvent(b, i) },
    { method: 'GET', pattern: /^\/crm\/v3\/properties\/([^/]+)$/, write: false, handle: (_b, m) => properties(decodeURIComponent(m[1] ?? '')) },
  ]

  // --- Rate limits -------------------------------------------------------------------------------------

  const dayOf = (ms: number): number => Math.floor(ms / 86_400_000)

  /** Counts one authenticated call; says which limit, if any, refuses it. */
  function count(now: number, search: boolean): { limited?: 'DAILY' | 'TEN_SECONDLY_ROLLING' | 'SECONDLY'; retryAfter: number } {
    if (dayOf(now) !== day) {
      day = dayOf(now)
      dailyCalls = 0
    }
    while (window.length > 0 && (window[0] as number) <= now - rateLimit.intervalMs) window.shift()
    const before = window.length
    window.push(now)
    dailyCalls++
    stats.calls++
    stats.maxCallsInWindow = Math.max(stats.maxCallsInWindow, window.length)
    if (dailyCalls > dailyLimit) {
      stats.dailyLimited++
      return { limited: 'DAILY', retryAfter: Math.max(1, Math.ceil(((day + 1) * 86_400_000 - now) / 1000)) }
    }
    if (before >= rateLimit.max) {
      stats.rateLimited++
      // When enough of the calls in the window (429s included) have aged out for one more to fit.
      const freeAt = (window[window.length - rateLimit.max] as number) + rateLimit.intervalMs
      return { limited: 'TEN_SECONDLY_ROLLING', retryAfter: Math.max(1, Math.ceil((freeAt - now) / 1000)) }
    }
    if (search && searchLimit) {
      while (searchWindow.length > 0 && (searchWindow[0] as number) <= now - searchLimit.intervalMs) searchWindow.shift()
      searchWindow.push(now)
      if (searchWindow.length > searchLimit.max) {
        stats.rateLimited++
        const freeAt = (searchWindow[searchWindow.length - searchLimit.max] as number) + searchLimit.intervalMs
        return { limited: 'SECONDLY', retryAfter: Math.max(1, Math.ceil((freeAt - now) / 1000)) }
      }
    }
    return { retryAfter: 0 }
  }

  function rateHeaders(): Record<string, string> {
    return {
      'X-HubSpot-RateLimit-Max': String(rateLimit.max),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, rateLimit.max - window.length)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(rateLimit.intervalMs),
      'X-HubSpot-RateLimit-Daily': String(dailyLimit),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, dailyLimit - dailyCalls)),
    }
  }

  const RATE_MESSAGE = {
    DAILY: 'You have reached your daily limit.',
    TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
    SECONDLY: 'You have reached your secondly limit.',
  }

  // --- Faults ------------------------------------------------------------------------------------------

  function chooseFault(context: FaultContext): Fault | undefined {
    if (typeof options.faults === 'function') return options.faults(context) ?? undefined
    if (!randomFaults || (randomFaults.match && !randomFaults.match(context))) return undefined
    if (random() >= randomFaults.rate) return undefined
    const kinds = randomFaults.kinds ?? [500, 502, 503, 'timeout', 'drop']
    const kind = kinds[Math.min(kinds.length - 1, Math.floor(random() * kinds.length))] ?? 500
    const afterEffect = kind !== 503 && random() < (randomFaults.afterEffectRate ?? 0.5)
    return { kind, afterEffect }
  }

  // --- HTTP --------------------------------------------------------------------------------------------

  const sockets = new Set<Socket>()
  const holds = new Set<NodeJS.Timeout>()

  function send(res: ServerResponse, record: RequestRecord, status: number, body: unknown, headers: Record<string, string>): void {
    record.status = status
    const text = body === undefined ? '' : JSON.stringify(body)
    res.writeHead(status, {
      ...headers,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json;charset=utf-8' }),
      'Content-Length': String(Buffer.byteLength(text)),
    })
    res.end(text)
  }

  function inflict(fault: Fault, req: IncomingMessage, res: ServerResponse, record: RequestRecord, headers: Record<string, string>): void {
    record.fault = fault.kind
    if (fault.kind === 'drop') {
      record.status = 0
      req.socket.destroy()
    } else if (fault.kind === 'timeout') {
      record.status = 0
      const timer = setTimeout(() => {
        holds.delete(timer)
        req.socket.destroy()
      }, timeoutMs)
      holds.add(timer)
      req.socket.once('close', () => {
        clearTimeout(timer)
        holds.delete(timer)
      })
    } else {
      const messages = { 500: 'internal error', 502: 'bad gateway', 503: 'service unavailable', 504: 'gateway timeout' }
      send(res, record, fault.kind, errorBody(`The server had an error: ${messages[fault.kind]}`, 'INTERNAL_ERROR'), headers)
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const index = nextRequest++
    const now = clock()
    const method = req.method ?? 'GET'
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    const record: RequestRecord = { index, method, path, status: 0, time: now }
    requests.push(record)

    const auth = req.headers.authorization ?? ''
    if (auth !== `Bearer ${token}`) {
      stats.unauthorized++
      const message = auth === '' ? 'Authentication credentials were not found in this request' : 'The access token in this request is not valid for this portal'
      send(res, record, 401, errorBody(message, 'INVALID_AUTHENTICATION'), {})
      return
    }

    let route: Route | undefined
    let match: RegExpExecArray | null = null
    for (const candidate of routes) {
      match = candidate.pattern.exec(path)
      if (match) {
        route = candidate
        break
      }
    }
    const { limited, retryAfter } = count(now, route?.search === true)
    const headers = rateHeaders()
    if (limited) {
      send(res, record, 429, { status: 'error', message: RATE_MESSAGE[limited], errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName: limited }, { ...headers, 'Retry-After': String(retryAfter) })
      return
    }
    if (!route || !match) {
      send(res, record, 404, errorBody(`No endpoint at ${method} ${path}`, 'OBJECT_NOT_FOUND'), headers)
      return
    }
    if (route.method !== method) {
      send(res, record, 405, errorBody(`${method} is not allowed on ${path}`, 'VALIDATION_ERROR'), headers)
      return
    }
    const body = parseJson(raw)
    const fault = chooseFault({ index, method, path, body: body instanceof BodyError ? undefined : body })
    const faultRecord = (processed: boolean, effectApplied: boolean): void => {
      if (fault) faultRecords.push({ request: index, method, path, kind: fault.kind, afterEffect: fault.afterEffect === true, processed, effectApplied, time: now })
    }
    if (fault && !fault.afterEffect) {
      faultRecord(false, false)
      inflict(fault, req, res, record, headers)
      return
    }
    const result = route.handle(body, match, index)
    if (fault) {
      faultRecord(true, result.mutated === true)
      inflict(fault, req, res, record, headers)
      return
    }
    send(res, record, result.status, result.body, headers)
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')))
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  const frozen = <T>(value: T): T => Object.freeze(structuredClone(value))

  const state: HubSpotApiDoubleState = {
    get contacts() {
      return frozen([...contacts.values()])
    },
    get companies() {
      return frozen([...companies.values()])
    },
    get associations() {
      return frozen([...associations.values()])
    },
    get events() {
      return frozen(events)
    },
    get propertyNames() {
      return frozen({ contacts: [...definitions.contacts.keys()], companies: [...definitions.companies.keys()] })
    },
    contactByEmail(email) {
      const id = contactIdByEmail.get(email.trim().toLowerCase())
      const contact = id === undefined ? undefined : contacts.get(id)
      return contact ? frozen(contact) : undefined
    },
    companiesByDomain(domain) {
      return frozen([...companies.values()].filter((c) => (c.properties.domain ?? '').toLowerCase() === domain.toLowerCase()))
    },
  }

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    portalId,
    rateLimit: Object.freeze({ ...rateLimit }),
    state,
    get requests() {
      return frozen(requests)
    },
    get faults() {
      return frozen(faultRecords)
    },
    get stats() {
      return frozen(stats)
    },
    addContact(properties) {
      const email = properties.email?.trim().toLowerCase()
      return frozen(newObject('contacts', email ? { ...properties, email } : { ...properties }))
    },
    addCompany(properties) {
      return frozen(newObject('companies', { ...properties }))
    },
    reset() {
      contacts = new Map()
      contactIdByEmail = new Map()
      companies = new Map()
      associations = new Map()
      events = []
      requests = []
      faultRecords = []
      nextContactId = 100_001
      nextCompanyId = 900_001
      nextRequest = 0
      window = []
      searchWindow = []
      day = -1
      dailyCalls = 0
      stats = { calls: 0, maxCallsInWindow: 0, rateLimited: 0, dailyLimited: 0, unauthorized: 0 }
      random = generator(randomFaults?.seed ?? 1)
    },
    async close() {
      for (const timer of holds) clearTimeout(timer)
      holds.clear()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
