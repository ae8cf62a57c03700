// Delivery (cloud mode): each item's HubSpot requests in, one outcome per item out (delivered, rejected or
// dead-lettered). Batches what HubSpot batches, keeps each item's order, never exceeds the rate over a rolling
// window, retries only what is safe to retry, and never sends a behavioral event twice. The API client, the clock
// and the checkpoint store are passed in (DESIGN.md, "Two halves, one core"), so none of this needs a network.
import { HubSpotApiError, type CrmObject, type EventOccurrence, type HubSpotApi } from './hubspot-api'
import type { HubSpotRequest, PropertyValues } from './requests'

/** Time as delivery sees it: `systemClock` in production, a fake one in tests. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
}

/** One event's requests (toRequests' output), in the order they must run. */
export interface DeliveryItem {
  /** The event's messageId, or its line number. */
  id: string
  requests: HubSpotRequest[]
  /** Why the event becomes no request (toRequests' `rejected`): reported as rejected, nothing is sent. */
  rejected?: string
  /** What toRequests noted (properties left out, no timestamp, ...); delivery does not read it. */
  notes?: string[]
}

export type DeliveryOutcome = 'delivered' | 'rejected' | 'dead-lettered'

export interface DeliveryResult {
  id: string
  outcome: DeliveryOutcome
  /** Why it was rejected or dead-lettered, and what of it got through before. */
  reason?: string
  /** Properties left out because the portal does not have them. */
  dropped?: string[]
  /** The item's requests that reached HubSpot before the one that failed (so a replay knows what it repeats). */
  gotThrough?: string[]
  /**
   * Dead-lettered because `stop()` was called before the item's next request was made: nothing failed on its own,
   * and a later run can send it (what got through was idempotent). (The daily limit says so by its reason.)
   */
  stopped?: true
}

/** Where one `deliver` call stands (its items; the calls it made). */
export interface DeliveryProgress {
  done: number
  total: number
  delivered: number
  rejected: number
  deadLettered: number
  callsMade: number
}

export interface RatePolicy {
  /** At most this many calls in any rolling window of `intervalMs`. */
  max: number
  intervalMs: number
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  max: number
  /** Exponential backoff with full jitter: a random wait in [0, min(capMs, baseMs * 2^retry)). */
  baseMs: number
  capMs: number
}

export interface PropertyNamesPolicy {
  /** false: send every property as is, without reading the portal's property names. Default true. */
  check?: boolean
  /** Names already known (read by the caller): no call is made for an object type given here. */
  known?: { contacts?: Iterable<string>; companies?: Iterable<string> }
  /** Read the names again after this long (on the injected clock). Default: once per delivery (`createDelivery`). */
  maxAgeMs?: number
}

export interface DeliveryOptions {
  api: HubSpotApi
  clock: Clock
  /** In [0, 1): the jitter of the backoff. Default Math.random. */
  random?: () => number
  /** Default 100 calls per 10,000 ms (HubSpot's limit for most private apps). */
  rate?: Partial<RatePolicy>
  /** Default 5 retries, 1,000 ms base, 30,000 ms cap. */
  retries?: Partial<RetryPolicy>
  propertyNames?: PropertyNamesPolicy
  /** Calls in flight at once (the rate limit holds whatever this is). Default 5. */
  concurrency?: number
  /** After each item settles. */
  onProgress?: (progress: DeliveryProgress) => void
  /** Told each delivered item, so a restart can skip it. Awaited before the item counts as done. */
  checkpoint?: { delivered(id: string): void | Promise<void> }
}

export interface Delivery {
  /** One result per item, in the items' order. */
  deliver(items: readonly DeliveryItem[]): Promise<DeliveryResult[]>
  /** Calls made by this delivery so far (every call, failed ones too). */
  readonly callsMade: number
  /** HubSpot said the daily limit is reached: no call is made any more, every item is dead-lettered. */
  readonly dailyLimitReached: boolean
  /**
   * No call starts any more (calls in flight finish, waits for the rate limit or a retry end at once): each item not
   * finished is dead-lettered with `reason` and `stopped: true`, in this `deliver` and any later one. For an interrupt;
   * once HubSpot's daily limit is reached, that reason wins.
   */
  stop(reason?: string): void
}

