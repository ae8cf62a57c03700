import type { Context, Plugin } from '@segment/analytics-next'
import { createDestination, type Destination } from './destination'
import type { BrowserWindow } from './loader'
import { consoleLog, reason, reportBadSettings } from './log'
import { parseSettings, unknownSettings, type HubSpotOptions, type HubSpotSettings } from './settings'
import { VERSION } from './version'

/**
 * HubSpot as an analytics-next destination plugin. Settings are checked now: a bad one is a
 * console error that names it, and HubSpot stays off while analytics and every other destination
 * run (`parseSettings` is the strict check, for tests and CI). Outside a browser it does nothing.
 */
export function hubspot(options: HubSpotOptions): Plugin {
  let settings: HubSpotSettings | undefined
  try {
    settings = parseSettings(options)
    for (const warning of unknownSettings(options)) consoleLog.warn(warning)
  } catch (error) {
    reportBadSettings(reason(error))
  }
  let loaded = false
  let destination: Destination | undefined
  // One reset listener per analytics instance, however often the plugin is registered with it.
  const listening = new WeakSet<object>()
  const ensure = (): Destination | undefined => {
    if (!destination && settings && typeof window === 'object' && window) {
      destination = createDestination(window as BrowserWindow, settings, { pageSeen: false })
    }
    return destination
  }
  // The same plugin registered twice is handed each event twice: it is mapped once.
  const seen = new WeakSet<object>()
  const deliver = (ctx: Context): Context => {
    const event = ctx?.event
    if (typeof event === 'object' && event !== null && !seen.has(event)) {
      seen.add(event)
      ensure()?.handle(event)
    }
    return ctx
  }
  return {
    name: 'HubSpot',
    type: 'destination',
    version: VERSION,
    isLoaded: () => loaded,
    load(_ctx, analytics) {
      loaded = true
      if (!ensure()) {
        if (settings) consoleLog.debug('no window here (a server or a worker): HubSpot runs in a browser page, so nothing is sent')
        return Promise.resolve()
      }
      try {
        if (analytics && !listening.has(analytics)) {
          listening.add(analytics)
          analytics.on?.('reset', () => destination?.reset())
        }
      } catch (error) {
        consoleLog.debug(`analytics.reset() will not reach HubSpot: ${reason(error)}`)
      }
      destination!.load()
      return Promise.resolve()
    },
    ready: () => ensure()?.ready() ?? Promise.resolve(),
    unload() {
      loaded = false
      destination?.unload()
      return Promise.resolve()
    },
    page: deliver,
    identify: deliver,
    track: deliver,
    group: deliver,
    alias: deliver,
  }
}
