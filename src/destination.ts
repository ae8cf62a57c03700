import { toCommands, type MappingState } from './commands'
import { grantsConsent } from './consent'
import { loadFormsSdk, loadTrackingScript, type BrowserWindow } from './loader'
import { consoleLog, warnOnce, type Log } from './log'
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

/**
 * What both adapters share: scripts, consent, state and the queue, around the pure `toCommands`.
 * Nothing here throws at the page: failures become log messages.
 */
export function createDestination(win: BrowserWindow, settings: HubSpotSettings, options: DestinationOptions) {
  const log = options.log ?? consoleLog
  const warn = warnOnce(log)
  let state: MappingState = { pageSeen: options.pageSeen }
  let scriptsRequested = false
  let ready: Promise<void> = Promise.resolve()
  const queue = createQueue(
    win,
    (count) =>
      warn(
        `HubSpot's script has not loaded, so commands pile up in window._hsq; dropping the oldest (${count} so far this time) to keep at most ${options.maxHeldCommands ?? MAX_HELD_COMMANDS}`,
      ),
    options.maxHeldCommands,
  )

  function requestScripts(): void {
    scriptsRequested = true
    loadTrackingScript(win, settings, () =>
      warn(
        `HubSpot's script did not load (${trackingScriptUrl(settings)}): blocked by an ad blocker or a content security policy, or offline. Nothing reaches HubSpot on this page.`,
      ),
    )
    if (settings.loadFormsSdk) ready = loadFormsSdk(win, settings, warn)
  }

  return {
    /** Sets up `_hsq` and, unless consent is required first, adds HubSpot's scripts. */
    load(): void {
      ensureQueue(win, '_hsq')
      if (settings.consentCategories.length === 0) requestScripts()
    },
    /** Resolves when the page can use what was asked for (the Forms SDK); never rejects. */
    ready(): Promise<void> {
      return ready
    },
    handle(event: SegmentEvent): void {
      try {
        if (!scriptsRequested && grantsConsent(event, settings.consentCategories)) {
          requestScripts()
          // The script records the current view itself when it loads.
          if ((event as { type?: unknown }).type === 'page') state = { pageSeen: false }
        }
        const mapping = toCommands(event, settings, state)
        state = mapping.state
        if (mapping.skipped) log.debug(`not sent: ${mapping.skipped}`)
        queue.push(mapping.commands)
      } catch (error) {
        log.debug(`dropped an event: ${error instanceof Error ? error.message : String(error)}`)
      }
    },
    /** `analytics.reset()`: forget the visitor in HubSpot too, when the settings ask for it. */
    reset(): void {
      if (!settings.revokeCookiesOnReset) return
      try {
        ensureQueue(win, '_hsp')?.push(['revokeCookieConsent'])
      } catch (error) {
        log.debug(`could not revoke HubSpot's cookies: ${error instanceof Error ? error.message : String(error)}`)
      }
    },
  }
}

export type Destination = ReturnType<typeof createDestination>
