// The demo server: `npm start` (after `npm run build`), or startDemo() from a test.
// Bundles demo/app.ts with the real analytics-next and this package's development build
// (dist/development/, whose messages explain at length) at start,
// in memory, and serves it with the HubSpot stand-ins from test/fixtures. Listens on 127.0.0.1 only.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { startServer, type Handler, type LocalServer } from '../test/support/server'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))
const DIST_INDEX = here('../dist/development/index.js')
const DIST_FULL = here('../dist/development/full.js')

/** The page script: analytics-next and the plugin, as a site's bundler would ship them. */
export async function bundleDemo(): Promise<string> {
  if (!existsSync(DIST_INDEX)) throw new Error('dist/development/index.js is missing: run `npm run build` first')
  const result = await build({
    entryPoints: [here('./app.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    sourcemap: 'inline',
    // What a bundler in development mode picks through the package's `development` export condition.
    alias: { 'hubspot-destination/full': DIST_FULL, 'hubspot-destination': DIST_INDEX },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

export interface DemoOptions {
  /** 0 picks a free port. */
  port?: number
}

export type Demo = LocalServer

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

/** Bundles the page and serves the demo on http://127.0.0.1:<port>. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const app = await bundleDemo()
  const files: Record<string, [type: string, body: string]> = {
    '/': ['text/html; charset=utf-8', readFileSync(here('./index.html'), 'utf8')],
    '/style.css': ['text/css; charset=utf-8', readFileSync(here('./style.css'), 'utf8')],
    '/app.js': ['text/javascript; charset=utf-8', app],
    '/stand-in/forms/v2.js': ['text/javascript; charset=utf-8', readFileSync(here('../test/fixtures/hubspot-forms-stand-in.js'), 'utf8')],
    // The browser events of HubSpot's two form kinds, for the demo's HubSpot form.
    '/stand-in/form-events.js': ['text/javascript; charset=utf-8', readFileSync(here('../test/fixtures/hubspot-form-events-stand-in.js'), 'utf8')],
  }
  const tracking = readFileSync(here('../test/fixtures/hubspot-stand-in.js'), 'utf8')
  const handler: Handler = (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1')
    // The stand-in's beacons (what HubSpot's tracker would send to track.hubspot.com): a 1×1 GIF, as HubSpot answers.
    if (pathname.startsWith('/stand-in/track/')) {
      res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' }).end(GIF)
      return true
    }
    const file = files[pathname === '/index.html' ? '/' : pathname] ?? (/^\/stand-in\/\d+\.js$/.test(pathname) ? ['text/javascript; charset=utf-8', tracking] : undefined)
    if (!file) return false
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1])
    return true
  }
  return startServer({ handlers: [handler], port: options.port ?? 0 })
}

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return 8080
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number; got ${JSON.stringify(value)}`)
  return port
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const demo = await startDemo({ port: portFromEnv(process.env.PORT) })
    console.log(`hubspot-destination demo: ${demo.url}  (Ctrl-C to stop)`)
    const stop = () => void demo.close().then(() => process.exit(0))
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  } catch (error) {
    const inUse = (error as { code?: string }).code === 'EADDRINUSE'
    console.error(
      inUse
        ? `demo: port ${process.env.PORT || 8080} is in use; choose another with PORT, for example: PORT=3000 npm start`
        : `demo: ${error instanceof Error ? error.message : String(error)}`,
    )
    process.exit(1)
  }
}
