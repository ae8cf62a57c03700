import { toCommands, type MappingState } from './commands'
import { grantsConsent } from './consent'
import { loadFormsSdk, loadTrackingScript, type BrowserWindow } from './loader'
import { consoleLog, type Log } from './log'
import { MAX_HELD_COMMANDS, createQueue, ensureQueue } from './queue'
import type { HubSpotSettings } from './settings'
import type { SegmentEvent } from './types'
import { trackingScriptUrl } from './urls'

export interface DestinationOptions {
  /** Whether a page call was already accounted for (the classic factory skips the first one itself). */
  pageSeen: boolean
  log?: Log
  /** Commands held while HubSpot's script is missing. */
  maxHeldCommands?: number
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * What both adapters share: scripts, consent, state and the queue, around the pure `toCommands`.
 * Nothing here throws at the page: failures become log messages.
 */
export function createDestination(win: BrowserWindow, settings: HubSpotSettings, options: DestinationOptions) {
  const log = options.log ?? consoleLog
  const warned = new Set<string>()
  const warn = (message: string): void => {
    if (!warned.has(message)) log.warn(message)
    warned.add(message)
  }
  const cap = options.maxHeldCommands ?? MAX_HELD_COMMANDS
  const push = createQueue(
    win,
    () => warn(`HubSpot's script has not loaded: dropping the oldest commands in window._hsq to keep at most ${cap}`),
    cap,
  )
  let state: MappingState = { pageSeen: options.pageSeen }
  let scriptsRequested = false
  let ready = Promise.resolve()

  function requestScripts(): void {
    scriptsRequested = true
    loadTrackingScript(win, settings, () =>
      warn(`HubSpot's script did not load (blocked by an ad blocker or a content security policy, or offline): ${trackingScriptUrl(settings)}`),
    )
    if (settings.loadFormsSdk) ready = loadFormsSdk(win, settings, warn)
  }

  return {
    /** Sets up `_hsq` and, unless consent must come first, adds HubSpot's scripts. */
    load(): void {
      try {
        ensureQueue(win, '_hsq')
        if (!settings.consentCategories.length) requestScripts()
      } catch (error) {
        warn(`could not load HubSpot: ${reason(error)}`)
      }
    },
    /** Resolves when the page can use what was asked for (the Forms SDK); never rejects. */
    ready: (): Promise<void> => ready,
    /** Maps one event and queues its commands; `type` overrides the event's own (the classic factory knows it). */
    handle(input: SegmentEvent, type?: string): void {
      try {
        const event = type ? { ...input, type } : input
        if (!scriptsRequested && grantsConsent(event, settings.consentCategories)) {
          requestScripts()
          // The script records the current view itself when it loads.
          if (event.type === 'page') state = { pageSeen: false }
        }
        const mapping = toCommands(event, settings, state)
        state = mapping.state
        if (mapping.skipped) log.debug(`not sent: ${mapping.skipped}`)
        push(mapping.commands)
      } catch (error) {
        log.debug(`dropped an event: ${reason(error)}`)
      }
    },
    /** `analytics.reset()`: forget the visitor in HubSpot too, when the settings ask for it. */
    reset(): void {
      try {
        if (settings.revokeCookiesOnReset) ensureQueue(win, '_hsp').push(['revokeCookieConsent'])
      } catch (error) {
        log.debug(`could not revoke HubSpot's cookies: ${reason(error)}`)
      }
    },
  }
}

export type Destination = ReturnType<typeof createDestination>