export const DEFAULT_RATE: RatePolicy = { max: 100, intervalMs: 10_000 }
export const DEFAULT_RETRIES: RetryPolicy = { max: 5, baseMs: 1_000, capMs: 30_000 }
export const DEFAULT_CONCURRENCY = 5
/** HubSpot's batch endpoints take at most 100 inputs. */
export const BATCH_SIZE = 100
/** HubSpot's search endpoints have a limit of their own: four calls a second per token. */
export const SEARCH_RATE: RatePolicy = { max: 4, intervalMs: 1_000 }
/** How long HubSpot's search may take to show a company just created; a create that may have reached HubSpot waits this before looking. */
export const SEARCH_LAG_MS = 10_000
export const DAILY_LIMIT_REACHED = 'daily limit reached'
/** The reason `stop()` gives by default. */
export const STOPPED = 'not sent: delivery was stopped'

/** Thrown by `RollingWindow.acquire` once stopped (the daily limit is reached, or `Delivery.stop`). */
export class DailyLimitReached extends Error {
  constructor() {
    super(DAILY_LIMIT_REACHED)
    this.name = 'DailyLimitReached'
  }
}

/**
 * At most `max` calls in any rolling window of `intervalMs`, as HubSpot counts them on arrival. A call holds its
 * place from when it starts until `intervalMs` after it ends: it reaches HubSpot somewhere in between, so the
 * limit holds whatever the latency. Admission is one at a time, so concurrent callers can't overshoot.
 */
export class RollingWindow {
  /** When each finished call ended, oldest first (a monotonic clock keeps them sorted). */
  private readonly ended: number[] = []
  private inFlight = 0
  private pausedUntil = 0
  private admission: Promise<void> = Promise.resolve()
  private wakeOnRelease: Array<() => void> = []
  private stopped = false
  private wakeOnStop!: () => void
  /** Resolves when `stop` is called: a wait (for the window, for a retry) ends at once. */
  stopping = new Promise<void>((resolve) => (this.wakeOnStop = resolve))
  /** Calls admitted so far. */
  calls = 0

  constructor(
    readonly max: number,
    readonly intervalMs: number,
    private readonly clock: Clock,
  ) {}

  /** No call starts before `untilMs` (HubSpot asked to wait). */
  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs)
  }

  /** No call starts any more: `acquire` throws `DailyLimitReached`. */
  stop(): void {
    this.stopped = true
    this.wakeOnStop()
    this.wakeOnRelease.splice(0).forEach((wake) => wake())
  }

  /** Calls may start again (a later run, after the daily limit or a refused token stopped this one). */
  resume(): void {
    if (!this.stopped) return
    this.stopped = false
    this.stopping = new Promise<void>((resolve) => (this.wakeOnStop = resolve))
  }

  /** The clock's sleep, cut short by `stop`. */
  sleep(ms: number): Promise<void> {
    return this.stopped ? Promise.resolve() : Promise.race([this.clock.sleep(ms), this.stopping])
  }

  /** Waits for a place in the window; the returned function gives it back when the call has ended. */
  async acquire(): Promise<() => void> {
    const previous = this.admission
    let admitted!: () => void
    this.admission = new Promise((resolve) => (admitted = resolve))
    await previous
    try {
      for (;;) {
        if (this.stopped) throw new DailyLimitReached()
        const now = this.clock.now()
        if (now < this.pausedUntil) {
          await this.sleep(this.pausedUntil - now)
          continue
        }
        while (this.ended.length > 0 && this.ended[0]! <= now - this.intervalMs) this.ended.shift()
        if (this.ended.length + this.inFlight < this.max) break
        if (this.ended.length > 0) await this.sleep(this.ended[0]! + this.intervalMs - now)
        else await new Promise<void>((resolve) => this.wakeOnRelease.push(resolve))
      }
      this.inFlight++
      this.calls++
    } finally {
      admitted()
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.inFlight--
      this.ended.push(this.clock.now())
      this.wakeOnRelease.splice(0).forEach((wake) => wake())
    }
  }
}

type Failure = {
  ok: false
  outcome: 'rejected' | 'dead-lettered'
  reason: string
  status?: number
  /** A call that is not retried: it may have reached HubSpot. */
  maybeDelivered?: boolean
}
type Attempt<T> = { ok: true; value: T } | Failure

