// Reading HubSpot's beacons: what its tracker actually sends, in the browser tests and in jsdom.

// Fields that change from run to run or machine to machine (time, visitor id, screen, fingerprint,
// cookies, title, referrer, privacy flags): left out when beacons are compared.
const VOLATILE = new Set(['cts', 'vi', 'nc', 'sd', 'cd', 'cs', 'ln', 'bfp', 'u', 'b', 'v', 'ce', 'cc', 't', 'r'])

/** A beacon URL as `[file, fields]`: `__ptq.gif` (views, legacy events) or `__ptbe.gif` (custom behavioral events), without the volatile fields. */
export function readBeacon(url: string): [string, Record<string, string>] {
  const parsed = new URL(url)
  const fields: Record<string, string> = {}
  for (const [key, value] of parsed.searchParams) if (!VOLATILE.has(key)) fields[key] = value
  return [parsed.pathname.slice(1), fields]
}

/** The identity field `i` as the tracker writes it: the identify properties as a query string. */
export const identityField = (properties: Record<string, string>): string => new URLSearchParams(properties).toString()

export type BeaconKind = 'view' | 'event' | 'trackEvent' | string

/**
 * A beacon as the tests state it: its kind (`view` for k=1, `trackEvent` for k=3 on __ptq.gif, `event`
 * for a custom behavioral event on __ptbe.gif) and its fields, without `k`, the portal `a` and the page
 * URL `pu`, which `expectBeaconsOf` checks on their own.
 */
export function briefBeacon(url: string): [BeaconKind, Record<string, string>] {
  const [file, { k, a: _a, pu: _pu, ...fields }] = readBeacon(url)
  if (file === '__ptbe.gif') return ['event', fields]
  return [k === '1' ? 'view' : k === '3' ? 'trackEvent' : `k=${k}`, k === '3' ? { k, ...fields } : fields]
}
