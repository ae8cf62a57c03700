// What the browser tests share: one local server (pages, analytics-next, this package's dist,
// a stand-in for Segment's settings endpoint), Debian's Chromium, and readers for what
// HubSpot's stand-in received.
//
// How analytics-next gets into the page, per page kind (see PAGE_KINDS):
// - 'npm': test/e2e/pages/npm.js bundled by esbuild (in memory, at start) from the real
//   @segment/analytics-next package and this package's built dist/index.js, as a site's bundler
//   would. Bundling inlines analytics-next's lazy chunks, so nothing is fetched from Segment's CDN.
// - 'umd': script tags, as a site without a bundler: analytics-next's browser build
//   (dist/umd/index.js, which exposes window.AnalyticsNext) and dist/hubspot.iife.js
//   (window.HubSpotDestination). Only used with `plugins`: the UMD build fetches lazy chunks
//   (e.g. for classic destinations) from https://cdn.segment.com/analytics-next/bundles/ unless
//   its script URL looks like Segment's CDN, and nothing may leave the machine.
// - 'analytics-only': analytics-next bundled alone; the HubSpot destination has to come from the
//   self-hosted CDN layout (dist/next-integrations/...).
import { existsSync, readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { briefBeacon, readBeacon, type BeaconKind } from '../support/beacons'
import { BEACON_HOSTS, HUBSPOT_HOSTS, launchChromium, routeHubSpot, type StandInOptions } from '../support/browser'
import { startServer, type LocalServer } from '../support/server'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const PORTAL_ID = '62515'
export const PACKAGE_VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version

export const PAGE_KINDS = ['npm', 'umd', 'analytics-only'] as const
export type PageKind = (typeof PAGE_KINDS)[number]

const BUNDLED_PAGES = ['npm', 'analytics-only'] as const

/** What the page scripts put on `window.e2e` (the package's parts are absent on 'analytics-only'). */
export interface PageGlobals {
  e2e: {
    AnalyticsBrowser: typeof import('@segment/analytics-next').AnalyticsBrowser
    hubspot: typeof import('../../src/browser/plugin').hubspot
    HubSpot: typeof import('../../src/browser/classic').HubSpot
    /** The Analytics instance a test loaded. */
    analytics?: import('@segment/analytics-next').Analytics
  }
  __hubspot?: StandInRecord
  /** What reached `window.onerror` or went unhandled. */
  __errors: string[]
  _hsq?: unknown
  hubspotDeps?: unknown
  hubspotIntegration?: unknown
}

export interface StandInRecord {
  /** The commands the stand-in ran, in the order it ran them. */
  commands: unknown[]
  /** The beacon URLs it sent. */
  beacons: string[]
  loads: Array<{ host: string; portalId: string }>
  forms?: unknown[]
  formsHost?: string
  loaded?: boolean
}

const GLUE_FOR_UMD = `window.e2e = {
  AnalyticsBrowser: window.AnalyticsNext.AnalyticsBrowser,
  hubspot: window.HubSpotDestination.hubspot,
  HubSpot: window.HubSpotDestination.HubSpot,
}`

function html(kind: PageKind): string {
  const scripts =
    kind === 'umd'
      ? `<script src="/analytics-next/index.js"></script>\n<script src="/dist/hubspot.iife.js"></script>\n<script>${GLUE_FOR_UMD}</script>`
      : `<script src="/assets/${kind}.js"></script>`
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>hubspot-destination e2e (${kind})</title></head>
<body>
<main><h1>${kind}</h1><div id="form"></div></main>
${scripts}
</body>
</html>`
}

async function bundlePages(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: Object.fromEntries(BUNDLED_PAGES.map((name) => [name, `${ROOT}test/e2e/pages/${name}.js`])),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    outdir: '/virtual',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  return new Map(result.outputFiles.map((file) => [file.path.replace(/^.*\//, ''), file.text]))
}

export interface Harness {
  url: string
  browser: Browser
  /** Paths the local server was asked for, in order. */
  served: string[]
  /** Answers for `/v1/projects/<writeKey>/settings`, as Segment's CDN would give them. */
  cdnSettings: Map<string, unknown>
  /** `csp`: the page's Content-Security-Policy header. */
  open(kind: PageKind, standIn?: StandInOptions, csp?: string): Promise<TestPage>
  /** Closes the pages opened since the last call. */
  closePages(): Promise<void>
  close(): Promise<void>
}

export interface TestPage {
  page: Page
  /** HubSpot script URLs the page asked for (answered by the stand-ins or HubSpot's tracker, or aborted). */
  hubspotRequests: string[]
  /** The beacons HubSpot's tracker (or its stand-in) sent, in order: what HubSpot receives. */
  beacons: string[]
  /** Requests that would have left the machine other than HubSpot's (aborted). */
  otherRequests: string[]
  console: Array<{ type: string; text: string }>
  pageErrors: string[]
}

function send(res: ServerResponse, type: string, body: string, status = 200, headers: Record<string, string> = {}): true {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body)
  return true
}

export async function startHarness(): Promise<Harness> {
  for (const file of ['dist/index.js', 'dist/hubspot.iife.js', `dist/next-integrations/integrations/hubspot/latest/hubspot.dynamic.js.gz`]) {
    if (!existsSync(`${ROOT}${file}`)) throw new Error(`${file} is missing: run \`npm run build\` before \`npm run test:e2e\``)
  }
  const assets = await bundlePages()
  const served: string[] = []
  const cdnSettings = new Map<string, unknown>()
  const handlers = [
    (req: IncomingMessage) => {
      served.push(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
      return false
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const { pathname, searchParams } = new URL(req.url ?? '/', 'http://127.0.0.1')
      const app = /^\/app\/([a-z-]+)\//.exec(pathname)
      // ?csp=… serves the page with that Content-Security-Policy (Trusted Types tests).
      const csp = searchParams.get('csp')
      if (app && (PAGE_KINDS as readonly string[]).includes(app[1]!)) {
        return send(res, 'text/html; charset=utf-8', html(app[1] as PageKind), 200, csp ? { 'content-security-policy': csp } : {})
      }
      const asset = /^\/assets\/([a-z-]+\.js)$/.exec(pathname)
      if (asset && assets.has(asset[1]!)) return send(res, 'text/javascript; charset=utf-8', assets.get(asset[1]!)!)
      const settings = /^\/v1\/projects\/([^/]+)\/settings$/.exec(pathname)
      if (settings) {
        const answer = cdnSettings.get(decodeURIComponent(settings[1]!))
        return answer === undefined
          ? send(res, 'text/plain', 'no such write key', 404)
          : send(res, 'application/json', JSON.stringify(answer))
      }
      return false
    },
  ]
  const server: LocalServer = await startServer({
    handlers,
    roots: {
      '/analytics-next/': `${ROOT}node_modules/@segment/analytics-next/dist/umd`,
      '/next-integrations/': `${ROOT}dist/next-integrations`,
      '/dist/': `${ROOT}dist`,
    },
  })
  const browser = await launchChromium()
  let contexts: BrowserContext[] = []

  return {
    url: server.url,
    browser,
    served,
    cdnSettings,
    async open(kind, standIn = {}, csp) {
      const context = await browser.newContext()
      contexts.push(context)
      const page = await context.newPage()
      const opened: TestPage = { page, hubspotRequests: [], beacons: [], otherRequests: [], console: [], pageErrors: [] }
      page.on('console', (message) => opened.console.push({ type: message.type(), text: message.text() }))
      page.on('pageerror', (error) => opened.pageErrors.push(error.message))
      page.on('request', (request) => {
        const url = request.url()
        if (!url.startsWith(server.url) && !HUBSPOT_HOSTS.test(url) && !BEACON_HOSTS.test(url)) {
          opened.otherRequests.push(url)
        }
      })
      await page.addInitScript(() => {
        const w = window as unknown as PageGlobals
        w.__errors = []
        window.onerror = (message) => {
          w.__errors.push(`onerror: ${String(message)}`)
        }
        window.addEventListener('unhandledrejection', (event) => w.__errors.push(`unhandledrejection: ${String(event.reason)}`))
      })
      const traffic = await routeHubSpot(page, standIn)
      opened.hubspotRequests = traffic.scripts
      opened.beacons = traffic.beacons
      await page.goto(`${server.url}/app/${kind}/${csp ? `?csp=${encodeURIComponent(csp)}` : ''}`)
      await page.waitForFunction(() => (window as unknown as Partial<PageGlobals>).e2e !== undefined)
      return opened
    },
    async closePages() {
      const closing = contexts
      contexts = []
      await Promise.all(closing.map((context) => context.close()))
    },
    async close() {
      await Promise.all(contexts.map((context) => context.close()))
      await browser.close()
      await server.close()
    },
  }
}

