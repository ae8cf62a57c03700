// `hubspot-destination send`: Segment events (NDJSON) to HubSpot's API through the server half, with a progress
// bar, a summary, a replayable file of the events that failed, and a checkpoint that lets a rerun resume.
// `--dry-run` prints the requests instead (the cloud counterpart of `preview`).
import { createHash } from 'node:crypto'
import { closeSync, createReadStream, existsSync, fstatSync, openSync, unlinkSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { SegmentEvent } from '../core/types'
import { createHubSpotClient } from '../server/client'
import { DAILY_LIMIT_REACHED, type Clock, type DeliveryItem, type DeliveryProgress, type DeliveryResult } from '../server/delivery'
import { createServerDestination, type ServerDestination } from '../server/destination'
import { HubSpotApiError, type HubSpotApi } from '../server/hubspot-api'
import { fileCheckpoint, fileContacts, memoryContacts, type CheckpointStore, type ContactStore } from '../server/stores'
import type { SendOptions } from './args'
import { formatPlanHeader, formatPlanHuman, formatPlanJson, formatPlanSummary, type PlanTotals } from './format'
import { binaryMessage, looksBinary, openInput, PROGRAM, write, type CliStreams } from './input'
import { parseEventLine } from './preview'

/** Exit codes of send (see HELP). */
export const SEND_EXIT = { ok: 0, failed: 1, usage: 2, dailyLimit: 3, interrupted: 130, terminated: 143 } as const

/** The field a failed event carries in the failed file; a replay removes it before mapping. */
export const META = '_hubspotDestination'
/** Events planned and delivered together: the unit between two reads of the input. */
export const CHUNK = 1000
/** The reason the CLI stops delivery with on Ctrl-C. */
export const INTERRUPTED = 'not sent: interrupted'
const TOKEN_REFUSED = 'not sent: HubSpot refused the access token'

export interface FailedMeta {
  outcome: 'rejected' | 'dead-lettered'
  reason: string
  /** The event's checkpoint id (a replay is checkpointed under it). */
  id: string
  /** Where it was in the file it was sent from. */
  line: number
}

type Read =
  | { error: string }
  | { event: Record<string, unknown>; type: string; id: string }

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key)
/** An id fit for the checkpoint file (one a line). */
const asId = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' && !/[\r\n]/.test(value) ? value : undefined)

/**
 * One line as an event to send: blank lines are nothing, a bad line says why (as preview), and the failed file's
 * field is removed. Its id: the messageId, else the id the failed file kept, else the line number with a hash of
 * the line (an edited file then never has the wrong event skipped).
 */
export function readLine(text: string, line: number): Read | undefined {
  // A byte-order mark may open a file saved by some editors.
  const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim()
  if (trimmed === '') return undefined
  const parsed = parseEventLine(trimmed)
  if ('error' in parsed) return { error: parsed.error }
  let event = parsed.event
  let kept: string | undefined
  if (hasOwn(event, META)) {
    const { [META]: meta, ...rest } = event
    kept = asId((meta as { id?: unknown } | null)?.id)
    event = rest
  }
  const id = asId(event.messageId) ?? kept ?? `line:${line}:${createHash('sha256').update(trimmed).digest('hex').slice(0, 16)}`
  return { event, type: parsed.type, id }
}

// ---------------------------------------------------------------------------------------------------------
// Input: files are read twice (count, then send), standard input once into memory (its length gives the ETA).

interface Source {
  label: string
  /** The lines, from the first each time. */
  lines(): AsyncIterable<string>
}

async function openSource(file: string | undefined, io: CliStreams): Promise<Source | { error: string }> {
  const opened = await openInput(file, io)
  if ('error' in opened) return opened
  if (file !== undefined) {
    await opened.close()
    return {
      label: file,
      async *lines() {
        const stream = createReadStream(file, { encoding: 'utf8' })
        try {
          yield* createInterface({ input: stream, crlfDelay: Infinity })
        } finally {
          stream.destroy()
        }
      },
    }
  }
  let buffered: string[] | undefined
  return {
    label: 'stdin',
    async *lines() {
      if (buffered) {
        yield* buffered
        return
      }
      const all: string[] = []
      for await (const text of createInterface({ input: opened.input, crlfDelay: Infinity })) {
        all.push(text)
        yield text
      }
      buffered = all
    },
  }
}

