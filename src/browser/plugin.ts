import type { Context, Plugin } from '@segment/analytics-next'
import { createDestination, type Destination } from './destination'
import { checkFeatures, type Features, type SegmentAnalytics } from './features'
import type { BrowserWindow } from './loader'
import { consoleLog, reason, reportBadSettings } from '../core/log'
import { parseCoreSettings, unknownSettings, type HubSpotOptions, type HubSpotSettings } from '../core/settings'
import { VERSION } from '../core/version'

/**
 * HubSpot as an analytics-next destination plugin, for the default settings: `loadFormsSdk` and legacy
 * events need the plugin of `hubspot-destination/full`. Settings are checked now: a bad one is a
 * console error that names it, and HubSpot stays off while analytics and every other destination
 * run (`parseSettings` is the strict check, for tests and CI). Outside a browser it does nothing.
 */
export const hubspot = (options: HubSpotOptions): Plugin => createPlugin(options, {})

/** The plugin with the given features; see `hubspot`. */
export function createPlugin(options: HubSpotOptions, features: Features): Plugin {
  let settings: HubSpotSettings | undefined
  try {
    const parsed = (features.parseSettings ?? parseCoreSettings)(options)
    checkFeatures(parsed, features)
    settings = parsed
    if (__DEV__) for (const warning of unknownSettings(options)) consoleLog.warn(warning)
  } catch (error) {
    reportBadSettings(reason(error))
  }
  let loaded = false
  let destination: Destination | undefined
  // One reset listener per analytics instance, however often the plugin is registered with it.
  const listening = new WeakSet<object>()
  const ensure = (): Destination | undefined => {
    if (!destination && settings && typeof window === 'object' && window) {
      destination = createDestination(window as BrowserWindow, settings, { pageSeen: false, features })
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
        if (settings) consoleLog.debug(__DEV__ ? 'no window here (a server or a worker): HubSpot runs in a browser page, so nothing is sent' : 'no window: nothing is sent')
        return Promise.resolve()
      }
      try {
        if (analytics && !listening.has(analytics)) {
          listening.add(analytics)
          analytics.on?.('reset', () => destination?.reset())
        }
      } catch (error) {
        consoleLog.debug(`${__DEV__ ? 'analytics.reset() will not reach HubSpot' : 'reset'}: ${reason(error)}`)
      }
      destination!.load(analytics as SegmentAnalytics | undefined)
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
