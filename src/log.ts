const PREFIX = '[hubspot-destination]'

/** Where a destination reports what it did not send; console by default, replaceable in tests. */
export interface Log {
  debug(message: string): void
  warn(message: string): void
}

export const consoleLog: Log = {
  debug: (message) => console.debug(`${PREFIX} ${message}`),
  warn: (message) => console.warn(`${PREFIX} ${message}`),
}

/** A `warn` that says each distinct message once per destination. */
export function warnOnce(log: Log): (message: string) => void {
  const said = new Set<string>()
  return (message) => {
    if (said.has(message)) return
    said.add(message)
    log.warn(message)
  }
}
