// (d) the worst shapes of issue 9, each at two sizes: the time of `normalizeProperties` must grow at
// most as the input does (or stay flat once the caps stop the walk), never faster.
const { normalizeProperties } = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof import('hubspot-destination')

export interface ShapeRow {
  shape: string
  /** What "size" counts, for the small and the large input. */
  unit: string
  small: number
  large: number
  msSmall: number
  msLarge: number
}

let sink: unknown

/** The best of `runs` timings, in ms: other processes slow some runs down, never speed one up. */
function best(fn: () => unknown, runs = 5): number {
  let fastest = Number.POSITIVE_INFINITY
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    sink = fn()
    fastest = Math.min(fastest, performance.now() - started)
  }
  return fastest
}

/** Objects that share their children: `width` keys a level, each the same child, `depth` levels. */
function shared(width: number, depth: number): Record<string, unknown> {
  let level: Record<string, unknown> = { leaf: 'x', n: 1 }
  for (let d = 0; d < depth; d++) {
    const next: Record<string, unknown> = {}
    for (let i = 0; i < width; i++) next[`k${i}`] = level
    level = next
  }
  return level
}

const longKeys = (keyLength: number) => Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`c${i}`, { [`${'K'.repeat(keyLength)}${i}`]: i, ok: i }]))
const longArray = (items: number) => ({ options: Array.from({ length: items }, (_, i) => `option ${i}`.padEnd(60, '-')), plan: 'pro' })
const manyKeys = (keys: number) => {
  const wide: Record<string, number> = {}
  for (let i = 0; i < keys; i++) wide[`key ${i}`] = i
  return wide
}

export function runShapes(): ShapeRow[] {
  const cases: Array<[string, string, number, number, (size: number) => unknown]> = [
    ['objects sharing children, 20 wide', 'levels', 3, 6, (depth) => shared(20, depth)],
    ['a long key under each of 1,000 children', 'key length', 10_000, 100_000, longKeys],
    ['an array of 60-character strings', 'items', 10_000, 100_000, longArray],
    ['flat keys', 'keys', 100_000, 1_000_000, manyKeys],
  ]
  return cases.map(([shape, unit, small, large, make]) => {
    const [inputSmall, inputLarge] = [make(small), make(large)]
    return { shape, unit, small, large, msSmall: best(() => normalizeProperties(inputSmall)), msLarge: best(() => normalizeProperties(inputLarge)) }
  })
}

export const keepSink = (): unknown => sink
