import type { HubSpotCommand } from '../core/types'

/** The page's globals that HubSpot reads: `_hsq` for tracking, `_hsp` for privacy; `_hstc_ran` is its tracker's mark. */
export interface HubSpotWindow {
  _hsq?: unknown
  _hsp?: unknown
  hbspt?: { forms?: unknown }
  _hstc_ran?: unknown
  /** HubSpot's chat widget, which its tracking code adds when the portal has chat on. */
  HubSpotConversations?: { clear?: (options: { resetWidget: boolean }) => unknown }
}

/** Commands held while HubSpot's script has not run, at most; the oldest go first. */
export const MAX_HELD_COMMANDS = 1000

interface Pushable {
  push(...items: unknown[]): unknown
}

/** `_hsq` is still the plain array: HubSpot's script has not replaced it. */
export function isHeld(queue: unknown): queue is unknown[] {
  return Array.isArray(queue) && queue.push === Array.prototype.push
}

/**
 * HubSpot's script has taken over `_hsq`: what is pushed now runs at once, in order. Its tracker marks
 * its run (`_hstc_ran`), or has called one of our functions (`calledBack`); an array whose `push` the
 * page wrapped is otherwise still only a queue.
 */
export function hubSpotLoaded(win: HubSpotWindow, calledBack = false): boolean {
  const queue = win._hsq as Pushable | undefined
  return typeof queue?.push === 'function' && !isHeld(queue) && (calledBack || win._hstc_ran === true || !Array.isArray(queue))
}

/**
 * Makes sure `window[name]` is a queue, keeping whatever is already there. An HTML element of that
 * id or name (DOM clobbering) is no queue: a real one is set over it, and `onClobbered` says so.
 */
export function ensureQueue(win: HubSpotWindow, name: '_hsq' | '_hsp', onClobbered?: (message: string) => void): Pushable {
  let queue = win[name] as Pushable | undefined
  if (queue != null && typeof queue.push !== 'function' && typeof (queue as { nodeType?: unknown }).nodeType === 'number') {
    onClobbered?.(__DEV__ ? `an element with the id or name "${name}" hid HubSpot's queue window.${name}; a queue was set over it` : `window.${name} was an element`)
    queue = win[name] = []
  }
  queue ??= win[name] = [] as unknown as Pushable
  if (typeof queue.push !== 'function') throw new Error(`window.${name} is not a queue`)
  return queue
}

/** A fresh copy: HubSpot's tracker writes into the objects it is given, and ours are the caller's to keep. */
export const copy = <T>(value: T): T =>
  (typeof value !== 'object' || value === null
    ? value
    : Array.isArray(value)
      ? value.map(copy)
      : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copy(item)]))) as T

/**
 * The only writer of `window._hsq`. HubSpot's tracker runs what was queued before it arrived out of
 * order (`setPath` and `identify` first), so until it has taken over `_hsq` the commands wait here,
 * at most `cap` of them (the oldest are dropped), and go to `_hsq` in order once it has.
 */
export function createQueue(win: HubSpotWindow, warn: (message: string) => void, cap = MAX_HELD_COMMANDS) {
  let held: HubSpotCommand[] = []
  // The tracker called our function: it runs `_hsq` now, whether or not it marks its run.
  let calledBack = false
  const live = (): boolean => hubSpotLoaded(win, calledBack)
  const send = (commands: readonly HubSpotCommand[]): void => {
    if (!commands.length) return
    const queue = ensureQueue(win, '_hsq', warn)
    for (const command of commands) queue.push(copy(command))
  }
  const flush = (): void => {
    if (!held.length || !live()) return
    const waiting = held
    held = []
    send(waiting)
  }
  // From a timer nothing may reach the page: a `_hsq.push` that throws (a page's wrapper) is only logged.
  const flushLater = (): void =>
    void setTimeout(() => {
      try {
        flush()
      } catch {
        warn(__DEV__ ? "could not hand the waiting commands to HubSpot's queue" : '_hsq.push threw')
      }
    }, 0)
  // What went ahead of the tracker: at most a few, and a log-out can take the identities back.
  let ahead: unknown[][] = []
  return {
    push(commands: readonly HubSpotCommand[]): void {
      if (live()) {
        flush()
        send(commands)
        return
      }
      held.push(...commands)
      if (held.length <= cap) return
      // Down to 90% of the cap, so this copy happens once per many pushes.
      held = held.slice(held.length - Math.floor(cap * 0.9))
      warn(__DEV__ ? `HubSpot's script has not loaded: dropping the oldest commands waiting for it, to keep at most ${cap}` : `dropped commands past ${cap}`)
    },
    /** Straight into `_hsq`, for HubSpot's tracker to apply before it records its automatic first view. */
    early(commands: readonly HubSpotCommand[]): void {
      if (!commands.length) return
      const queue = ensureQueue(win, '_hsq', warn)
      for (const command of commands) {
        const sent = copy(command) as unknown[]
        ahead.push(sent)
        queue.push(sent)
      }
    },
    /** How many commands went ahead of the tracker. */
    ahead: (): number => ahead.length,
    /** Takes back the identities that went ahead, while the tracker has not read them: a log-out before it ran. */
    withdrawIdentities(): void {
      const queue = win._hsq
      if (!isHeld(queue)) return
      const ours = new Set(ahead.filter((command) => command[0] === 'identify'))
      ahead = ahead.filter((command) => !ours.has(command))
      for (let i = queue.length - 1; i >= 0; i--) if (ours.has(queue[i] as unknown[])) queue.splice(i, 1)
    },
    /**
     * Calls `ran` when HubSpot's tracker runs: it calls the functions it finds in `_hsq` as it drains it,
     * before its automatic first view. What waited is sent once that drain is over.
     */
    whenTrackerRuns(ran: () => void): void {
      ensureQueue(win, '_hsq', warn).push(() => {
        calledBack = true
        ran()
        flushLater()
      })
    },
    /** Sends what waited, once HubSpot's tracker has taken over `_hsq`. */
    flush,
    /** The same, from a timer: never throws. */
    flushLater,
    /** How many commands wait for HubSpot's tracker. */
    waiting: (): number => held.length,
  }
}

export type HubSpotQueue = ReturnType<typeof createQueue>
