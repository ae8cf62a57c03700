
/** Where a destination reports what it did not send; the console unless a test swaps it. */
export interface Log {
  debug(message: string): void
  warn(message: string): void
  error(message: string): void
}

export const consoleLog: Log = {
  debug: (message) => console.debug(`[hubspot-destination] ${message}`),
  warn: (message) => console.warn(`[hubspot-destination] ${message}`),
  error: (message) => console.error(`[hubspot-destination] ${message}`),
}

/** Six lines at most, however much one event loses: the first five, then how many more. */
export const fewNotes = (notes: string[]): string[] =>
  notes.length > 6 ? [...notes.slice(0, 5), `and ${notes.length - 5} more${__DEV__ ? ' notes like these' : ''}`] : notes

/** A setting that can't be used, said once: HubSpot stays off, and nothing else does. */
export function reportBadSettings(problem: string, log: Log = consoleLog): void {
  log.error(`${problem}. ${__DEV__ ? 'HubSpot is off; analytics and other destinations run as usual' : 'HubSpot is off'}`)
}

/** An error's message, for a log line: never throws, whatever was thrown (`Object.create(null)` included). */
export function reason(error: unknown): string {
  try {
    return error instanceof Error ? error.message : typeof error === 'string' ? error : Object.prototype.toString.call(error)
  } catch {
    return 'an unreadable error'
  }
}
