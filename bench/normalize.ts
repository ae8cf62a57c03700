// (a) normalisation throughput against a plain-copy floor, and (b) @analytics/hubspot on the same payloads.
import { Bench } from 'tinybench'
// The browser build of the peer: its identify/track only read the global `_hsq`, so they run in Node as they are.
// @ts-expect-error the package ships no types
import analyticsHubspot from '@analytics/hubspot/lib/analytics-plugin-hubspot.browser.es.js'
// The built package, as a site gets it; loaded by URL so that type-checking doesn't need dist/.
const { INITIAL_STATE, normalizeProperties, normalizeTraits, parseSettings, toCommands } = (await import(
  new URL('../dist/index.js', import.meta.url).href
)) as typeof import('hubspot-destination')
import { IDENTIFY_EVENT, TRACK_EVENT, identifyTraits, lowerCaseCopy, trackProperties } from './workloads'

/** Calls per timed sample: single calls of a few hundred nanoseconds would mostly time the timer. */
const BATCH = 100

export interface ThroughputRow {
  workload: 'identify' | 'track'
  task: string
  nsPerOp: number
  opsPerSec: number
  /** Relative margin of error (%) of the kept round's mean. */
  rme: number
  /** Time per call over the floor's. */
  xFloor: number
  note: string
}

interface PeerPlugin {
  identify(arg: { payload: unknown; config: unknown }): void
  track(arg: { payload: unknown; config: unknown }): void
}

// Results go somewhere the optimiser cannot prove unused.
let sink: unknown
const hsqSink = { last: undefined as unknown, push(command: unknown) { this.last = command } }

export async function runThroughput(options: { timeMs?: number; rounds?: number } = {}): Promise<ThroughputRow[]> {
  const settings = parseSettings({ portalId: '62515' })
  const traits = identifyTraits()
  const properties = trackProperties()
  const peer = (analyticsHubspot as (config: unknown) => PeerPlugin)({ portalId: '62515' })
  ;(globalThis as { _hsq?: unknown })._hsq = hsqSink

  const tasks: Array<{ workload: 'identify' | 'track'; task: string; note: string; fn: () => void }> = [
    { workload: 'identify', task: 'floor: lower-cased copy', note: 'one level; values copied as they are', fn: () => (sink = lowerCaseCopy(traits)) },
    { workload: 'identify', task: 'normalizeTraits', note: 'keys, aliases, dates, trimming, flattening', fn: () => (sink = normalizeTraits(traits)) },
    { workload: 'identify', task: 'toCommands', note: 'the whole mapping: email, id, normalised traits', fn: () => (sink = toCommands(IDENTIFY_EVENT, settings, INITIAL_STATE)) },
    {
      workload: 'identify',
      task: '@analytics/hubspot identify',
      note: 'keys only (snake_case); nested objects, dates and whitespace passed through',
      fn: () => peer.identify({ payload: { userId: 'user-42', traits }, config: {} }),
    },
    { workload: 'track', task: 'floor: lower-cased copy', note: 'one level; values copied as they are', fn: () => (sink = lowerCaseCopy(properties)) },
    { workload: 'track', task: 'normalizeProperties', note: 'keys, dates, trimming, flattening', fn: () => (sink = normalizeProperties(properties)) },
    { workload: 'track', task: 'toCommands', note: 'the whole mapping: id, value, _id, properties', fn: () => (sink = toCommands(TRACK_EVENT, settings, INITIAL_STATE)) },
    {
      workload: 'track',
      task: '@analytics/hubspot track',
      note: 'no normalisation: Object.assign of the properties and id',
      fn: () => peer.track({ payload: { event: 'Order Completed', properties }, config: {} }),
    },
  ]

  // Several short rounds, each task's median per round, the best round kept: other processes on a
  // shared machine slow some rounds down, never speed one up.
  const rounds = options.rounds ?? 5
  const best = new Map<string, { p50: number; rme: number }>()
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: options.timeMs ?? 400, warmupTime: 100, name: 'normalisation' })
    for (const { workload, task, fn } of tasks) {
      bench.add(`${workload} · ${task}`, () => {
        for (let i = 0; i < BATCH; i++) fn()
      })
    }
    await bench.run()
    for (const { workload, task } of tasks) {
      const name = `${workload} · ${task}`
      const result = bench.getTask(name)?.result
      if (!result || !('latency' in result)) throw new Error(`benchmark ${name} did not complete`)
      const p50 = result.latency.p50 ?? result.latency.mean
      const seen = best.get(name)
      if (!seen || p50 < seen.p50) best.set(name, { p50, rme: result.latency.rme })
    }
  }

  const rows: ThroughputRow[] = []
  for (const { workload, task, note } of tasks) {
    const { p50, rme } = best.get(`${workload} · ${task}`)!
    const nsPerOp = (p50 * 1e6) / BATCH
    rows.push({ workload, task, nsPerOp, opsPerSec: 1e9 / nsPerOp, rme, xFloor: 0, note })
  }
  for (const row of rows) {
    const floor = rows.find((r) => r.workload === row.workload && r.task.startsWith('floor'))!
    row.xFloor = row.nsPerOp / floor.nsPerOp
  }
  if (sink === Symbol.for('never') || hsqSink.last === Symbol.for('never')) console.log('')
  return rows
}