/**
 * Registers a test file's hooks: one harness started before its tests (then `setup`, if given, run
 * on it), the pages a test opened closed after it, and the harness closed after the last. Returns
 * a getter for the harness, for use inside the tests.
 */
export function useHarness(setup?: (harness: Harness) => void | Promise<void>): () => Harness {
  let harness: Harness | undefined
  const get = (): Harness => {
    if (!harness) throw new Error('the harness is not started yet: call the getter inside a test or hook')
    return harness
  }
  beforeAll(async () => {
    harness = await startHarness()
    await setup?.(harness)
  })
  afterEach(async () => {
    await get().closePages()
  })
  afterAll(async () => {
    await harness?.close()
  })
  return get
}

/** What HubSpot's stand-in recorded: the commands it ran, its loads and the forms made. */
export async function received(page: Page): Promise<StandInRecord> {
  return page.evaluate(() => (window as unknown as PageGlobals).__hubspot ?? { commands: [], beacons: [], loads: [] })
}

/** Waits until HubSpot's tracker (real or stand-in) has taken over `_hsq`. */
export async function hubSpotLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const queue = (window as unknown as PageGlobals)._hsq as { push?: unknown } | undefined
    return typeof queue?.push === 'function' && queue.push !== Array.prototype.push
  })
}

