import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page, type Route } from 'playwright-core'

/** Debian's Chromium; no tool downloads a browser of its own. CHROMIUM_PATH names another build. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary`)
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8')

/**
 * HubSpot's own tracking code, when a maintainer has a copy (HUBSPOT_TRACKER_JS=path; see the README,
 * "Checking against HubSpot's real tracker"). It is HubSpot's code: never in this repository.
 */
export const REAL_TRACKER_PATH = process.env.HUBSPOT_TRACKER_JS || undefined

/** The real tracker as HubSpot would serve it for `portalId`: the copy's own Hub ID replaced. */
export function realTracker(portalId: string): string {
  if (!REAL_TRACKER_PATH) throw new Error('HUBSPOT_TRACKER_JS is not set')
  const source = readFileSync(REAL_TRACKER_PATH, 'utf8')
  const own = /\['setPortalId',\s*(\d+)\]/.exec(source)?.[1]
  if (!own) throw new Error(`${REAL_TRACKER_PATH} has no ['setPortalId', <id>]: is it HubSpot's tracking code?`)
  return source.split(own).join(portalId)
}

/** HubSpot's script hosts: the tracking loader, the analytics script, the Forms SDK. */
export const HUBSPOT_HOSTS = /^https:\/\/js(-(na2|eu1|ap1))?\.(hs-scripts\.com|hsforms\.net|hs-analytics\.net)\//
/** Where HubSpot's tracker sends its beacons (images with everything in the query string). */
export const BEACON_HOSTS = /^https:\/\/track(-eu1)?\.hubspot\.com\//

// The smallest GIF: what a beacon answers with.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

export interface StandInOptions {
  /** Answer the tracking script after this long, to model a slow network. */
  delayMs?: number
  /** Abort HubSpot's requests, as an ad blocker or a content security policy would. */
  blocked?: boolean
  /** Serve HubSpot's real tracker (HUBSPOT_TRACKER_JS) instead of the stand-in in test/fixtures. */
  tracker?: 'stand-in' | 'real'
}

/** What the page asked of HubSpot: script URLs, and the beacon URLs its tracker sent, in order. */
export interface HubSpotTraffic {
  scripts: string[]
  beacons: string[]
}

/**
 * Answers HubSpot's hosts: the tracking script with the stand-in in test/fixtures (or HubSpot's real
 * tracker), the Forms SDK with its stand-in, and every beacon with a GIF, recording each request.
 * Nothing leaves the machine: every other non-loopback request is aborted.
 */
export async function routeHubSpot(page: Page, options: StandInOptions = {}): Promise<HubSpotTraffic> {
  const traffic: HubSpotTraffic = { scripts: [], beacons: [] }
  const standIn = fixture('hubspot-stand-in.js')
  const forms = fixture('hubspot-forms-stand-in.js')
  await page.route(HUBSPOT_HOSTS, async (route: Route) => {
    const url = route.request().url()
    traffic.scripts.push(url)
    if (options.blocked) return route.abort('blockedbyclient')
    if (options.delayMs) await new Promise((done) => setTimeout(done, options.delayMs))
    const portalId = /\/(\d+)\.js$/.exec(new URL(url).pathname)?.[1] ?? ''
    const body = /hsforms\.net/.test(url) ? forms : options.tracker === 'real' ? realTracker(portalId) : standIn
    return route.fulfill({ status: 200, contentType: 'text/javascript', body })
  })
  await page.route(BEACON_HOSTS, (route: Route) => {
    traffic.beacons.push(route.request().url())
    return route.fulfill({ status: 200, contentType: 'image/gif', body: GIF })
  })
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
    const url = route.request().url()
    if (HUBSPOT_HOSTS.test(url) || BEACON_HOSTS.test(url)) return route.fallback()
    return route.abort('internetdisconnected')
  })
  return traffic
}
