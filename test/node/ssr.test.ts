/**
 * Issue 4, "Server-side rendering": the package must import in plain Node, with no `window` and no
 * `document` (as Next.js, Remix and Astro import modules on the server), both as ESM and as CJS,
 * through the package name and its `exports` map, and `hubspot()` must work there (it only parses
 * settings). Each check runs in a fresh `node` child process, so nothing from vitest (no jsdom, no
 * globals, no module cache) leaks into it.
 *
 * Needs `dist/`: CI builds before `npm test`; when it is missing, `npm run build` runs first.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
const DIST_FILES = ['index.js', 'index.cjs', 'normalize.js', 'normalize.cjs', 'index.d.ts', 'index.d.cts', 'development/index.js']
const distReady = () => DIST_FILES.every((file) => existsSync(join(ROOT, 'dist', file)))

let app: string

beforeAll(async () => {
  if (!distReady()) {
    try {
      execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' })
    } catch (error) {
      const output = (error as { stderr?: Buffer; stdout?: Buffer }).stderr?.toString() ?? String(error)
      throw new Error(`dist/ is missing and \`npm run build\` failed; run it by hand to see why.\n${output}`)
    }
  }
  // Another process may be rebuilding dist/ right now (tsup cleans it first): give it a moment.
  for (let i = 0; i < 60 && !distReady(); i++) await new Promise((r) => setTimeout(r, 1_000))
  if (!distReady()) throw new Error(`dist/ lacks ${DIST_FILES.filter((f) => !existsSync(join(ROOT, 'dist', f))).join(', ')}: run \`npm run build\``)

  // An app folder that depends on the package the way an installed one would: node_modules/<name> → the repo.
  app = mkdtempSync(join(tmpdir(), 'hubspot-destination-ssr-'))
  mkdirSync(join(app, 'node_modules'))
  symlinkSync(ROOT, join(app, 'node_modules', 'hubspot-destination'), 'dir')
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'ssr-app', private: true }))
}, 300_000)

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true })
})

/** Runs `source` as a file of its own in the app folder with plain `node`; returns its parsed JSON output. */
function runNode(file: string, source: string, nodeOptions: string[] = []): Record<string, unknown> {
  writeFileSync(join(app, file), source)
  const result = spawnSync(process.execPath, [...nodeOptions, file], { cwd: app, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } })
  if (result.status !== 0) {
    throw new Error(`node ${file} exited with ${result.status}${result.signal ? ` (${result.signal})` : ''}\n${result.stderr}\n${result.stdout}`)
  }
  expect(result.status).toBe(0)
  const lines = result.stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
}

// What every entry check prints: the globals a browser would have, and what the entries export.
const REPORT = `
const settingsError = (() => {
  try { parseSettings({ portalId: '1"><script>' }) } catch (error) { return error.name + ': ' + error.message }
  return 'no error'
})()
const plugin = hubspot({ portalId: '62515' })
console.log(JSON.stringify({
  window: typeof window,
  document: typeof document,
  defaultExport: typeof HubSpot,
  namedHubSpot: typeof NamedHubSpot,
  sameClassic: HubSpot === NamedHubSpot,
  hubspot: typeof hubspot,
  toCommands: typeof toCommands,
  plugin: { name: plugin.name, type: plugin.type, load: typeof plugin.load, track: typeof plugin.track },
  settingsError,
  normalizeTraits: typeof normalize.normalizeTraits,
  normalizeProperties: typeof normalize.normalizeProperties,
  normalizeKey: typeof normalize.normalizeKey,
  toHubSpotDate: typeof normalize.toHubSpotDate,
  traits: normalize.normalizeTraits({ firstName: ' Ada ', 'Plan.Tier': 'pro', createdAt: '2024-01-02' }),
  commands: toCommands({ type: 'track', event: 'Signed Up', properties: { plan: 'pro' } }, parseSettings({ portalId: '62515' }), { pageSeen: true }).commands,
}))
`

