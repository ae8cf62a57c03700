// What a backend uses: Segment events in, one result per event out. The pure toRequests, the contacts
// learned from identify, delivery within HubSpot's limits, and HubSpot's SDK, put together.
import { parseSettings, type HubSpotOptions } from '../core/settings'
import type { SegmentEvent } from '../core/types'
import { createHubSpotClient, type ClientOptions } from './client'
import { createDelivery, systemClock, type DeliveryItem, type DeliveryOptions, type DeliveryResult } from './delivery'
import type { HubSpotApi } from './hubspot-api'
import { memoryContacts, type ContactStore } from './stores'
import { toRequests } from './to-requests'

export interface ServerDestinationOptions extends HubSpotOptions, Partial<ClientOptions> {
  /** The HubSpot API to use instead of the SDK's (tests, or a client of your own). */
  api?: HubSpotApi
  /** Where the email each userId's identify gave is kept (default: in memory, for this process). */
  contacts?: ContactStore
  delivery?: Omit<DeliveryOptions, 'api' | 'clock'> & { clock?: DeliveryOptions['clock'] }
}

/** The id of an event in the results: its messageId, else its place in the batch. */
const idOf = (event: SegmentEvent, index: number): string => {
  const messageId = (event as { messageId?: unknown }).messageId
  return typeof messageId === 'string' && messageId ? messageId : String(index + 1)
}

/**
 * The server half: `send(events)` maps each event, delivers the requests within HubSpot's limits and
 * returns one result per event (delivered, rejected with the reason, or dead-lettered).
 */
export async function createServerDestination(options: ServerDestinationOptions) {
  const settings = parseSettings(options)
  const accessToken = options.accessToken ?? process.env.HUBSPOT_ACCESS_TOKEN
  if (!options.api && !accessToken) throw new Error('hubspot-destination/server needs a private app access token: the accessToken option or HUBSPOT_ACCESS_TOKEN')
  const api = options.api ?? (await createHubSpotClient({ accessToken: accessToken!, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) }))
  const contacts = options.contacts ?? memoryContacts()
  const delivery = createDelivery({ ...options.delivery, api, clock: options.delivery?.clock ?? systemClock })
  return {
    settings,
    /** The requests each event becomes, without sending anything (the CLI's --dry-run). */
    plan(events: readonly SegmentEvent[]): DeliveryItem[] {
      return events.map((event, index) => {
        const mapped = toRequests(event, settings, contacts)
        // Learned now, so a group later in the same batch finds the contact.
        if (mapped.remember) contacts.remember(mapped.remember.userId, mapped.remember.email)
        return {
          id: idOf(event, index),
          requests: mapped.requests,
          ...(mapped.rejected ? { rejected: mapped.rejected } : {}),
          ...(mapped.notes ? { notes: mapped.notes } : {}),
        }
      })
    },
    async send(events: readonly SegmentEvent[]): Promise<DeliveryResult[]> {
      return delivery.deliver(this.plan(events))
    },
    /** Delivers planned items, with ids of your own (the CLI's: messageId, else line number): one result each. */
    deliver(items: readonly DeliveryItem[]): Promise<DeliveryResult[]> {
      return delivery.deliver(items)
    },
    /** No call starts any more; what is not finished is dead-lettered with `stopped: true` (see `Delivery.stop`). */
    stop(reason?: string): void {
      delivery.stop(reason)
    },
    /** API calls made so far, failed ones too. */
    get callsMade(): number {
      return delivery.callsMade
    },
    get dailyLimitReached(): boolean {
      return delivery.dailyLimitReached
    },
  }
}

export type ServerDestination = Awaited<ReturnType<typeof createServerDestination>>
