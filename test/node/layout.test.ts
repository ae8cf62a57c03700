// The folders are the architecture (DESIGN.md, "Two halves, one core"): core imports neither half, and the
// halves never import each other, so the browser bundles cannot grow because of the server half.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../../src')

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  )
}

/** The folders of src/ that each file's relative imports reach. */
function reaches(folder: string): string[] {
  const found = new Set<string>()
  for (const file of files(join(SRC, folder))) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(SRC, resolve(file, '..', spec!))
      found.add(target.split('/')[0]!)
    }
  }
  return [...found].sort()
}

describe('the layout of src/', () => {
  it('core imports nothing from browser, server or cli', () => {
    expect(reaches('core').filter((folder) => folder !== 'core')).toEqual([])
  })
  it('browser imports only core; server imports only core', () => {
    expect(reaches('browser').filter((folder) => !['core', 'browser'].includes(folder))).toEqual([])
    expect(reaches('server').filter((folder) => !['core', 'server'].includes(folder))).toEqual([])
  })
})
