// What HubSpot's tracker (build 1.398) puts in a beacon's query string itself: page views and legacy
// events (`__ptq.gif`) and custom behavioral events (`__ptbe.gif`) alike.
// Checked against the real tracker by the contract test (test/e2e/contract.test.ts).
const OWN_FIELDS = /* @__PURE__ */ new Set(
  /* @__PURE__ */ 'a abi aij b bfp cc ccu cd ce cfi cgi cpi cs ct cts fci fi ft fvi i k lfi ln lpi lvc lvi m mabci mabei n nc pi po pt pu r rcu rfc rpo rv sd si st t tc u v vi'.split(' '),
)

/** A legacy `trackEvent` property the tracker would overwrite, or that would overwrite one of its fields. */
export const isTrackerField = (key: string): boolean => OWN_FIELDS.has(key)

/**
 * An identify key the tracker gives a meaning of its own: `visitor` merges the visitor with
 * another HubSpot user token (HubSpot's cross-domain linking uses it).
 */
export const isReservedIdentityKey = (key: string): boolean => key === 'visitor'

/**
 * The tracker empties every beacon value that equals `''` loosely (`0`, `false`) or is `'-'`: a custom
 * behavioral property (`_<key>=<value>`) and a legacy event's value (`m`) alike. As text they survive.
 */
export function survivesEmptying<T>(value: T): T | string {
  return value === 0 || value === false ? String(value) : value
}
