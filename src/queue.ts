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

/** `_hsq` is still the plain array: HubSpot's script has not replaced it. */
export function isHeld(queue: unknown): queue is unknown[] {
  return Array.isArray(queue) && queue.push === Array.prototype.push
}

/** HubSpot's script has taken over `_hsq`. */
export function hubSpotLoaded(win: HubSpotWindow): boolean {
  return typeof (win._hsq as Pushable | undefined)?.push === 'function' && !isHeld(win._hsq)
}

/** Makes sure `window[name]` is a queue, keeping whatever is already there. */
export function ensureQueue(win: HubSpotWindow, name: '_hsq' | '_hsp'): Pushable {
  const queue = (win[name] ??= []) as Pushable
  if (typeof queue.push !== 'function') throw new Error(`window.${name} is not a queue`)
  return queue
}

/**
 * The only writer of `window._hsq`. While HubSpot's script has not loaded, it keeps
 * at most `cap` of its own commands there, dropping the oldest (never the page's own).
 */
export function createQueue(win: HubSpotWindow, onDrop: () => void, cap = MAX_HELD_COMMANDS) {
  const ours = new WeakSet<object>()
  return (commands: readonly HubSpotCommand[]): void => {
    const queue = ensureQueue(win, '_hsq')
    for (const command of commands) {
      ours.add(command)
      queue.push(command)
    }
    if (!isHeld(queue) || queue.length <= cap) return
    // Compact in place down to 90% of the cap, so this O(n) pass runs once per many pushes.
    let excess = queue.length - Math.floor(cap * 0.9)
    let write = 0
    for (const item of queue) {
      if (excess > 0 && ours.has(item as object)) excess--
      else queue[write++] = item
    }
    queue.length = write
    onDrop()
  }
}
