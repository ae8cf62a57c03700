#!/usr/bin/env node
// Downloads HubSpot's current tracking code for a Hub ID, so the browser suite can run its contract
// scenarios against it:
//
//   npm run fetch-tracker -- 62515            # → .hubspot/tracker-62515.js (git-ignored)
//   HUBSPOT_TRACKER_JS=.hubspot/tracker-62515.js npm run test:e2e
//
// js.hs-scripts.com/<id>.js is HubSpot's loader; the tracker itself is the analytics script it adds
// (js.hs-analytics.net/analytics/<cache buster>/<id>.js). Needs the internet; it is HubSpot's code,
// so it stays out of the repository. `--eu` uses HubSpot's EU hosts; HUBSPOT_SCRIPTS_ORIGIN points the
// loader request somewhere else (the tests use a local server).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The analytics script that HubSpot's loader adds to the page, or `undefined`. */
export function analyticsScriptUrl(loader) {
  const found = /(?:https?:)?\/\/[^"'\s]+\/analytics\/\d+\/\d+\.js/.exec(loader)?.[0]
  return found && (found.startsWith('//') ? `https:${found}` : found)
}

/** The build number in the tracker's header comment ("Build Number 1.398"), or `undefined`. */
export function trackerBuild(source) {
  return /Tracking Code Build Number ([\d.]+)/.exec(source)?.[1]
}

async function text(url) {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return response.text()
}

/** Fetches the loader for `hubId`, then the tracker it names; returns the tracker's source and where it came from. */
export async function fetchTracker(hubId, { eu = false, origin = process.env.HUBSPOT_SCRIPTS_ORIGIN } = {}) {
  if (!/^\d+$/.test(hubId)) throw new Error(`the Hub ID must be digits only; got ${JSON.stringify(hubId)}`)
  const loaderUrl = `${origin ?? `https://js${eu ? '-eu1' : ''}.hs-scripts.com`}/${hubId}.js`
  const loader = await text(loaderUrl)
  const trackerUrl = analyticsScriptUrl(loader)
  if (!trackerUrl) throw new Error(`${loaderUrl} names no analytics script (js.hs-analytics.net/analytics/…/${hubId}.js)`)
  const source = await text(trackerUrl)
  if (!trackerBuild(source) || !/\['setPortalId',\s*\d+\]/.test(source)) throw new Error(`${trackerUrl} does not look like HubSpot's tracking code`)
  return { source, loaderUrl, trackerUrl, build: trackerBuild(source) }
}

async function main(argv) {
  const args = argv.filter((arg) => arg !== '--eu')
  const [hubId, out = `.hubspot/tracker-${hubId}.js`] = args
  if (!hubId || args.length > 2) {
    console.error('usage: npm run fetch-tracker -- <hub id> [out file] [--eu]')
    return 2
  }
  try {
    const { source, trackerUrl, build } = await fetchTracker(hubId, { eu: argv.includes('--eu') })
    const path = resolve(out)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, source)
    console.log(`HubSpot tracking code build ${build} (${source.length} characters) from ${trackerUrl}\n→ ${out}`)
    console.log(`run the contract against it: HUBSPOT_TRACKER_JS=${out} npm run test:e2e`)
    return 0
  } catch (error) {
    console.error(`fetch-tracker: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2))