interface Item {
  id: string
  requests: HubSpotRequest[]
  /** The request that runs next. */
  next: number
  gotThrough: string[]
  dropped: Set<string>
  result?: DeliveryResult
}

/** One request of one item: it moves the item on, or settles it, only while it is the item's next request. */
interface Step {
  item: Item
  at: number
}

/** An item's share of a merged input. */
interface Part {
  step: Step
  properties: PropertyValues
}

interface ContactInput {
  email: string
  properties: PropertyValues
  parts: Part[]
}

interface CompanyInput {
  domain: string
  key: string
  properties: PropertyValues
  parts: Part[]
  failed?: boolean
}

interface AssociationInput {
  contactId: string
  companyId: string
  email: string
  domain: string
  steps: Step[]
}

type Kind = HubSpotRequest['kind']
type RequestOf<K extends Kind> = Extract<HubSpotRequest, { kind: K }>
type ObjectType = 'contacts' | 'companies'

const DAILY: Failure = { ok: false, outcome: 'dead-lettered', reason: DAILY_LIMIT_REACHED, status: 429 }

const emailKey = (email: string): string => email.trim().toLowerCase()
const domainKey = (domain: string): string => domain.trim().toLowerCase()

/** The records a request writes: a later item's request on the same record waits for it (last write wins). */
function writes(request: HubSpotRequest): string[] {
  if (request.kind === 'upsertContact') return [`contact:${emailKey(request.email)}`]
  if (request.kind === 'upsertCompany') return [`company:${domainKey(request.domain)}`]
  return []
}

/** The records a request writes or needs to exist. */
function touches(request: HubSpotRequest): string[] {
  if (request.kind === 'associate') return [`contact:${emailKey(request.email)}`, `company:${domainKey(request.domain)}`]
  if (request.kind === 'sendEvent') return request.email ? [`contact:${emailKey(request.email)}`] : []
  return writes(request)
}

/**
 * The requests that can run now, at most one per item: each item's next one, unless an earlier item still has a
 * write to one of its records waiting. Heads on the same record run together (merged in item order), and a wave
 * runs contacts, then companies, then associations, then events, so what a request needs is written before it.
 */
function nextSteps(items: readonly Item[]): Step[] {
  const waiting = new Set<string>()
  const steps: Step[] = []
  for (const item of items) {
    if (item.result) continue
    const head = item.requests[item.next]
    if (!head) continue
    const free = touches(head).every((key) => !waiting.has(key))
    if (free) steps.push({ item, at: item.next })
    for (let i = free ? item.next + 1 : item.next; i < item.requests.length; i++) {
      for (const key of writes(item.requests[i]!)) waiting.add(key)
    }
  }
  return steps
}

function chunk<T>(list: readonly T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < list.length; i += size) chunks.push(list.slice(i, i + size))
  return chunks
}

/** Runs at most `limit` at once; after a throw (a checkpoint that can't be written) nothing new starts, then it rethrows. */
async function eachLimit<T>(list: readonly T[], limit: number, run: (value: T) => Promise<void>): Promise<void> {
  let next = 0
  let thrown: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (!thrown && next < list.length) {
      try {
        await run(list[next++]!)
      } catch (error) {
        thrown ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker))
  if (thrown) throw thrown.error
}

function asApiError(thrown: unknown): HubSpotApiError {
  if (thrown instanceof HubSpotApiError) return thrown
  return new HubSpotApiError(thrown instanceof Error ? thrown.message : String(thrown), 0)
}

function bodyOf(error: HubSpotApiError): Record<string, unknown> | undefined {
  let body = error.body
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown
    } catch {
      return undefined
    }
  }
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined
}

function header(error: HubSpotApiError, name: string): string | undefined {
  for (const [key, value] of Object.entries(error.headers)) if (key.toLowerCase() === name) return value
  return undefined
}

/** HubSpot's own message (the error body's `message`), else the error's. */
function messageOf(error: HubSpotApiError): string {
  const message = bodyOf(error)?.message
  return typeof message === 'string' && message !== '' ? message : error.message
}

function describe(error: HubSpotApiError): string {
  return error.status === 0 ? `network error: ${error.message}` : `HubSpot ${error.status}: ${messageOf(error)}`
}

