import type { FeatureContext, MiddlewareInput } from './features'
import { field, isRecord } from '../core/flatten'

// HubSpot's visitor token: the `hubspotutk` cookie, 32 hex digits (HubSpot's forms API takes it as `hutk`).
const COOKIE = /(?:^|;\s*)hubspotutk=([0-9a-f]{32})(?:;|$)/

/** The token in the page's cookies, if there is one; `document.cookie` may throw (a sandboxed frame). */
function tokenCookie(doc: Document): string | undefined {
  try {
    return COOKIE.exec(doc.cookie)?.[1]
  } catch {
    return undefined
  }
}

/**
 * `attachUserToken`: every Segment event that leaves the page carries HubSpot's visitor token as
 * `context.hubspot.utk`, once it is known and while consent allows: read from HubSpot's cookie, and
 * from HubSpot's tracker (`addUserTokenListener`) as soon as it has one. No event waits for it.
 */
export function attachUserToken({ win, analytics, push, consented }: FeatureContext): void {
  let token: string | undefined
  push([['addUserTokenListener', (visitor: unknown) => {
    if (typeof visitor === 'string' && /^[0-9a-f]{32}$/.test(visitor)) token = visitor
  }]])
  analytics.addSourceMiddleware?.(({ payload, next }: MiddlewareInput) => {
    try {
      const event = payload.obj as Record<string, unknown>
      // Consent first, the event's own included: without it the cookie is not even read.
      const allowed = consented(event)
      // Without consent the token is forgotten too; with it again, the cookie says what it is then.
      token = allowed ? (token ?? tokenCookie(win.document)) : undefined
      if (allowed && token && isRecord(event)) {
        const context = field(event, 'context')
        // New objects all the way down: the context may be the caller's own (call options).
        event.context = { ...(isRecord(context) ? context : {}), hubspot: { ...(isRecord(field(context, 'hubspot')) ? (field(context, 'hubspot') as object) : {}), utk: token } }
      }
    } finally {
      next(payload)
    }
  })
}
