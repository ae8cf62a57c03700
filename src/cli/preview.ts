import { toCommands, type MappingState } from '../browser/commands'
import type { HubSpotSettings } from '../core/settings'
import type { HubSpotCommand, SegmentEvent } from '../core/types'

/** The call types of the Segment spec; anything else on a line is a mistake. */
export const SEGMENT_TYPES = ['page', 'screen', 'identify', 'track', 'group', 'alias'] as const

/** What one input line became. `error` is set for a bad line, which sends nothing. */
export interface LineResult {
  line: number
  /** The call's `type` as written, or `null` when the line has none. */
  type: string | null
  event: Record<string, unknown> | null
  commands: HubSpotCommand[]
  /** Why a good line sent nothing. */
  skipped: string | null
  error: string | null
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

type Parsed = { event: Record<string, unknown>; type: string } | { error: string; type: string | null }

/** One line as a Segment event, or the reason it is not one. */
export function parseEventLine(text: string): Parsed {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    // JSON.parse quotes the offending character: a control character would reach the terminal as it is.
    const message = (error instanceof Error ? error.message : String(error)).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    return { error: `not JSON: ${message}`, type: null }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: `not a JSON object (got ${kindOf(value)})`, type: null }
  }
  const event = value as Record<string, unknown>
  const type = event.type
  const expected = `expected one of ${SEGMENT_TYPES.join(', ')}`
  if (type === undefined) return { error: `no "type" (${expected})`, type: null }
  if (typeof type !== 'string') return { error: `"type" is ${kindOf(type)} (${expected})`, type: null }
  if (!(SEGMENT_TYPES as readonly string[]).includes(type)) {
    return { error: `unknown type ${JSON.stringify(type)} (${expected})`, type }
  }
  return { event, type }
}

/**
 * Maps lines one after another with the pure core, carrying its state (first page seen)
 * from line to line as the browser destination does from call to call.
 */
export function createPreview(settings: HubSpotSettings, initialState: MappingState) {
  let state = initialState
  return {
    /** `undefined` for a blank line, which is neither an event nor a mistake. */
    line(text: string, line: number): LineResult | undefined {
      // A byte-order mark may open a file saved by some editors.
      const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim()
      if (trimmed === '') return undefined
      const parsed = parseEventLine(trimmed)
      if ('error' in parsed) return { line, type: parsed.type, event: null, commands: [], skipped: null, error: parsed.error }
      let mapping
      try {
        mapping = toCommands(parsed.event as SegmentEvent, settings, state)
      } catch (error) {
        // The browser destination drops such an event too; here it counts as a bad line.
        const reason = `could not be mapped: ${error instanceof Error ? error.message : String(error)}`
        return { line, type: parsed.type, event: parsed.event, commands: [], skipped: null, error: reason }
      }
      state = mapping.state
      return { line, type: parsed.type, event: parsed.event, commands: mapping.commands, skipped: mapping.skipped ?? null, error: null }
    },
  }
}
