// The HubSpot API calls the server half makes, as an interface: delivery.ts is written against it and
// tested with fakes; client.ts implements it with HubSpot's official Node SDK (@hubspot/api-client).
// Paths and shapes are HubSpot's CRM v3, associations v4 and events v3 APIs.
import type { PropertyValues } from './requests'

/** A contact or company as HubSpot returns it. */
export interface CrmObject {
  id: string
  properties: Record<string, string | null>
}

/** A failed call: HubSpot's status, headers (lower-case names) and error body, or a network failure (status 0). */
export class HubSpotApiError extends Error {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: unknown
  /** Whether the request may have reached HubSpot (a timeout or a dropped connection after it was sent). */
  readonly maybeDelivered: boolean
  constructor(message: string, status: number, headers: Record<string, string> = {}, body: unknown = undefined, maybeDelivered = status >= 500 || status === 0) {
    super(message)
    this.name = 'HubSpotApiError'
    this.status = status
    this.headers = headers
    this.body = body
    this.maybeDelivered = maybeDelivered
  }
}

/** One behavioral event occurrence, as events v3 takes it. */
export interface EventOccurrence {
  eventName: string
  email?: string
  utk?: string
  /** When it happened; without it HubSpot takes the time it receives the event. */
  occurredAt?: string
  properties: PropertyValues
}

export interface HubSpotApi {
  /** POST /crm/v3/objects/contacts/batch/upsert, idProperty `email`, at most 100 inputs. */
  upsertContacts(inputs: Array<{ email: string; properties: PropertyValues }>): Promise<CrmObject[]>
  /** POST /crm/v3/objects/contacts/batch/read, idProperty `email`, at most 100: the contacts that exist. */
  readContactsByEmail(emails: string[]): Promise<CrmObject[]>
  /** POST /crm/v3/objects/companies/search, `domain` EQ: the first company with that domain, if any. */
  findCompanyByDomain(domain: string): Promise<CrmObject | undefined>
  /** POST /crm/v3/objects/companies/batch/create, at most 100. */
  createCompanies(inputs: Array<{ properties: PropertyValues }>): Promise<CrmObject[]>
  /** POST /crm/v3/objects/companies/batch/update, at most 100. */
  updateCompanies(inputs: Array<{ id: string; properties: PropertyValues }>): Promise<CrmObject[]>
  /** POST /crm/v4/associations/contacts/companies/batch/associate/default, at most 100. */
  associateContactsWithCompanies(pairs: Array<{ contactId: string; companyId: string }>): Promise<void>
  /** POST /events/v3/send: one occurrence (not idempotent). */
  sendEvent(event: EventOccurrence): Promise<void>
  /** GET /crm/v3/properties/{objectType}: the names of the portal's properties. */
  propertyNames(objectType: 'contacts' | 'companies'): Promise<string[]>
}
