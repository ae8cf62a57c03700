/** Edit distance, for suggesting the setting a typo meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }
  return row[b.length]!
}

/** Of `known`, the one `name` most likely meant: the one it is part of, else the fewest edits for the length. */
export function closestName(name: string, known: readonly string[]): string {
  const key = name.slice(0, 64).toLowerCase()
  const score = (candidate: string): number =>
    candidate.toLowerCase().includes(key) ? 0 : distance(key, candidate.toLowerCase()) / Math.max(key.length, candidate.length)
  return known.reduce((best, candidate) => (score(candidate) < score(best) ? candidate : best))
}

