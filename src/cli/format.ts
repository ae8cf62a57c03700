import type { HubSpotSettings } from '../core/settings'
import type { HubSpotCommand } from '../core/types'
import { formsSdkUrl, trackingScriptUrl } from '../browser/urls'
import type { HubSpotRequest } from '../server/requests'
import type { LineResult } from './preview'

/** Wider commands are printed one property a line. */
export const WIDTH = 100
const INDENT = '        '

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function quote(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text)
}

/** A short, recognisable rendering of the Segment call on a line. */
export function describeCall(event: Record<string, unknown>): string {
  const type = String(event.type)
  const properties = record(event.properties)
  const traits = record(event.traits)
  const parts: string[] = [type]
  const name = event.name ?? properties.name
  switch (type) {
    case 'page':
    case 'screen': {
      if (name !== undefined) parts.push(quote(name))
      const page = typeof properties.path === 'string' ? properties : record(record(event.context).page)
      if (typeof page.path === 'string') parts.push(page.path + (typeof page.search === 'string' ? page.search : ''))
      break
    }
    case 'track':
      parts.push(event.event === undefined ? '(no event name)' : quote(event.event))
      break
    case 'group':
      if (event.groupId !== undefined) parts.push(quote(event.groupId))
      break
    case 'alias':
      parts.push(`${quote(event.previousId ?? event.anonymousId ?? '')} → ${quote(event.userId ?? '')}`)
      break
    default:
      break
  }
  if (type === 'identify' || type === 'group' || type === 'alias') {
    if (type !== 'alias' && event.userId !== undefined) parts.push(`userId ${quote(event.userId)}`)
    if (typeof traits.email === 'string') parts.push(`<${traits.email.trim()}>`)
  }
  return parts.join(' ')
}

/** JSON with a space after each comma and colon, on one line. */
export function compact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(compact).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${compact(item)}`).join(', ')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** `_hsq.push([...])` on one line, or with the object argument one property a line when long. */
export function formatCommand(command: HubSpotCommand, indent = INDENT): string {
  const oneLine = `_hsq.push(${compact(command)})`
  if (indent.length + oneLine.length <= WIDTH) return indent + oneLine
  const [name, ...args] = command
  const rendered = args.map((arg) =>
    typeof arg === 'object' && arg !== null ? JSON.stringify(arg, null, 2).replace(/\n/g, `\n${indent}`) : JSON.stringify(arg),
  )
  return `${indent}_hsq.push([${[JSON.stringify(name), ...rendered].join(', ')}])`
}

/** A line's entry in the human output: where it was, what it was, then each command or why none. */
export function formatHuman(result: LineResult): string {
  const head = `line ${result.line}  ${result.event ? describeCall(result.event) : '(bad line)'}`
  if (result.error) return `${head}\n${INDENT}✗ ${result.error}\n`
  if (result.commands.length === 0) return `${head}\n${INDENT}nothing sent: ${result.skipped ?? 'no command'}\n`
  return `${head}\n${result.commands.map((command) => formatCommand(command)).join('\n')}\n`
}

/** A line's entry in the `--json` output: one JSON object, always with the same keys. */
export function formatJson(result: LineResult): string {
  const { line, type, commands, skipped, error } = result
  return `${JSON.stringify({ line, type, commands, skipped, error })}\n`
}

/** What the settings change about the output, said once before it. */
export function formatHeader(settings: HubSpotSettings): string {
  const track = settings.useCustomBehavioralEvents
    ? `trackCustomBehavioralEvent${settings.formatCustomBehavioralEventNames ? ` (names as pe${settings.portalId}_<event>)` : ' (names as sent)'}`
    : 'trackEvent'
  const scripts = [trackingScriptUrl(settings), ...(settings.loadFormsSdk ? [formsSdkUrl(settings)] : [])]
  const lines = [
    `HubSpot portal ${settings.portalId}: ${scripts.join(' + ')}`,
    `track → ${track}${settings.events.size > 0 ? `, ${settings.events.size} mapped event${settings.events.size === 1 ? '' : 's'}` : ''}; identify${settings.flushIdentifyImmediately ? ' + trackPageView' : ' waits for the next page view or event'}`,
  ]
  return `${lines.map((line) => `# ${line}`).join('\n')}\n\n`
}

export interface Totals {
  events: number
  commands: number
  silent: number
  bad: number
}

export function formatSummary(totals: Totals): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
  return `\n# ${plural(totals.events, 'event')}: ${plural(totals.commands, 'command')}, ${totals.silent} sent nothing, ${plural(totals.bad, 'bad line')}\n`
}

// ---------------------------------------------------------------------------------------------------------
// send --dry-run: the HubSpot API requests each event becomes (the server half's toRequests, through `plan`).

/** One API request, said shortly; long properties one a line. */
export function formatRequest(request: HubSpotRequest, indent = INDENT): string {
  let head: string
  let properties: Record<string, string> | undefined
  switch (request.kind) {
    case 'upsertContact':
      head = `upsert contact ${request.email}`
      properties = request.properties
      break
    case 'sendEvent':
      head = `send event ${request.eventName} for ${request.email !== undefined ? request.email : `visitor ${request.utk ?? ''}`}${request.occurredAt ? ` at ${request.occurredAt}` : ''}`
      properties = request.properties
      break
    case 'upsertCompany':
      head = `upsert company ${request.domain}`
      properties = request.properties
      break
    case 'associate':
      head = `associate contact ${request.email} with company ${request.domain}`
      break
    default:
      head = compact(request)
  }
  if (!properties) return indent + head
  const oneLine = `${indent}${head} ${compact(properties)}`
  if (oneLine.length <= WIDTH) return oneLine
  return `${indent}${head} ${JSON.stringify(properties, null, 2).replace(/\n/g, `\n${indent}`)}`
}

export interface PlannedLine {
  line: number
  type: string
  event: Record<string, unknown>
  requests: HubSpotRequest[]
  rejected: string | null
  notes: string[]
}

/** A line's entry in the dry run's human output: what it was, then each request, or why none, and the notes. */
export function formatPlanHuman(planned: PlannedLine): string {
  const lines = [`line ${planned.line}  ${describeCall(planned.event)}`]
  if (planned.rejected !== null) lines.push(`${INDENT}nothing sent: ${planned.rejected}`)
  for (const request of planned.requests) lines.push(formatRequest(request))
  for (const note of planned.notes) lines.push(`${INDENT}note: ${note}`)
  return `${lines.join('\n')}\n`
}

/** A line's entry in the dry run's `--json` output: always the same keys. */
export function formatPlanJson(planned: PlannedLine): string {
  const { line, type, requests, rejected, notes } = planned
  return `${JSON.stringify({ line, type, requests, rejected, notes })}\n`
}

export function formatPlanHeader(settings: HubSpotSettings, baseUrl: string): string {
  const names = settings.formatCustomBehavioralEventNames ? `pe${settings.portalId}_<event>` : 'names as sent'
  const mapped = settings.events.size > 0 ? `, ${settings.events.size} mapped event${settings.events.size === 1 ? '' : 's'}` : ''
  return `# HubSpot portal ${settings.portalId} at ${baseUrl}: dry run, nothing is sent\n# track → custom behavioral event (${names}${mapped}); identify → contact upsert by email; group → company by domain\n\n`
}

export interface PlanTotals {
  events: number
  requests: number
  rejected: number
  bad: number
}

export function formatPlanSummary(totals: PlanTotals): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
  return `\n# ${plural(totals.events, 'event')}: ${plural(totals.requests, 'request')}, ${totals.rejected} rejected, ${plural(totals.bad, 'bad line')}\n`
}
