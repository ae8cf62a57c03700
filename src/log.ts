/** Where a destination reports what it did not send; the console unless a test swaps it. */
export interface Log {
  debug(message: string): void
  warn(message: string): void
}

export const consoleLog: Log = {
  debug: (message) => console.debug(`[hubspot-destination] ${message}`),
  warn: (message) => console.warn(`[hubspot-destination] ${message}`),
}
