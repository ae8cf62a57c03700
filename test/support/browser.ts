import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page, type Route } from 'playwright-core'

/** Debian's Chromium; no tool downloads a browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
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

export const HUBSPOT_HOSTS = /^https:\/\/js(-eu1)?\.(hs-scripts\.com|hsforms\.net|hs-analytics\.net)\//

export interface StandInOptions {
  /** Answer the tracking script after this long, to model a slow network. */
  delayMs?: number
  /** Abort HubSpot's requests, as an ad blocker or a content security policy would. */
  blocked?: boolean
}

/**
 * Answers HubSpot's hosts with the stand-ins in test/fixtures, and records which URLs were asked for.
 * Nothing leaves the machine: every other non-loopback request is aborted.
 */
export async function routeHubSpot(page: Page, options: StandInOptions = {}): Promise<string[]> {
  const requested: string[] = []
  const tracking = fixture('hubspot-stand-in.js')
  const forms = fixture('hubspot-forms-stand-in.js')
  await page.route(HUBSPOT_HOSTS, async (route: Route) => {
    const url = route.request().url()
    requested.push(url)
    if (options.blocked) return route.abort('blockedbyclient')
    if (options.delayMs) await new Promise((done) => setTimeout(done, options.delayMs))
    const body = /hsforms\.net/.test(url) ? forms : tracking
    return route.fulfill({ status: 200, contentType: 'text/javascript', body })
  })
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
    if (HUBSPOT_HOSTS.test(route.request().url())) return route.fallback()
    return route.abort('internetdisconnected')
  })
  return requested
}
