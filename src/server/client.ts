// `HubSpotApi` over HubSpot's official Node SDK (@hubspot/api-client 13, the last major for Node 18 and 20;
// 14 needs Node 22). The SDK is an optional peer dependency: browser users never install it, and the
// server entry says how to when it is missing. Each call is the SDK's own request (its URL, auth and JSON)
// sent by its own HTTP client, without `new Client()`: that would reset the decorators (retries, limiter)
// the SDK keeps for the whole process, the host application's included, and route our calls through them.
// Retries and the rate limit are delivery.ts's.
import { HubSpotApiError, type CrmObject, type EventOccurrence, type HubSpotApi } from './hubspot-api'

/** HubSpot's API; `HUBSPOT_API_BASE_URL` or `baseUrl` points elsewhere (a proxy, a test double). */
export const DEFAULT_BASE_URL = 'https://api.hubapi.com'
/** A call that has not answered by then counts as failed, and as possibly delivered. */
export const DEFAULT_TIMEOUT_MS = 30_000

export interface ClientOptions {
  /** A private app's access token (scopes: crm.objects.contacts.write, crm.objects.companies.write, crm.schemas.*.read, behavioral events). */
  accessToken: string
  baseUrl?: string
  timeoutMs?: number
}

interface SdkResponse {
  ok: boolean
  status: number
  headers: { forEach(each: (value: string, name: string) => void): void }
  text(): Promise<string>
}

interface SdkRequest {
  getUrl(): string
}

interface Sdk {
  Request: new (config: { accessToken: string; basePath: string }, options: { method: string; path: string; body?: unknown }) => SdkRequest
  send(request: SdkRequest): Promise<SdkResponse>
}

type Module<T> = T & { default?: T }

export const MISSING_SDK =
  "hubspot-destination/server talks to HubSpot through HubSpot's Node SDK, which is not installed: npm install @hubspot/api-client@13"

async function loadSdk(): Promise<Sdk> {
  try {
    const [request, http] = await Promise.all([
      import('@hubspot/api-client/lib/src/services/http/Request.js') as unknown as Promise<Module<{ Request: Sdk['Request'] }>>,
      import('@hubspot/api-client/lib/src/services/http/HttpClient.js') as unknown as Promise<Module<{ HttpClient: { send: Sdk['send'] } }>>,
    ])
    const Request = request.Request ?? request.default!.Request
    const HttpClient = http.HttpClient ?? http.default!.HttpClient
    return { Request, send: (sdkRequest) => HttpClient.send(sdkRequest) }
  } catch {
    throw new Error(MISSING_SDK)
  }
}

// Errors that mean the request never left: safe to send again, even a behavioral event.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])

const parse = (text: string): unknown => {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined
  } catch {
    return text
  }
}

/** HubSpot's calls, each one request through the SDK; a failure is a `HubSpotApiError`. */
export async function createHubSpotClient(options: ClientOptions): Promise<HubSpotApi> {
  const sdk = await loadSdk()
  const baseUrl = (options.baseUrl ?? process.env.HUBSPOT_API_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const config = { accessToken: options.accessToken, basePath: baseUrl }

  /**
   * One call. A 207 (some inputs of a batch failed) is a failure unless `partial` allows it (a batch read, whose
   * missing ids are no error): otherwise the failed inputs would count as delivered.
   */
  async function call(method: string, path: string, body?: unknown, partial = false): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HubSpotApiError(`${method} ${path}: no answer within ${timeoutMs} ms`, 0, {}, undefined, true)), timeoutMs)
    })
    // The answer's body is read within the time too: a server that stops halfway must not hang the run.
    const exchange = async (): Promise<[SdkResponse, string]> => {
      const response = await sdk.send(new sdk.Request(config, { method, path, ...(body === undefined ? {} : { body }) }))
      return [response, await response.text()]
    }
    let response: SdkResponse
    let text: string
    try {
      ;[response, text] = await Promise.race([exchange(), timedOut])
    } catch (error) {
      if (error instanceof HubSpotApiError) throw error
      const code = (error as { code?: string }).code ?? ''
      throw new HubSpotApiError(`${method} ${path}: ${(error as Error).message}`, 0, {}, undefined, !NOT_SENT.has(code))
    } finally {
      clearTimeout(timer)
    }
    const answer = parse(text)
    if (response.ok && (response.status !== 207 || partial)) return answer
    const headers: Record<string, string> = {}
    response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value))
    const message = typeof (answer as { message?: unknown })?.message === 'string' ? (answer as { message: string }).message : `HTTP ${response.status}`
    // A batch that partly failed: HubSpot's first error says why; it is a validation error, not worth a retry.
    if (response.status === 207) {
      const first = (answer as { errors?: Array<{ message?: string }> } | undefined)?.errors?.[0]?.message
      throw new HubSpotApiError(first ?? 'some inputs of the batch failed', 400, headers, answer, false)
    }
    throw new HubSpotApiError(message, response.status, headers, answer)
  }

  const results = (answer: unknown): CrmObject[] => ((answer as { results?: CrmObject[] } | undefined)?.results ?? [])

  return {
    async upsertContacts(inputs) {
      const answer = await call('POST', '/crm/v3/objects/contacts/batch/upsert', {
        inputs: inputs.map(({ email, properties }) => ({ idProperty: 'email', id: email, properties })),
      })
      return results(answer)
    },
    async readContactsByEmail(emails) {
      const answer = await call('POST', '/crm/v3/objects/contacts/batch/read', {
        idProperty: 'email',
        properties: ['email'],
        inputs: emails.map((email) => ({ id: email })),
      }, true)
      return results(answer)
    },
    async findCompanyByDomain(domain) {
      const answer = await call('POST', '/crm/v3/objects/companies/search', {
        filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: domain }] }],
        properties: ['domain', 'name'],
        limit: 1,
      })
      return results(answer)[0]
    },
    async createCompanies(inputs) {
      return results(await call('POST', '/crm/v3/objects/companies/batch/create', { inputs }))
    },
    async updateCompanies(inputs) {
      return results(await call('POST', '/crm/v3/objects/companies/batch/update', { inputs }))
    },
    async associateContactsWithCompanies(pairs) {
      await call('POST', '/crm/v4/associations/contacts/companies/batch/associate/default', {
        inputs: pairs.map(({ contactId, companyId }) => ({ from: { id: contactId }, to: { id: companyId } })),
      })
    },
    async sendEvent(event: EventOccurrence) {
      await call('POST', '/events/v3/send', event)
    },
    async propertyNames(objectType) {
      const answer = await call('GET', `/crm/v3/properties/${objectType}`)
      // Read-only properties (hs_object_id, lastmodifieddate, calculated ones) fail a write as unknown ones do.
      type Property = { name: string; modificationMetadata?: { readOnlyValue?: boolean } }
      return (results(answer) as unknown as Property[]).filter((property) => property.modificationMetadata?.readOnlyValue !== true).map((property) => property.name)
    },
  }
}