/** Non-blank lines (the progress bar's total), or the line that makes the input binary. */
async function countLines(source: Source): Promise<{ total: number } | { binaryAt: number }> {
  let total = 0
  let number = 0
  for await (const text of source.lines()) {
    number++
    if (looksBinary(text)) return { binaryAt: number }
    if (text.trim() !== '' && text !== '\uFEFF') total++
  }
  return { total }
}

// ---------------------------------------------------------------------------------------------------------
// Progress on stderr: a bar redrawn in place on a terminal, else a line every tenth of the way.

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?'
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

class Progress {
  private readonly tty: boolean
  private readonly started = Date.now()
  private drawn = false
  private lastDraw = 0
  private lastTenth = 0
  /** Events settled by delivery in this run (not those skipped or bad): the rate. */
  private sent = 0
  private done = 0

  constructor(
    private readonly stream: CliStreams['stderr'],
    private readonly total: number,
  ) {
    this.tty = (stream as { isTTY?: boolean }).isTTY === true
  }

  private line(): string {
    const seconds = (Date.now() - this.started) / 1000
    // Under a second, a rate says little (the first calls of a rolling window go out at once).
    const rate = this.sent > 0 && seconds >= 1 ? this.sent / seconds : 0
    const remaining = Math.max(0, this.total - this.done)
    const percent = this.total > 0 ? Math.floor((this.done / this.total) * 100) : 100
    const eta = rate > 0 ? formatDuration(remaining / rate) : '?'
    const speed = rate > 0 ? `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)} events/s` : '– events/s'
    if (!this.tty) return `${PROGRAM}: ${percent}% (${this.done}/${this.total} events), ${speed}, ETA ${eta}`
    const width = 24
    const filled = this.total > 0 ? Math.min(width, Math.round((this.done / this.total) * width)) : width
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.done}/${this.total} ${percent}%  ${speed}  ETA ${eta}`
  }

  update(done: number, sent: number): void {
    this.done = done
    this.sent = sent
    if (this.tty) {
      const now = Date.now()
      if (now - this.lastDraw < 100 && done < this.total) return
      this.lastDraw = now
      this.stream.write(`\r\x1b[2K${this.line()}`)
      this.drawn = true
      return
    }
    const tenth = this.total > 0 ? Math.floor((done / this.total) * 10) : 10
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth
      this.stream.write(`${this.line()}\n`)
    }
  }

  /** A message on its own line, the bar drawn again under it. */
  log(message: string): void {
    if (this.tty && this.drawn) {
      this.stream.write(`\r\x1b[2K${message}\n${this.line()}`)
    } else {
      this.stream.write(`${message}\n`)
    }
  }

  end(): void {
    if (this.tty && this.drawn) this.stream.write(`\r\x1b[2K${this.line()}\n`)
    this.drawn = false
  }
}

// ---------------------------------------------------------------------------------------------------------
// The summary.

export interface SendSummary {
  input: string
  portalId: string
  delivered: number
  rejected: number
  deadLettered: number
  badLines: number
  /** Delivered by an earlier run (in the checkpoint): not sent again. */
  skipped: number
  /** Not sent because the run stopped (Ctrl-C, the daily limit, a refused token): a rerun sends them. */
  notSent: number
  calls: number
  seconds: number
  /** The failed file, when this run wrote one. */
  failed: string | null
  checkpoint: string
  stopped: null | 'interrupted' | 'daily limit' | 'token refused'
  /** Quit at once (a second Ctrl-C) with calls in flight: their events may have reached HubSpot, and a rerun sends them again. */
  abandonedCalls: boolean
  /** Properties left out because the portal does not have them: how many events each. */
  dropped: Record<string, number>
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`

export function formatSendSummary(summary: SendSummary): string {
  const rows: Array<[string, number, string?]> = [
    ['delivered', summary.delivered],
    ['rejected', summary.rejected],
    ['dead-lettered', summary.deadLettered],
    ['bad lines', summary.badLines],
    ['already delivered', summary.skipped, summary.skipped > 0 ? `skipped (in ${summary.checkpoint})` : undefined],
    ['not sent', summary.notSent],
  ]
  const lines = [`Sent ${summary.input} to HubSpot portal ${summary.portalId}: ${plural(summary.calls, 'API call')} in ${summary.seconds.toFixed(1)} s`]
  for (const [name, count, note] of rows) lines.push(`  ${name.padEnd(18)} ${String(count).padStart(6)}${note ? `  ${note}` : ''}`)
  const dropped = Object.entries(summary.dropped)
  if (dropped.length > 0) {
    lines.push(`Left out, not properties of the portal: ${dropped.map(([name, count]) => `${name} (${plural(count, 'event')})`).join(', ')}`)
  }
  const failed = summary.rejected + summary.deadLettered
  if (summary.failed !== null) {
    lines.push(`${plural(failed, 'rejected or dead-lettered event')} written to ${summary.failed}; replay with: ${PROGRAM} send ${summary.failed} (same options)`)
  }
  const resume = 'run the same command again to resume'
  if (summary.stopped === 'interrupted') lines.push(`Interrupted: ${plural(summary.notSent, 'event')} not sent; ${resume}.`)
  if (summary.abandonedCalls) lines.push('Quit with calls in flight: their events may have reached HubSpot, and a rerun sends them again.')
  else if (summary.stopped === 'daily limit') lines.push(`Stopped: HubSpot's daily API limit is reached; ${plural(summary.notSent, 'event')} not sent; ${resume} once the limit resets.`)
  else if (summary.stopped === 'token refused') lines.push(`Stopped: HubSpot refused the access token; ${plural(summary.notSent, 'event')} not sent; ${resume} with a valid HUBSPOT_ACCESS_TOKEN.`)
  return `${lines.join('\n')}\n`
}

// ---------------------------------------------------------------------------------------------------------
// --dry-run

/** The contacts an earlier run learned, read only: a dry run writes nothing. */
function readOnlyContacts(path: string): ContactStore {
  const known = existsSync(path) ? fileContacts(path) : undefined
  const learned = memoryContacts()
  return { emailOf: (userId) => learned.emailOf(userId) ?? known?.emailOf(userId), remember: learned.remember }
}

const NO_API = new Proxy({} as HubSpotApi, {
  get() {
    throw new Error('a dry run makes no call')
  },
})

async function dryRun(options: SendOptions, io: CliStreams): Promise<number> {
  const opened = await openInput(options.file, io)
  if ('error' in opened) {
    io.stderr.write(opened.error)
    return SEND_EXIT.usage
  }
  const source = options.file ?? 'stdin'
  let contacts: ContactStore
  try {
    contacts = readOnlyContacts(options.contacts)
  } catch (error) {
    await opened.close()
    io.stderr.write(`${PROGRAM}: cannot read the contacts file ${options.contacts}: ${(error as Error).message}\n`)
    return SEND_EXIT.usage
  }
  const destination = await createServerDestination({ ...options.hubspot, api: NO_API, contacts })
  const totals: PlanTotals = { events: 0, requests: 0, rejected: 0, bad: 0 }
  if (!options.json) await write(io.stdout, formatPlanHeader(options.settings, options.baseUrl))
  let number = 0
  try {
    for await (const text of createInterface({ input: opened.input, crlfDelay: Infinity })) {
      if (looksBinary(text)) {
        io.stderr.write(binaryMessage(source, number + 1))
        return SEND_EXIT.usage
      }
      const read = readLine(text, ++number)
      if (!read) continue
      if ('error' in read) {
        totals.bad++
        io.stderr.write(`${source}:${number}: ${read.error}\n`)
        continue
      }
      const [item] = destination.plan([read.event as SegmentEvent]) as [DeliveryItem]
      const planned = { line: number, type: read.type, event: read.event, requests: item.requests, rejected: item.rejected ?? null, notes: item.notes ?? [] }
      totals.events++
      totals.requests += planned.requests.length
      if (planned.rejected !== null) totals.rejected++
      await write(io.stdout, options.json ? formatPlanJson(planned) : formatPlanHuman(planned))
    }
  } catch (error) {
    io.stderr.write(`${PROGRAM}: cannot read ${source}: ${(error as Error).message}\n`)
    return SEND_EXIT.usage
  } finally {
    await opened.close()
  }
  if (!options.json) await write(io.stdout, formatPlanSummary(totals))
  return totals.bad > 0 ? SEND_EXIT.failed : SEND_EXIT.ok
}

// ---------------------------------------------------------------------------------------------------------
// send

/** The same file under two names: the second would overwrite the first. */
function clash(options: SendOptions): string | undefined {
  const named: Array<[string, string]> = [
    ['--failed', options.failed],
    ['--checkpoint', options.checkpoint],
    ['--contacts', options.contacts],
  ]
  if (options.file !== undefined) named.unshift(['the input', options.file])
  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < named.length; j++) {
      if (resolve(named[i]![1]) === resolve(named[j]![1])) return `${named[i]![0]} and ${named[j]![0]} are the same file (${named[j]![1]})`
    }
  }
  return undefined
}

/** The API with an eye on its errors: a refused token stops the run instead of rejecting every event. */
function watched(api: HubSpotApi, onError: (error: unknown) => void): HubSpotApi {
  const out: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(api) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    out[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(api, args)
      } catch (error) {
        onError(error)
        throw error
      }
    }
  }
  return out as unknown as HubSpotApi
}

