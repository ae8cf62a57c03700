// Issue 10, "installable": the package as a site gets it. `npm pack`, the tarball installed into a
// fresh project beside @segment/analytics-next, every entry imported (ESM and CJS), and the README's
// plugin and classic snippets, taken from the README itself, bundled with esbuild and type-checked in
// strict TypeScript, without casts. Offline: the tarball has no dependencies, and analytics-next is
// linked from this checkout's node_modules.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
let app: string

/** The first code block after the README heading that starts with `heading`. */
function readmeSnippet(heading: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const at = readme.indexOf(`\n${heading}`)
  if (at < 0) throw new Error(`README has no heading "${heading}"`)
  const block = /```js\n([^]*?)```/.exec(readme.slice(at))
  if (!block) throw new Error(`README has no code block after "${heading}"`)
  return block[1]!
}

const run = (command: string, args: string[], cwd = app): string => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe' })

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'hubspot-destination-consumer-'))
  // dist/ is built already (CI builds, npm ci builds through prepare): pack what is there.
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', app, '--silent'], ROOT)
  const tarball = readdirSync(app).find((file) => file.endsWith('.tgz'))!
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', `./${tarball}`])
  mkdirSync(join(app, 'node_modules', '@segment'), { recursive: true })
  symlinkSync(join(ROOT, 'node_modules', '@segment', 'analytics-next'), join(app, 'node_modules', '@segment', 'analytics-next'), 'dir')
}, 120_000)

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true })
})

describe('installed from the packed tarball', () => {
  it('installs with nothing but itself: no runtime dependency comes along', () => {
    const installed = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'))
    expect(installed.sort()).toEqual(['@segment', 'hubspot-destination'])
    expect(readdirSync(join(app, 'node_modules', '@segment'))).toEqual(['analytics-next'])
  })

  it('every entry imports, as ESM and as CJS', () => {
    const esm = run('node', [
      '--input-type=module',
      '-e',
      "import HubSpot, { hubspot, parseSettings, toCommands } from 'hubspot-destination'; import * as n from 'hubspot-destination/normalize'; import { hubspot as full } from 'hubspot-destination/full'; console.log(JSON.stringify([typeof HubSpot, typeof hubspot, typeof parseSettings, typeof toCommands, typeof n.normalizeTraits, typeof full]))",
    ])
    const cjs = run('node', [
      '-e',
      "const p = require('hubspot-destination'); const n = require('hubspot-destination/normalize'); const f = require('hubspot-destination/full'); console.log(JSON.stringify([typeof p.default, typeof p.hubspot, typeof p.parseSettings, typeof p.toCommands, typeof n.normalizeTraits, typeof f.hubspot]))",
    ])
    const expected = ['function', 'function', 'function', 'function', 'function', 'function']
    expect(JSON.parse(esm)).toEqual(expected)
    expect(JSON.parse(cjs)).toEqual(expected)
  })

  it("the server entry imports in Node, and without HubSpot's SDK installed says how to install it", () => {
    const out = run('node', [
      '--input-type=module',
      '-e',
      "import { toRequests, createHubSpotClient, parseSettings, memoryContacts } from 'hubspot-destination/server'; const r = toRequests({ type: 'identify', traits: { email: 'ada@example.com' } }, parseSettings({ portalId: '1' }), memoryContacts()); let message = 'no error'; try { await createHubSpotClient({ accessToken: 'x' }) } catch (error) { message = error.message } console.log(JSON.stringify({ kinds: r.requests.map((q) => q.kind), message }))",
    ])
    expect(JSON.parse(out)).toEqual({
      kinds: ['upsertContact'],
      message: "hubspot-destination/server talks to HubSpot through HubSpot's Node SDK, which is not installed: npm install @hubspot/api-client@13",
    })
  })

  it("the README's plugin and classic snippets bundle with esbuild for the browser", async () => {
    for (const [name, heading] of [
      ['plugin', '### 1. As an analytics-next destination plugin'],
      ['classic', '### 2. As a classic analytics.js integration'],
    ] as const) {
      writeFileSync(join(app, `${name}.ts`), readmeSnippet(heading))
      const result = await build({
        entryPoints: [join(app, `${name}.ts`)],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        absWorkingDir: app,
        define: { 'process.env.NODE_ENV': '"production"' },
      })
      expect(result.errors, name).toEqual([])
      expect(result.outputFiles[0]!.text, name).toContain('HubSpot')
    }
  })

  it('a bundler gets the production build by default and the development build with the development condition', async () => {
    writeFileSync(join(app, 'messages.ts'), "import { hubspot } from 'hubspot-destination'\nexport const plugin = hubspot({ portalId: '62515' })\n")
    const bundle = async (conditions: string[]): Promise<string> => {
      const result = await build({ entryPoints: [join(app, 'messages.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', absWorkingDir: app, conditions })
      return result.outputFiles[0]!.text
    }
    const [production, development] = [await bundle([]), await bundle(['development'])]
    expect(production).toContain('must be digits')
    expect(production).not.toContain('must be your Hub ID')
    expect(development).toContain('must be your Hub ID, digits only')
  })

  it("the README's plugin and classic snippets type-check in strict TypeScript, without casts", () => {
    for (const [name, heading] of [
      ['plugin', '### 1. As an analytics-next destination plugin'],
      ['classic', '### 2. As a classic analytics.js integration'],
    ] as const) {
      const snippet = readmeSnippet(heading)
      expect(snippet, name).not.toMatch(/\bas\s+(never|any|unknown)\b/)
      writeFileSync(join(app, `${name}.ts`), snippet)
    }
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'es2020', module: 'esnext', moduleResolution: 'bundler', lib: ['es2020', 'dom'], skipLibCheck: true },
        files: ['plugin.ts', 'classic.ts'],
      }),
    )
    let output = ''
    try {
      run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app])
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error)
    }
    expect(output).toBe('')
  }, 60_000)
})
