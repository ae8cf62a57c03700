// (c) latency in Chromium from analytics.track() to the command reaching HubSpot's tracker (its push on
// window._hsq), once HubSpot's script has run: the plugin and the classicIntegrations path, each beside a
// no-op destination plugin registered first in the same page (the floor). Calls made while the script
// loads (the stand-in answers after 2 s) wait for it by design (HubSpot runs what it finds queued out of
// order) and are reported as their own phase.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { launchChromium, routeHubSpot } from '../test/support/browser'
import { startServer } from '../test/support/server'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export interface LatencyStats {
  path: 'plugin' | 'classic'
  /** With loadFormsSdk, whose ready waits for window.hbspt.forms (also answered after the delay). */
  forms: boolean
  /** `loaded`: after HubSpot's script ran; `waiting`: before it ran; `startup`: calls buffered by AnalyticsBrowser before it loaded. */
  phase: 'startup' | 'waiting' | 'loaded'
  samples: number
  pageLoads: number
  hubspot: { p50: number; p95: number; max: number }
  noop: { p50: number; p95: number; max: number }
  /** Per event: HubSpot's arrival minus the no-op's. */
  paired: { p50: number; p95: number }
  crossOriginIsolated: boolean
}

interface Sample {
  seq: number
  phase: 'startup' | 'waiting' | 'loaded'
  sentAt: number
  hubspot: number
  noop: number
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [here('./latency-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    alias: { 'hubspot-destination': here('../dist/index.js') },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

export async function runLatency(
  options: { pageLoads?: number; delayMs?: number; gapMs?: number; startupEvents?: number; afterEvents?: number; log?: (line: string) => void } = {},
): Promise<{ stats: LatencyStats[]; browserVersion: string }> {
  const { pageLoads = 6, delayMs = 2000, gapMs = 4, startupEvents = 5, afterEvents = 200, log = () => {} } = options
  const script = await bundle()
  const html = '<!doctype html><meta charset="utf-8"><title>latency</title><script src="/bench.js"></script>'
  const server = await startServer({
    handlers: [
      (req, res) => {
        const body = req.url === '/bench.js' ? script : req.url === '/' ? html : undefined
        if (body === undefined) return false
        // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
        res
          .writeHead(200, {
            'content-type': req.url === '/' ? 'text/html' : 'text/javascript',
            'cross-origin-opener-policy': 'same-origin',
            'cross-origin-embedder-policy': 'credentialless',
          })
          .end(body)
        return true
      },
    ],
  })
  const browser = await launchChromium()
  const browserVersion = browser.version()
  const results: LatencyStats[] = []
  try {
    const variants = [
      { path: 'plugin', forms: false },
      { path: 'classic', forms: false },
      { path: 'plugin', forms: true },
      { path: 'classic', forms: true },
    ] as const
    for (const { path, forms } of variants) {
      const samples: Sample[] = []
      let isolated = true
      for (let load = 0; load < pageLoads; load++) {
        const context = await browser.newContext()
        const page = await context.newPage()
        await routeHubSpot(page, { delayMs })
        await page.goto(server.url)
        const run = (await page.evaluate(
          ([mode, gap, until, startup, after, withForms]) =>
            (window as unknown as { runLatencyBench: (m: string, o: object) => Promise<unknown> }).runLatencyBench(mode, {
              gapMs: gap,
              untilMs: until,
              startupEvents: startup,
              afterEvents: after,
              forms: withForms,
            }),
          [path, gapMs, delayMs + 6000, startupEvents, afterEvents, forms] as const,
        )) as { samples: Sample[]; crossOriginIsolated: boolean }
        isolated &&= run.crossOriginIsolated
        const missing = run.samples.filter((s) => !Number.isFinite(s.hubspot) || !Number.isFinite(s.noop)).length
        if (missing > 0) throw new Error(`${path}: ${missing} events never reached _hsq or the no-op destination`)
        samples.push(...run.samples)
        log(`  ${path}${forms ? ' + loadFormsSdk' : ''} page load ${load + 1}/${pageLoads}: ${run.samples.length} events`)
        if (run.samples.some((s) => s.hubspot < 0 && s.phase === 'loaded')) throw new Error('an arrival before its call')
        await context.close()
      }
      for (const phase of ['loaded', 'waiting', 'startup'] as const) {
        const these = samples.filter((s) => s.phase === phase)
        const hub = these.map((s) => s.hubspot)
        const noop = these.map((s) => s.noop)
        const paired = these.map((s) => s.hubspot - s.noop)
        results.push({
          path,
          forms,
          phase,
          samples: these.length,
          pageLoads,
          hubspot: { p50: percentile(hub, 50), p95: percentile(hub, 95), max: Math.max(...hub) },
          noop: { p50: percentile(noop, 50), p95: percentile(noop, 95), max: Math.max(...noop) },
          paired: { p50: percentile(paired, 50), p95: percentile(paired, 95) },
          crossOriginIsolated: isolated,
        })
      }
    }
  } finally {
    await browser.close()
    await server.close()
  }
  return { stats: results, browserVersion }
}