type Signal = 'SIGINT' | 'SIGTERM'

/** The system clock, with its waits cleared at the end: one that `stop` cut short must not hold the process. */
function clearableClock(): Clock & { clear(): void } {
  const timers = new Set<ReturnType<typeof setTimeout>>()
  return {
    now: () => Date.now(),
    sleep: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer)
          resolve()
        }, Math.max(0, ms))
        timers.add(timer)
      }),
    clear() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
  }
}

export async function send(options: SendOptions, io: CliStreams): Promise<number> {
  if (options.dryRun) return dryRun(options, io)
  const token = options.accessToken!
  /** HubSpot's messages never quote the token; this makes sure nothing printed does. */
  const scrub = (text: string): string => text.split(token).join('[HUBSPOT_ACCESS_TOKEN]')
  const fail = (message: string): number => {
    io.stderr.write(`${PROGRAM}: ${scrub(message)}\n`)
    return SEND_EXIT.usage
  }

  const problem = clash(options)
  if (problem) return fail(`${problem}: give each its own path`)
  const opened = await openSource(options.file, io)
  if ('error' in opened) {
    io.stderr.write(opened.error)
    return SEND_EXIT.usage
  }
  const source = opened
  let checkpoint: CheckpointStore
  let contacts: ContactStore
  try {
    checkpoint = fileCheckpoint(options.checkpoint)
  } catch (error) {
    return fail(`cannot read the checkpoint ${options.checkpoint}: ${(error as Error).message}`)
  }
  try {
    contacts = fileContacts(options.contacts)
  } catch (error) {
    return fail(`cannot read the contacts file ${options.contacts}: ${(error as Error).message}`)
  }

  // Ctrl-C: the first stops new calls and lets those in flight finish, the second quits at once.
  let signal: Signal | undefined
  let quitNow!: () => void
  const forced = new Promise<'forced'>((resolve) => (quitNow = () => resolve('forced')))
  let destination: ServerDestination | undefined
  let progress: Progress | undefined
  const onSignal = (received: Signal): void => {
    if (signal) {
      quitNow()
      return
    }
    signal = received
    destination?.stop(INTERRUPTED)
    const message = `${PROGRAM}: stopping: no new call; waiting for the calls in flight (${received === 'SIGINT' ? 'Ctrl-C' : received} again to quit at once)`
    if (progress) progress.log(message)
    else io.stderr.write(`${message}\n`)
  }
  const onInt = (): void => onSignal('SIGINT')
  const onTerm = (): void => onSignal('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)

  let failedFd: number | undefined
  const clock = clearableClock()
  try {
    // Pass 1: how many events (the bar's total); binary input stops here, before anything is sent.
    let counted
    try {
      counted = await countLines(source)
    } catch (error) {
      return fail(`cannot read ${source.label}: ${(error as Error).message}`)
    }
    if ('binaryAt' in counted) {
      io.stderr.write(binaryMessage(source.label, counted.binaryAt))
      return SEND_EXIT.usage
    }
    const total = counted.total

    // The failed file starts empty: it holds this run's failures (a rerun sends the earlier ones again).
    let failedIsFile = false
    try {
      failedFd = openSync(options.failed, 'w')
      failedIsFile = fstatSync(failedFd).isFile()
    } catch (error) {
      return fail(`cannot write the failed file ${options.failed}: ${(error as Error).message}`)
    }

    let refused: string | undefined
    try {
      const client = await createHubSpotClient({ accessToken: token, baseUrl: options.baseUrl })
      const api = watched(client, (error) => {
        if (error instanceof HubSpotApiError && error.status === 401 && refused === undefined) {
          const body = error.body as { message?: unknown } | undefined
          refused = typeof body?.message === 'string' ? body.message : error.message
          destination?.stop(TOKEN_REFUSED)
        }
      })
      let current: (progress: DeliveryProgress) => void = () => {}
      destination = await createServerDestination({
        ...options.hubspot,
        api,
        contacts,
        delivery: { rate: options.rate, checkpoint, clock, onProgress: (p) => current(p) },
      })
      if (signal) destination.stop(INTERRUPTED)
      const started = Date.now()
      io.stderr.write(
        `${PROGRAM}: sending ${source.label} to HubSpot portal ${options.settings.portalId} at ${options.baseUrl}, at most ${options.rate.max} calls per ${options.rate.intervalMs / 1000} s\n`,
      )
      progress = new Progress(io.stderr, total)

      const summary: SendSummary = {
        input: options.file ?? '-',
        portalId: options.settings.portalId,
        delivered: 0,
        rejected: 0,
        deadLettered: 0,
        badLines: 0,
        skipped: 0,
        notSent: 0,
        calls: 0,
        seconds: 0,
        failed: null,
        checkpoint: options.checkpoint,
        stopped: null,
        abandonedCalls: false,
        dropped: {},
      }
      let failedCount = 0
      let done = 0
      let sent = 0
      const last: { progress?: DeliveryProgress } = {}
      const deliveredSoFar = (): number => last.progress?.delivered ?? 0

      const stopped = (result: DeliveryResult): boolean =>
        result.stopped === true || (result.outcome === 'dead-lettered' && (result.reason === DAILY_LIMIT_REACHED || (result.reason ?? '').startsWith(`${DAILY_LIMIT_REACHED};`)))

      const halted = (): boolean => signal !== undefined || destination!.dailyLimitReached || refused !== undefined

      /** Plans and delivers a chunk; false when the run was quit at once (its results unknown). */
      const deliverChunk = async (chunk: Array<{ line: number; event: Record<string, unknown>; id: string }>): Promise<boolean> => {
        const items = destination!.plan(chunk.map((entry) => entry.event as SegmentEvent)).map((item, i) => ({ ...item, id: chunk[i]!.id }))
        const base = done
        const sentBase = sent
        delete last.progress
        current = (p) => {
          last.progress = p
          // Once stopped, the rest settles at once as not sent: no progress.
          if (!halted()) progress!.update(base + p.done, sentBase + p.done)
        }
        const results = await Promise.race([destination!.deliver(items), forced])
        current = () => {}
        if (results === 'forced') {
          // What this chunk delivered is in the checkpoint; the rest is sent again by a rerun.
          summary.delivered += deliveredSoFar()
          summary.abandonedCalls = true
          return false
        }
        results.forEach((result, i) => {
          for (const name of result.dropped ?? []) summary.dropped[name] = (summary.dropped[name] ?? 0) + 1
          if (result.outcome === 'delivered') {
            summary.delivered++
            return
          }
          // After a refused token, a failure is the token's, not the event's: a rerun sends it.
          if (stopped(result) || (refused !== undefined && items[i]!.rejected === undefined)) return
          if (result.outcome === 'rejected') summary.rejected++
          else summary.deadLettered++
          const entry = chunk[i]!
          const meta: FailedMeta = { outcome: result.outcome, reason: scrub(result.reason ?? result.outcome), id: entry.id, line: entry.line }
          writeSync(failedFd!, `${JSON.stringify({ ...entry.event, [META]: meta })}\n`)
          failedCount++
        })
        done = base + items.length
        sent = sentBase + items.length
        return true
      }

      // Pass 2: read, skip what the checkpoint has, send a chunk at a time, in the file's order.
      let quit = false
      let number = 0
      let chunk: Array<{ line: number; event: Record<string, unknown>; id: string }> = []
      try {
        for await (const text of source.lines()) {
          if (halted()) break
          const read = readLine(text, ++number)
          if (!read) continue
          if (!('error' in read) && !checkpoint.has(read.id)) {
            chunk.push({ line: number, event: read.event, id: read.id })
            if (chunk.length < CHUNK) continue
            quit = !(await deliverChunk(chunk))
            chunk = []
            if (quit) break
            continue
          }
          if ('error' in read) {
            summary.badLines++
            progress.log(`${source.label}:${number}: ${read.error}`)
          } else {
            summary.skipped++
          }
          done++
          progress.update(done, sent)
        }
        if (!quit && chunk.length > 0 && !halted()) quit = !(await deliverChunk(chunk))
      } catch (error) {
        // A checkpoint or failed file that can't be written, an input that can't be read: stop, say where.
        destination.stop(INTERRUPTED)
        progress.end()
        if ((error as NodeJS.ErrnoException).syscall === undefined) throw error
        return fail(`stopped: ${(error as Error).message}`)
      }
      progress.end()

      summary.calls = destination.callsMade
      summary.seconds = (Date.now() - started) / 1000
      summary.notSent = Math.max(0, total - summary.delivered - summary.rejected - summary.deadLettered - summary.badLines - summary.skipped)
      summary.stopped = signal ? 'interrupted' : destination.dailyLimitReached ? 'daily limit' : refused !== undefined ? 'token refused' : null
      closeSync(failedFd)
      failedFd = undefined
      if (failedCount > 0) summary.failed = options.failed
      // Only a file of its own (not --failed /dev/stdout).
      else if (failedIsFile) unlinkSync(options.failed)

      if (refused !== undefined) io.stderr.write(`${PROGRAM}: HubSpot refused the access token in HUBSPOT_ACCESS_TOKEN (401: ${scrub(refused)})\n`)
      await write(io.stdout, options.json ? `${JSON.stringify(summary)}\n` : formatSendSummary(summary))
      if (signal) return signal === 'SIGINT' ? SEND_EXIT.interrupted : SEND_EXIT.terminated
      if (refused !== undefined) return SEND_EXIT.usage
      if (destination.dailyLimitReached) return SEND_EXIT.dailyLimit
      return summary.badLines > 0 || summary.deadLettered > 0 ? SEND_EXIT.failed : SEND_EXIT.ok
    } catch (error) {
      // The SDK missing, or a file that can't be written.
      return fail((error as Error).message)
    }
  } finally {
    clock.clear()
    if (failedFd !== undefined) closeSync(failedFd)
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
  }
}
