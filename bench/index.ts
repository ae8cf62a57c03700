// `npm run bench`: normalisation throughput against a floor and against @analytics/hubspot, then
// latency in Chromium against a no-op destination, in one run, with the ratios side by side.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { runCloud } from './cloud'
import { runLatency, type LatencyStats } from './latency'
import { runThroughput, type ThroughputRow } from './normalize'
import { runShapes } from './shapes'

const THROUGHPUT_TARGET = 3
const LATENCY_TARGET_MS = 1

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length))
const padStart = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text)
const ms = (value: number) => value.toFixed(value < 10 ? 3 : value < 100 ? 2 : 0)

function table(head: string[], rows: string[][], right: Set<number>): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? padStart(c, widths[i]!) : pad(c, widths[i]!))).join('  ').trimEnd()
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

function throughputTable(rows: ThroughputRow[]): string {
  return table(
    ['workload', 'task', 'ns/call', 'calls/s', '× floor', '±%', 'what it does'],
    rows.map((r) => [r.workload, r.task, r.nsPerOp.toFixed(0), Math.round(r.opsPerSec).toLocaleString('en'), `${r.xFloor.toFixed(2)}×`, r.rme.toFixed(1), r.note]),
    new Set([2, 3, 4, 5]),
  )
}

function latencyLabel(s: LatencyStats): string {
  return `${s.path}${s.forms ? ' + loadFormsSdk' : ''}`
}

function latencyTable(stats: LatencyStats[]): string {
  return table(
    ['path', 'calls', 'n', 'HubSpot p50', 'HubSpot p95', 'no-op p50', 'no-op p95', 'p95 − no-op p95', 'paired Δ p50', 'paired Δ p95'],
    stats.map((s) => [
      latencyLabel(s),
      s.phase === 'loaded' ? "after HubSpot's script ran" : s.phase === 'waiting' ? 'while it loads (held for it)' : 'at startup (buffered)',
      String(s.samples),
      ms(s.hubspot.p50),
      ms(s.hubspot.p95),
      ms(s.noop.p50),
      ms(s.noop.p95),
      ms(s.hubspot.p95 - s.noop.p95),
      ms(s.paired.p50),
      ms(s.paired.p95),
    ]),
    new Set([2, 3, 4, 5, 6, 7, 8, 9]),
  )
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick')
  const started = new Date()
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GB, ${process.platform} ${process.arch}`
  console.log(`hubspot-destination benchmarks · ${started.toISOString()} · Node ${process.version} · ${machine}\n`)

  console.log(`(a) normalisation vs a floor, (b) @analytics/hubspot on the same payloads: ns per call, the best of ${quick ? 2 : 5} rounds' medians`)
  const throughput = await runThroughput(quick ? { rounds: 2, timeMs: 200 } : {})
  console.log(throughputTable(throughput))
  const x = (workload: string, task: string) => throughput.find((r) => r.workload === workload && r.task === task)!.xFloor
  const identifyX = x('identify', 'normalizeTraits')
  const trackX = x('track', 'normalizeProperties')
  console.log(
    `target: within ${THROUGHPUT_TARGET}× of the floor · identify ${identifyX.toFixed(2)}× ${verdict(identifyX <= THROUGHPUT_TARGET)} · track ${trackX.toFixed(2)}× ${verdict(trackX <= THROUGHPUT_TARGET)}`,
  )
  const peer = (workload: string, task: string, peerTask: string) => {
    const ours = throughput.find((r) => r.workload === workload && r.task === task)!
    const theirs = throughput.find((r) => r.workload === workload && r.task === peerTask)!
    return (ours.nsPerOp / theirs.nsPerOp).toFixed(2)
  }
  console.log(
    `vs @analytics/hubspot (time per call, ours ÷ theirs): identify ${peer('identify', 'toCommands', '@analytics/hubspot identify')}×, track ${peer('track', 'toCommands', '@analytics/hubspot track')}× (it does no normalisation on track)\n`,
  )

  console.log('(d) the worst shapes: ms for normalizeProperties at two sizes of input (best of 5); linear or flat is the target')
  const shapes = runShapes()
  console.log(
    table(
      ['shape', 'size of', 'small', 'large', '× input', 'ms small', 'ms large', '× time'],
      shapes.map((s) => [s.shape, s.unit, s.small.toLocaleString('en'), s.large.toLocaleString('en'), `${(s.large / s.small).toFixed(0)}×`, ms(s.msSmall), ms(s.msLarge), `${(s.msLarge / s.msSmall).toFixed(2)}×`]),
      new Set([2, 3, 4, 5, 6, 7]),
    ),
  )
  // Twice the input's growth at most: V8's own listing of a million keys (Object.keys, for-in alike) runs into GC.
  const linear = shapes.every((s) => s.msLarge / s.msSmall <= (s.large / s.small) * 2)
  console.log(`target: no shape's time grows faster than its input · ${verdict(linear)}\n`)

  console.log("(c) ms from analytics.track() to arrival at HubSpot's tracker, in Chromium (the stand-in's script answers after 2 s; calls made before it ran wait for it)")
  const { stats, browserVersion } = await runLatency({ pageLoads: quick ? 2 : 6, log: (line) => console.log(line) })
  console.log(`Chromium ${browserVersion}, performance.now() ${stats.every((s) => s.crossOriginIsolated) ? 'cross-origin isolated (5 µs resolution)' : 'not isolated (100 µs resolution)'}`)
  console.log(latencyTable(stats))
  const plugin = stats.find((s) => s.path === 'plugin' && !s.forms && s.phase === 'loaded')!
  const gap = plugin.hubspot.p95 - plugin.noop.p95
  console.log(
    `target: plugin p95 within ${LATENCY_TARGET_MS} ms of the no-op · ${ms(gap)} ms (paired Δ p95 ${ms(plugin.paired.p95)} ms) ${verdict(gap <= LATENCY_TARGET_MS && plugin.paired.p95 <= LATENCY_TARGET_MS)}`,
  )

  console.log("\n(e) the server half at HubSpot's default limit (100 calls per 10 s), against the local HubSpot API double (virtual time: HubSpot's limit, not this machine)")
  const cloud = await runCloud()
  console.log(
    table(
      ['workload', 'events', 'API calls', 'events/s at the limit', 'wall ms'],
      cloud.map((r) => [r.workload, r.events.toLocaleString('en'), r.calls.toLocaleString('en'), r.eventsPerSecond.toFixed(1), r.wallMs.toFixed(0)]),
      new Set([1, 2, 3, 4]),
    ),
  )

  const out = fileURLToPath(new URL('../test/output/', import.meta.url))
  mkdirSync(out, { recursive: true })
  writeFileSync(`${out}bench.json`, `${JSON.stringify({ started, node: process.version, machine, browserVersion, throughput, shapes, latency: stats, cloud }, null, 2)}\n`)
  console.log('\nraw figures: test/output/bench.json')
}

await main()
