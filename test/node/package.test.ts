// Issue 10, "installable": what npm packs is the built package, with nothing of the build machine in it
// and no runtime dependency it does not load.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>

describe('the package', () => {
  it('has no runtime dependencies: analytics.js-integration is bundled into dist/; analytics-next and, for the server entry, HubSpot\'s SDK are optional peers', () => {
    expect(pkg.dependencies ?? {}).toEqual({})
    expect(pkg.peerDependencies).toEqual({ '@segment/analytics-next': '>=1.50.0', '@hubspot/api-client': '^13.5.0' })
    expect(pkg.peerDependenciesMeta).toEqual({ '@segment/analytics-next': { optional: true }, '@hubspot/api-client': { optional: true } })
    expect(pkg.scripts?.prepare).toBe('npm run build')
  })

  it("packs dist/ (the entries, the CLI, the IIFE bundle) and the source, and no test or CI file", () => {
    // --ignore-scripts: the pack itself would rebuild dist/ (prepare) under the other tests' feet.
    const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>
    const files = report!.files.map((file) => file.path)
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/normalize.js', 'dist/server.js', 'dist/server.cjs', 'dist/server.d.ts', 'dist/cli.js', 'dist/hubspot.iife.js', 'src/index.ts', 'README.md', 'package.json']) {
      expect(files, file).toContain(file)
    }
    expect(files.filter((file) => /^(test|\.ci|bench|demo)\//.test(file))).toEqual([])
  })

  it('its source maps name files relative to themselves, never the build machine\'s folders', () => {
    const dist = join(ROOT, 'dist')
    expect(existsSync(dist)).toBe(true)
    const maps = readdirSync(dist).filter((file) => file.endsWith('.map'))
    expect(maps.length).toBeGreaterThan(0)
    for (const map of maps) expect(readFileSync(join(dist, map), 'utf8'), map).not.toContain(ROOT)
  })
})
