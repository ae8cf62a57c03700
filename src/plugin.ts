import type { Context, Plugin } from '@segment/analytics-next'
import { createDestination, type Destination } from './destination'
import type { BrowserWindow } from './loader'
import { consoleLog } from './log'
import { parseSettings, unknownSettings, type HubSpotOptions } from './settings'
import { VERSION } from './version'

/**
 * HubSpot as an analytics-next destination plugin. Settings are checked now, so a
 * bad `portalId` fails where it is written. Each event is pushed the moment it arrives.
 */
export function hubspot(options: HubSpotOptions): Plugin {
  const settings = parseSettings(options)
  for (const warning of unknownSettings(options)) consoleLog.warn(warning)
  let destination: Destination | undefined
  const ensure = (): Destination =>
    (destination ??= createDestination(window as BrowserWindow, settings, { pageSeen: false }))
  const deliver = (ctx: Context): Context => {
    ensure().handle(ctx.event)
    return ctx
  }
  return {
    name: 'HubSpot',
    type: 'destination',
    version: VERSION,
    isLoaded: () => destination !== undefined,
    load(_ctx, analytics) {
      ensure().load()
      analytics?.on?.('reset', () => destination?.reset())
      return Promise.resolve()
    },
    ready: () => ensure().ready(),
    page: deliver,
    identify: deliver,
    track: deliver,
    group: deliver,
    alias: deliver,
  }
}
