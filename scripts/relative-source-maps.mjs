// Source maps name files relative to themselves: tsup's CJS step writes the build machine's absolute
// path into `file` (and sometimes `sources`), which would ship someone's home folder in the package.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, isAbsolute, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const dist = fileURLToPath(new URL('../dist/', import.meta.url))
let fixed = 0
for (const name of readdirSync(dist, { recursive: true }).filter((file) => file.endsWith('.map'))) {
  const path = `${dist}${name}`
  const map = JSON.parse(readFileSync(path, 'utf8'))
  const before = JSON.stringify(map)
  if (typeof map.file === 'string' && isAbsolute(map.file)) map.file = basename(map.file)
  if (Array.isArray(map.sources)) map.sources = map.sources.map((source) => (typeof source === 'string' && isAbsolute(source) ? relative(dirname(path), source) : source))
  if (JSON.stringify(map) !== before) {
    writeFileSync(path, JSON.stringify(map))
    fixed++
  }
}
console.log(`source maps: ${fixed} made relative`)
