// What the server half sends HubSpot: one Segment event becomes a few of these (see to-requests.ts),
// and delivery.ts turns them into API calls, batching what HubSpot lets it batch.

/** A HubSpot property value as the CRM API takes it: text (numbers, booleans and dates as text). */
export type PropertyValues = Record<string, string>

/**
 * One HubSpot API request, before batching:
 * - `upsertContact`: create or update the contact with this email (CRM v3 contacts batch upsert, idProperty email);
 * - `sendEvent`: one custom behavioral event occurrence (events v3 send); not idempotent: never sent twice;
 * - `upsertCompany`: create or update the company with this domain;
 * - `associate`: the contact with this email and the company with this domain, HubSpot's default association.
 */
export type HubSpotRequest =
  | { kind: 'upsertContact'; email: string; properties: PropertyValues }
  | { kind: 'sendEvent'; eventName: string; email?: string; utk?: string; occurredAt: string; properties: PropertyValues }
  | { kind: 'upsertCompany'; domain: string; properties: PropertyValues }
  | { kind: 'associate'; email: string; domain: string }

/** What is known about contacts from earlier events (persisted by the caller, so it survives a restart). */
export interface KnownContacts {
  /** The email an earlier `identify` gave this `userId`, if any. */
  emailOf(userId: string): string | undefined
}

/** The requests one event becomes, or why it becomes none; `remember` is what `KnownContacts` learns from it. */
export interface EventRequests {
  requests: HubSpotRequest[]
  /** Why nothing is sent for this event (a rejection with its reason); absent when requests go out. */
  rejected?: string
  remember?: { userId: string; email: string }
  notes?: string[]
}