/** The beacons sent so far, read: `[file, fields]` without the fields that change from run to run. */
export function sentBeacons(opened: TestPage): Array<[string, Record<string, string>]> {
  return opened.beacons.map(readBeacon)
}

/**
 * What HubSpot received once `count` beacons have come (and a beat more, so one too many would show):
 * each as `[kind, fields]` (see briefBeacon), after checking that every one is for `portalId` and from
 * a page of the test server.
 */
export async function beaconsAfter(
  opened: TestPage,
  count: number,
  portalId = PORTAL_ID,
): Promise<Array<[BeaconKind, Record<string, string>]>> {
  const started = Date.now()
  while (opened.beacons.length < count) {
    if (Date.now() - started > 10_000) throw new Error(`${opened.beacons.length} beacons after 10 s; expected ${count}:\n${opened.beacons.join('\n')}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await new Promise((resolve) => setTimeout(resolve, 150))
  for (const url of opened.beacons) {
    const [, fields] = readBeacon(url)
    expect(fields.a, url).toBe(portalId)
    expect(fields.pu, url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
  }
  return opened.beacons.map(briefBeacon)
}

/** Warnings the destination wrote to the console. */
export function destinationWarnings(opened: TestPage): string[] {
  return opened.console.filter((m) => m.type === 'warning' && m.text.startsWith('[hubspot-destination]')).map((m) => m.text)
}

/** Nothing went wrong in the page: no page error, no request leaving the machine, no warning from the destination. */
export function expectQuietPage(opened: TestPage): void {
  expect(opened.pageErrors).toEqual([])
  expect(opened.otherRequests).toEqual([])
  expect(destinationWarnings(opened)).toEqual([])
}
