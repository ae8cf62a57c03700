/**
 * What one call costs, for the 1 MB payload bounds (test/unit/fuzz.test.ts, test/unit/regressions.test.ts).
 *
 * A bound on what one call costs, not a benchmark. Test files run in parallel on a shared 2-core
 * box, so wall time mostly measures the neighbours; CPU time (this process only) does not, but
 * counts V8's parallel GC threads. A call's cost is the lower of the two; after a warm-up call,
 * the cheapest of five is returned. Work that grows faster than the input exceeds a 50 ms bound by far.
 */
export function measure(call: () => unknown): number {
  call()
  let best = Infinity
  for (let i = 0; i < 5; i++) {
    const cpu = process.cpuUsage()
    const start = performance.now()
    call()
    const wall = performance.now() - start
    const { user, system } = process.cpuUsage(cpu)
    best = Math.min(best, wall, (user + system) / 1000)
  }
  return best
}