function isDailyLimit(error: HubSpotApiError): boolean {
  return error.status === 429 && (bodyOf(error)?.policyName === 'DAILY' || header(error, 'x-hubspot-ratelimit-daily-remaining')?.trim() === '0')
}

function retryAfterMs(error: HubSpotApiError): number | undefined {
  const value = header(error, 'retry-after')
  if (value === undefined || value.trim() === '') return undefined
  const seconds = Number(value)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined
}

function positive(name: string, value: number, integer = false): number {
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`createDelivery: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`)
  }
  return value
}

/**
 * Maps returned CRM objects to the keys they were sent for, by a property HubSpot echoes. Never by position:
 * HubSpot does not promise the order of a batch's results; an id not learnt here is read when it is needed.
 */
function remember(ids: Map<string, string>, keys: string[], results: readonly CrmObject[], property: string, keyOf: (value: string) => string): void {
  const wanted = new Set(keys)
  for (const result of results) {
    const value = result.properties?.[property]
    if (typeof value === 'string' && wanted.has(keyOf(value))) ids.set(keyOf(value), result.id)
  }
}

export function createDelivery(options: DeliveryOptions): Delivery {
  const { api, clock, onProgress, checkpoint } = options
  const random = options.random ?? Math.random
  const rate: RatePolicy = { ...DEFAULT_RATE, ...options.rate }
  const retries: RetryPolicy = { ...DEFAULT_RETRIES, ...options.retries }
  const concurrency = positive('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY, true)
  positive('rate.max', rate.max, true)
  positive('rate.intervalMs', rate.intervalMs)
  if (!(retries.max >= 0) || !Number.isInteger(retries.max)) throw new RangeError(`createDelivery: retries.max must be an integer >= 0, got ${String(retries.max)}`)
  positive('retries.baseMs', retries.baseMs)
  positive('retries.capMs', retries.capMs)

  const limiter = new RollingWindow(rate.max, rate.intervalMs, clock)
  // Searches count toward both limits: HubSpot's general one and its search one.
  const searchLimiter = new RollingWindow(SEARCH_RATE.max, SEARCH_RATE.intervalMs, clock)
  let dailyLimitReached = false
  /** Why no call starts any more (the daily limit, or `stop`): what every call then returns. */
  let stopped: Failure | undefined
  // What this run has learnt: HubSpot's ids for emails and domains, and the portal's property names.
  const contactIds = new Map<string, string>()
  const companyIds = new Map<string, string>()
  // Properties made in the portal later (a new Personas audience) count within the hour.
  const namesPolicy: PropertyNamesPolicy = { maxAgeMs: 3_600_000, ...options.propertyNames }
  /** Why the run stopped on HubSpot's word (the daily limit, a refused token); a later `deliver` tries again. */
  let stoppedByHubSpot = false
  const names: Partial<Record<ObjectType, { names: Set<string>; readAt: number }>> = {}
  const reading: Partial<Record<ObjectType, Promise<Attempt<Set<string> | undefined>>>> = {}
  for (const type of ['contacts', 'companies'] as const) {
    const known = namesPolicy.known?.[type]
    if (known) names[type] = { names: new Set(known), readAt: Infinity }
  }

  const backoff = (retry: number): number => random() * Math.min(retries.capMs, retries.baseMs * 2 ** retry)

  /** The company with this domain, through HubSpot's search (and its own limit). */
  async function findCompany(domain: string): Promise<Attempt<CrmObject | undefined>> {
    const release = await searchLimiter.acquire()
    try {
      return await call(() => api.findCompanyByDomain(domain), 'idempotent')
    } finally {
      release()
    }
  }

  /**
   * One API call through the rate limit, retried on 429, 5xx and network errors. `once`: the call is not
   * idempotent, so a failure that may have reached HubSpot is returned (maybeDelivered) instead of retried.
   */
  async function call<T>(send: () => Promise<T>, mode: 'idempotent' | 'once'): Promise<Attempt<T>> {
    for (let attempt = 1; ; attempt++) {
      let release: () => void
      try {
        release = await limiter.acquire()
      } catch (thrown) {
        if (thrown instanceof DailyLimitReached) return stopped ?? DAILY
        throw thrown
      }
      let error: HubSpotApiError
      try {
        const value = await send()
        release()
        return { ok: true, value }
      } catch (thrown) {
        release()
        error = asApiError(thrown)
      }
      if (isDailyLimit(error)) {
        dailyLimitReached = true
        stopped = DAILY
        stoppedByHubSpot = true
        limiter.stop()
        return DAILY
      }
      // A refused token is about every call, not this one: the run stops instead of rejecting each event.
      if (error.status === 401) {
        stopped = { ok: false, outcome: 'dead-lettered', reason: `HubSpot refused the access token: ${messageOf(error)}` }
        stoppedByHubSpot = true
        limiter.stop()
        return stopped
      }
      const status = error.status
      if (status !== 429 && status !== 0 && status < 500) return { ok: false, outcome: 'rejected', reason: messageOf(error), status }
      if (mode === 'once' && status !== 429 && error.maybeDelivered) {
        return { ok: false, outcome: 'dead-lettered', reason: describe(error), status, maybeDelivered: true }
      }
      if (attempt > retries.max) return { ok: false, outcome: 'dead-lettered', reason: `gave up after ${attempt} attempts: ${describe(error)}`, status }
      const wait = retryAfterMs(error) ?? backoff(attempt - 1)
      // A 429 is about the account, not this call: nothing else starts before HubSpot's wait is over.
      if (status === 429) limiter.pause(clock.now() + wait)
      await limiter.sleep(wait)
    }
  }

  /** The portal's property names (undefined: not checked), read once and shared by concurrent askers. */
  function portalNames(type: ObjectType): Promise<Attempt<Set<string> | undefined>> {
    if (namesPolicy.check === false) return Promise.resolve({ ok: true, value: undefined })
    const cached = names[type]
    if (cached && (namesPolicy.maxAgeMs === undefined || clock.now() - cached.readAt < namesPolicy.maxAgeMs)) {
      return Promise.resolve({ ok: true, value: cached.names })
    }
    const pending = reading[type]
    if (pending) return pending
    const read = call(() => api.propertyNames(type), 'idempotent').then((result): Attempt<Set<string> | undefined> => {
      delete reading[type]
      if (result === DAILY || result === stopped) return result
      if (!result.ok) return { ...result, reason: `could not read the portal's ${type === 'contacts' ? 'contact' : 'company'} properties: ${result.reason}` }
      const set = new Set(result.value)
      names[type] = { names: set, readAt: clock.now() }
      return { ok: true, value: set }
    })
    reading[type] = read
    return read
  }

  async function deliver(list: readonly DeliveryItem[]): Promise<DeliveryResult[]> {
    // Stopped by HubSpot in an earlier run (a new day, a new token): this one tries again, and stops again if need be.
    if (stoppedByHubSpot) {
      stoppedByHubSpot = false
      dailyLimitReached = false
      stopped = undefined
      limiter.resume()
    }
    // What was learnt is kept, within bounds: a long-lived process must not grow with every email and domain.
    if (contactIds.size > 100_000) contactIds.clear()
    if (companyIds.size > 100_000) companyIds.clear()
    const callsAtStart = limiter.calls
    const counts = { delivered: 0, rejected: 0, deadLettered: 0 }
    let done = 0
    const items: Item[] = list.map((entry) => ({ id: entry.id, requests: entry.requests, next: 0, gotThrough: [], dropped: new Set() }))

    async function settle(item: Item, outcome: DeliveryOutcome, reason?: string, byStop = false): Promise<void> {
      if (item.result) return
      const result: DeliveryResult = { id: item.id, outcome }
      if (outcome !== 'delivered') {
        result.reason = item.gotThrough.length > 0 ? `${reason ?? outcome}; got through: ${item.gotThrough.join(', ')}` : (reason ?? outcome)
        if (item.gotThrough.length > 0) result.gotThrough = [...item.gotThrough]
        if (byStop) result.stopped = true
      }
      if (item.dropped.size > 0) result.dropped = [...item.dropped]
      item.result = result
      if (outcome === 'delivered') counts.delivered++
      else if (outcome === 'rejected') counts.rejected++
      else counts.deadLettered++
      done++
      if (outcome === 'delivered') await checkpoint?.delivered(item.id)
      onProgress?.({ done, total: items.length, ...counts, callsMade: limiter.calls - callsAtStart })
    }

    const pending = (step: Step): boolean => !step.item.result && step.item.next === step.at

    async function advance(step: Step, what: string): Promise<void> {
      if (!pending(step)) return
      step.item.gotThrough.push(what)
      step.item.next++
      if (step.item.next >= step.item.requests.length) await settle(step.item, 'delivered')
    }

    async function fail(steps: readonly Step[], failure: Failure): Promise<void> {
      for (const step of steps) if (pending(step)) await settle(step.item, failure.outcome, failure.reason, failure === stopped && failure !== DAILY)
    }

    const request = <K extends Kind>(step: Step): RequestOf<K> => step.item.requests[step.at] as RequestOf<K>

    /** Properties the portal has (and the record's id property); the rest are dropped and reported. */
    function keep(step: Step, properties: PropertyValues, portal: Set<string> | undefined, idProperty: string): PropertyValues {
      const kept: PropertyValues = {}
      for (const [name, value] of Object.entries(properties)) {
        if (!portal || portal.has(name) || name === idProperty) kept[name] = value
        else step.item.dropped.add(name)
      }
      return kept
    }

    /**
     * Sends a batch; when HubSpot rejects it as invalid (400), halves it until the bad input stands alone, and
     * sends a merged input's parts one by one, so one bad input rejects only the items it came from.
     */
    async function sendSplitting<T>(inputs: T[], stepsOf: (input: T) => Step[], send: (inputs: T[]) => Promise<Failure | undefined>, separate: (input: T) => T[]): Promise<void> {
      const live = inputs.filter((input) => stepsOf(input).some(pending))
      if (live.length === 0) return
      const failure = await send(live)
      if (!failure) return
      if (failure.outcome === 'rejected' && failure.status === 400) {
        if (live.length > 1) {
          const half = Math.ceil(live.length / 2)
          await sendSplitting(live.slice(0, half), stepsOf, send, separate)
          await sendSplitting(live.slice(half), stepsOf, send, separate)
          return
        }
        const parts = separate(live[0]!)
        if (parts.length > 1) {
          for (const part of parts) await sendSplitting([part], stepsOf, send, separate)
          return
        }
      }
      await fail(live.flatMap(stepsOf), failure)
    }

    const stepsOfParts = (input: { parts: Part[] }): Step[] => input.parts.map((part) => part.step)

    /**
     * One input per record (HubSpot rejects a batch with the same id twice), later items' values winning; each
     * step's own properties are kept with it, for sending it alone if its batch fails validation.
     */
    function merge<I extends { properties: PropertyValues; parts: Part[] }>(
      steps: Step[],
      portal: Set<string> | undefined,
      idProperty: string,
      read: (step: Step) => { id: string; properties: PropertyValues },
      keyOf: (id: string) => string,
      make: (id: string, key: string) => I,
    ): I[] {
      const byKey = new Map<string, I>()
      for (const step of steps) {
        const { id, properties } = read(step)
        const kept = keep(step, properties, portal, idProperty)
        const key = keyOf(id)
        let input = byKey.get(key)
        if (!input) byKey.set(key, (input = make(id, key)))
        Object.assign(input.properties, kept)
        input.parts.push({ step, properties: kept })
      }
      return [...byKey.values()]
    }

    async function upsertContacts(steps: Step[]): Promise<void> {
      if (steps.length === 0) return
      const portal = await portalNames('contacts')
      if (!portal.ok) return fail(steps, portal)
      const inputs = merge<ContactInput>(
        steps,
        portal.value,
        'email',
        (step) => {
          const { email, properties } = request<'upsertContact'>(step)
          return { id: email, properties }
        },
        emailKey,
        (email) => ({ email, properties: {}, parts: [] }),
      )
      const send = async (inputs: ContactInput[]): Promise<Failure | undefined> => {
        const result = await call(() => api.upsertContacts(inputs.map(({ email, properties }) => ({ email, properties }))), 'idempotent')
        if (!result.ok) return result
        remember(contactIds, inputs.map((input) => emailKey(input.email)), result.value, 'email', emailKey)
        for (const input of inputs) for (const part of input.parts) await advance(part.step, `contact ${input.email} upserted`)
        return undefined
      }
      const separate = (input: ContactInput): ContactInput[] => input.parts.map((part) => ({ email: input.email, properties: part.properties, parts: [part] }))
      await eachLimit(chunk(inputs, BATCH_SIZE), concurrency, (batch) => sendSplitting(batch, stepsOfParts, send, separate))
    }

    /**
     * Updates the companies whose id is known and creates the others. A create is not idempotent: when one may
     * have reached HubSpot, the domains are looked up again before trying, so a retry never makes a second company.
     */
    async function sendCompanies(inputs: CompanyInput[], round = 0): Promise<Failure | undefined> {
      const known = inputs.filter((input) => companyIds.has(input.key))
      const fresh = inputs.filter((input) => !companyIds.has(input.key))
      if (known.length > 0) {
        const result = await call(() => api.updateCompanies(known.map((input) => ({ id: companyIds.get(input.key)!, properties: input.properties }))), 'idempotent')
        if (!result.ok) return result
        for (const input of known) for (const part of input.parts) await advance(part.step, `company ${input.domain} updated`)
      }
      if (fresh.length === 0) return undefined
      const result = await call(() => api.createCompanies(fresh.map((input) => ({ properties: { ...input.properties, domain: input.domain } }))), 'once')
      if (result.ok) {
        remember(companyIds, fresh.map((input) => input.key), result.value, 'domain', domainKey)
        for (const input of fresh) for (const part of input.parts) await advance(part.step, `company ${input.domain} created`)
        return undefined
      }
      if (!result.maybeDelivered) return result
      if (round >= retries.max) return { ...result, reason: `company create may have reached HubSpot (${result.reason}); gave up after ${round + 1} attempts` }
      // HubSpot's search lags behind a create by seconds: look again only once a company it made would show.
      await limiter.sleep(Math.max(backoff(round), SEARCH_LAG_MS))
      for (const input of fresh) {
        const found = await findCompany(input.domain)
        if (!found.ok) return found
        if (found.value) companyIds.set(input.key, found.value.id)
      }
      return sendCompanies(fresh, round + 1)
    }

    async function upsertCompanies(steps: Step[]): Promise<void> {
      if (steps.length === 0) return
      const portal = await portalNames('companies')
      if (!portal.ok) return fail(steps, portal)
      const inputs = merge<CompanyInput>(
        steps,
        portal.value,
        'domain',
        (step) => {
          const { domain, properties } = request<'upsertCompany'>(step)
          return { id: domain, properties }
        },
        domainKey,
        (domain, key) => ({ domain, key, properties: {}, parts: [] }),
      )
      await eachLimit(
        inputs.filter((input) => !companyIds.has(input.key)),
        concurrency,
        async (input) => {
          const found = await findCompany(input.domain)
          if (!found.ok) {
            input.failed = true
            return fail(stepsOfParts(input), found)
          }
          if (found.value) companyIds.set(input.key, found.value.id)
        },
      )
      const live = inputs.filter((input) => !input.failed)
      const separate = (input: CompanyInput): CompanyInput[] => input.parts.map((part) => ({ ...input, properties: part.properties, parts: [part] }))
      const batches = [
        ...chunk(
          live.filter((input) => companyIds.has(input.key)),
          BATCH_SIZE,
        ),
        ...chunk(
          live.filter((input) => !companyIds.has(input.key)),
          BATCH_SIZE,
        ),
      ]
      await eachLimit(batches, concurrency, (batch) => sendSplitting(batch, stepsOfParts, (some) => sendCompanies(some), separate))
    }

    async function associate(steps: Step[]): Promise<void> {
      if (steps.length === 0) return
      const failed = new Map<string, Failure>()
      const emails = new Map<string, string>()
      const domains = new Map<string, string>()
      for (const step of steps) {
        const { email, domain } = request<'associate'>(step)
        if (!contactIds.has(emailKey(email))) emails.set(emailKey(email), email)
        if (!companyIds.has(domainKey(domain))) domains.set(domainKey(domain), domain)
      }
      await eachLimit(chunk([...emails.keys()], BATCH_SIZE), concurrency, async (keys) => {
        const read = await call(() => api.readContactsByEmail(keys.map((key) => emails.get(key)!)), 'idempotent')
        if (!read.ok) keys.forEach((key) => failed.set(`contact:${key}`, read))
        else remember(contactIds, keys, read.value, 'email', emailKey)
      })
      await eachLimit([...domains.keys()], concurrency, async (key) => {
        const found = await findCompany(domains.get(key)!)
        if (!found.ok) failed.set(`company:${key}`, found)
        else if (found.value) companyIds.set(key, found.value.id)
      })
      const pairs = new Map<string, AssociationInput>()
      for (const step of steps) {
        const { email, domain } = request<'associate'>(step)
        const failure = failed.get(`contact:${emailKey(email)}`) ?? failed.get(`company:${domainKey(domain)}`)
        if (failure) {
          await fail([step], failure)
          continue
        }
        const contactId = contactIds.get(emailKey(email))
        const companyId = companyIds.get(domainKey(domain))
        if (!contactId) {
          await fail([step], { ok: false, outcome: 'rejected', reason: `no HubSpot contact has the email ${email} (an identify must create it first), so it can't be associated with ${domain}` })
          continue
        }
        if (!companyId) {
          await fail([step], { ok: false, outcome: 'rejected', reason: `no HubSpot company has the domain ${domain}, so ${email} can't be associated with it` })
          continue
        }
        const key = `${contactId}:${companyId}`
        const pair = pairs.get(key)
        if (pair) pair.steps.push(step)
        else pairs.set(key, { contactId, companyId, email, domain, steps: [step] })
      }
      const send = async (inputs: AssociationInput[]): Promise<Failure | undefined> => {
        const result = await call(() => api.associateContactsWithCompanies(inputs.map(({ contactId, companyId }) => ({ contactId, companyId }))), 'idempotent')
        if (!result.ok) return result
        for (const input of inputs) for (const step of input.steps) await advance(step, `contact ${input.email} associated with company ${input.domain}`)
        return undefined
      }
      await eachLimit(chunk([...pairs.values()], BATCH_SIZE), concurrency, (batch) =>
        sendSplitting(
          batch,
          (input) => input.steps,
          send,
          (input) => [input],
        ),
      )
    }

    async function sendEvents(steps: Step[]): Promise<void> {
      await eachLimit(steps, concurrency, async (step) => {
        const { eventName, email, utk, occurredAt, properties } = request<'sendEvent'>(step)
        // No timestamp: HubSpot takes the time it receives the event (an empty occurredAt is a 400).
        const occurrence: EventOccurrence = occurredAt ? { eventName, occurredAt, properties } : { eventName, properties }
        if (email !== undefined) occurrence.email = email
        if (utk !== undefined) occurrence.utk = utk
        const result = await call(() => api.sendEvent(occurrence), 'once')
        if (result.ok) return advance(step, `event ${JSON.stringify(eventName)} sent`)
        if (result.maybeDelivered) {
          return fail([step], { ...result, reason: `event ${JSON.stringify(eventName)} may have been delivered (${result.reason}); not sent again` })
        }
        return fail([step], result)
      })
    }

    for (const [i, entry] of list.entries()) {
      const item = items[i]!
      if (entry.rejected !== undefined) await settle(item, 'rejected', entry.rejected)
      else if (entry.requests.length === 0) await settle(item, 'delivered')
    }

    let live = items.filter((item) => !item.result)
    while (live.length > 0 && !stopped) {
      const steps = nextSteps(live)
      const byKind: Record<Kind, Step[]> = { upsertContact: [], upsertCompany: [], associate: [], sendEvent: [] }
      for (const step of steps) {
        const kind = request(step).kind
        if (byKind[kind]) byKind[kind].push(step)
        else await settle(step.item, 'rejected', `unknown request kind ${JSON.stringify(kind)}`)
      }
      await upsertContacts(byKind.upsertContact)
      await upsertCompanies(byKind.upsertCompany)
      await associate(byKind.associate)
      await sendEvents(byKind.sendEvent)
      // Every step moves its item on or settles it; this only guards the loop's progress.
      for (const step of steps) if (pending(step) && !stopped) await settle(step.item, 'dead-lettered', 'not sent: the request was not handled')
      live = live.filter((item) => !item.result)
    }
    for (const item of live) await settle(item, 'dead-lettered', (stopped ?? DAILY).reason, stopped !== undefined && stopped !== DAILY)
    return items.map((item) => item.result!)
  }

  return {
    deliver,
    get callsMade() {
      return limiter.calls
    },
    get dailyLimitReached() {
      return dailyLimitReached
    },
    stop(reason = STOPPED) {
      stopped ??= { ok: false, outcome: 'dead-lettered', reason }
      limiter.stop()
    },
  }
}