function expectReport(report: Record<string, unknown>): void {
  expect(report).toEqual({
    window: 'undefined',
    document: 'undefined',
    defaultExport: 'function',
    namedHubSpot: 'function',
    sameClassic: true,
    hubspot: 'function',
    toCommands: 'function',
    plugin: { name: 'HubSpot', type: 'destination', load: 'function', track: 'function' },
    settingsError: expect.stringMatching(/^HubSpotSettingsError: .*portalId.*1\\"><script>/),
    normalizeTraits: 'function',
    normalizeProperties: 'function',
    normalizeKey: 'function',
    toHubSpotDate: 'function',
    traits: { firstname: 'Ada', plan_tier: 'pro', createdat: Date.UTC(2024, 0, 2) },
    commands: [['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: { plan: 'pro' } }]],
  })
}

describe('server-side rendering in plain Node (no window, no document)', () => {
  // The default files are the production build; `--conditions=development` picks the development build.
  it.each([
    ['production', [], 'no window: nothing is sent'],
    ['development', ['--conditions=development'], 'no window here (a server or a worker): HubSpot runs in a browser page, so nothing is sent'],
  ])('the plugin is inert without a window (%s build): load, track, ready and reset run and send nothing; the classic export takes a property', (build, nodeOptions, message) => {
    const report = runNode(
      `inert-${build}.mjs`,
      `import HubSpot, { hubspot } from 'hubspot-destination'
const debug = []
console.debug = (...args) => debug.push(args.join(' '))
const plugin = hubspot({ portalId: '62515' })
const listeners = []
await plugin.load({}, { on: (name, listener) => listeners.push(listener) })
const ctx = { event: { type: 'track', event: 'Signed Up' } }
const returned = plugin.track(ctx)
await plugin.ready()
HubSpot.extra = 'set on the export'
console.log(JSON.stringify({
  loaded: plugin.isLoaded(),
  sameCtx: returned === ctx,
  debug,
  extra: HubSpot.extra,
  window: typeof window,
}))`,
      nodeOptions,
    )
    expect(report).toEqual({
      loaded: true,
      sameCtx: true,
      debug: [`[hubspot-destination] ${message}`],
      extra: 'set on the export',
      window: 'undefined',
    })
  })

  it('dist/hubspot.iife.js loads in a worker (a global with no window) without throwing', () => {
    const report = runNode(
      'worker.mjs',
      `import { readFileSync } from 'node:fs'
import vm from 'node:vm'
const worker = vm.createContext({ console, setTimeout, clearTimeout })
worker.self = worker
let error = null
try { vm.runInContext(readFileSync(${JSON.stringify(join(ROOT, 'dist', 'hubspot.iife.js'))}, 'utf8'), worker) } catch (e) { error = String(e) }
const plugin = error ? null : worker.HubSpotDestination.hubspot({ portalId: '62515' })
if (plugin) await plugin.load({}, undefined)
console.log(JSON.stringify({ error, exposed: Object.keys(worker.HubSpotDestination ?? {}).sort(), loaded: plugin?.isLoaded() }))`,
    )
    expect(report).toEqual({ error: null, exposed: ['HubSpot', 'hubspot'], loaded: true })
  })

  it('ESM: import HubSpot, { hubspot } from "hubspot-destination" and the normalize entry', () => {
    expectReport(
      runNode(
        'esm.mjs',
        `import HubSpot, { HubSpot as NamedHubSpot, hubspot, toCommands, parseSettings } from 'hubspot-destination'
import * as normalize from 'hubspot-destination/normalize'
${REPORT}`,
      ),
    )
  })

  it('CJS: require("hubspot-destination") and require("hubspot-destination/normalize")', () => {
    expectReport(
      runNode(
        'cjs.cjs',
        `const pkg = require('hubspot-destination')
const { default: HubSpot, HubSpot: NamedHubSpot, hubspot, toCommands, parseSettings } = pkg
const normalize = require('hubspot-destination/normalize')
${REPORT}`,
      ),
    )
  })

  it('the exports map resolves each entry to the right dist file, for require and for import', () => {
    const report = runNode(
      'resolve.mjs',
      `import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
console.log(JSON.stringify({
  requireMain: require.resolve('hubspot-destination'),
  requireNormalize: require.resolve('hubspot-destination/normalize'),
  importMain: import.meta.resolve('hubspot-destination'),
  importNormalize: import.meta.resolve('hubspot-destination/normalize'),
}))`,
    )
    const dist = join(ROOT, 'dist')
    expect(report.requireMain).toBe(join(dist, 'index.cjs'))
    expect(report.requireNormalize).toBe(join(dist, 'normalize.cjs'))
    expect(String(report.importMain)).toMatch(/\/dist\/index\.js$/)
    expect(String(report.importNormalize)).toMatch(/\/dist\/normalize\.js$/)
  })

  it('the dist files load by absolute path too (ESM and CJS), with nothing on globalThis afterwards', () => {
    const report = runNode(
      'absolute.mjs',
      `import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const before = new Set(Object.keys(globalThis))
const esm = await import(${JSON.stringify(join(ROOT, 'dist', 'index.js'))})
const esmNormalize = await import(${JSON.stringify(join(ROOT, 'dist', 'normalize.js'))})
const cjs = require(${JSON.stringify(join(ROOT, 'dist', 'index.cjs'))})
const cjsNormalize = require(${JSON.stringify(join(ROOT, 'dist', 'normalize.cjs'))})
console.log(JSON.stringify({
  esm: [typeof esm.default, typeof esm.hubspot],
  esmNormalize: typeof esmNormalize.normalizeTraits,
  cjs: [typeof cjs.default, typeof cjs.hubspot],
  cjsNormalize: typeof cjsNormalize.normalizeTraits,
  newGlobals: Object.keys(globalThis).filter((key) => !before.has(key)),
  window: typeof window,
}))`,
    )
    expect(report).toEqual({
      esm: ['function', 'function'],
      esmNormalize: 'function',
      cjs: ['function', 'function'],
      cjsNormalize: 'function',
      newGlobals: [],
      window: 'undefined',
    })
  })
})
