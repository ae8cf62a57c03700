import type { HubSpotCommand } from './types'

/** The page's globals that HubSpot reads: `_hsq` for tracking, `_hsp` for privacy. */
export interface HubSpotWindow {
  _hsq?: unknown
  _hsp?: unknown
  hbspt?: { forms?: unknown }
}

/** Commands held while HubSpot's script has not loaded, at most; the oldest go first. */
export const MAX_HELD_COMMANDS = 1000

interface Pushable {
  push(...items: unknown[]): unknown
}

function isPushable(value: unknown): value is Pushable {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as Pushable).push === 'function'
}

/** `_hsq` is still the plain array: HubSpot's script has not replaced it. */
export function isHeld(queue: unknown): queue is unknown[] {
  return Array.isArray(queue) && queue.push === Array.prototype.push
}

/** HubSpot's script has taken over `_hsq`. */
export function hubSpotLoaded(win: HubSpotWindow): boolean {
  return isPushable(win._hsq) && !isHeld(win._hsq)
}

/** Makes sure `window[name]` is a queue, keeping whatever is already there. */
export function ensureQueue(win: HubSpotWindow, name: '_hsq' | '_hsp'): Pushable | undefined {
  if (win[name] === undefined || win[name] === null) win[name] = []
  const queue = win[name]
  return isPushable(queue) ? queue : undefined
}

/**
 * The only writer of `window._hsq`. While HubSpot's script has not loaded, it keeps
 * at most `cap` of its own commands there, dropping the oldest (never the page's own).
 */
export function createQueue(win: HubSpotWindow, onDrop: (count: number) => void, cap = MAX_HELD_COMMANDS) {
  const ours = new WeakSet<object>()

  function trim(queue: unknown[]): void {
    // Trim to 90% of the cap so the O(n) compaction runs once per many pushes.
    let excess = queue.length - Math.floor(cap * 0.9)
    const dropped = excess
    let write = 0
    for (let read = 0; read < queue.length; read++) {
      const item = queue[read]
      if (excess > 0 && typeof item === 'object' && item !== null && ours.has(item)) excess--
      else queue[write++] = item
    }
    queue.length = write
    if (dropped > excess) onDrop(dropped - excess)
  }

  return {
    push(commands: readonly HubSpotCommand[]): void {
      if (commands.length === 0) return
      const queue = ensureQueue(win, '_hsq')
      if (!queue) throw new Error('window._hsq is not a queue')
      for (const command of commands) {
        ours.add(command)
        queue.push(command)
      }
      if (isHeld(queue) && queue.length > cap) trim(queue)
    },
  }
}
