// scripts/fetch-tracker.mjs: HubSpot's loader → the analytics script it names → a file for HUBSPOT_TRACKER_JS.
// HubSpot's hosts can't be reached here: a local server answers as they would, with a made-up tracker.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script, no types
import { analyticsScriptUrl, trackerBuild } from '../../scripts/fetch-tracker.mjs'
import { startServer, type LocalServer } from '../support/server'

const run = promisify(execFile)
// Made up for this test, not HubSpot's code: only the facts the script reads (the build number in a
// header comment, a setPortalId command, the analytics script's URL in the loader).
const TRACKER = "/* made-up tracker: Tracking Code Build Number 9.999 */\nwindow.madeUpTracker = [['setPortalId', 62515]]\n"
const loaderFor = (url: string) => `// made-up loader: it would add ${url}\n`

let server: LocalServer
beforeAll(async () => {
  server = await startServer({
    handlers: [
      (req, res) => {
        if (req.url === '/62515.js') res.writeHead(200).end(loaderFor(`${server.url}/analytics/1732000000000/62515.js`))
        else if (req.url === '/analytics/1732000000000/62515.js') res.writeHead(200).end(TRACKER)
        else if (req.url === '/404.js') res.writeHead(200).end('// no tracker named here')
        else return false
        return true
      },
    ],
  })
})
afterAll(() => server.close())

describe('reading what HubSpot serves', () => {
  it("finds the analytics script in HubSpot's loader, protocol-relative or not", () => {
    expect(analyticsScriptUrl(loaderFor('https://js.hs-analytics.net/analytics/1732000000000/62515.js'))).toBe(
      'https://js.hs-analytics.net/analytics/1732000000000/62515.js',
    )
    expect(analyticsScriptUrl(loaderFor('//js-eu1.hs-analytics.net/analytics/1732000000000/62515.js'))).toBe(
      'https://js-eu1.hs-analytics.net/analytics/1732000000000/62515.js',
    )
    expect(analyticsScriptUrl('nothing here')).toBeUndefined()
  })

  it("reads the build number from the tracker's header", () => {
    expect(trackerBuild(TRACKER)).toBe('9.999')
    expect(trackerBuild('var x')).toBeUndefined()
  })
})

describe('npm run fetch-tracker -- <hub id> [out]', () => {
  const script = 'scripts/fetch-tracker.mjs'

  it('saves the tracker the loader names and says how to run the contract against it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tracker-')), 'tracker.js')
    const { stdout } = await run('node', [script, '62515', out], { env: { ...process.env, HUBSPOT_SCRIPTS_ORIGIN: server.url } })
    expect(readFileSync(out, 'utf8')).toBe(TRACKER)
    expect(stdout).toContain('HubSpot tracking code build 9.999')
    expect(stdout).toContain(`HUBSPOT_TRACKER_JS=${out} npm run test:e2e`)
  })

  it('exits 1 with the reason when the loader names no tracker, 2 without a Hub ID', async () => {
    const failed = await run('node', [script, '404'], { env: { ...process.env, HUBSPOT_SCRIPTS_ORIGIN: server.url } }).catch((error: { code: number; stderr: string }) => error)
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('names no analytics script') })
    const usage = await run('node', [script]).catch((error: { code: number; stderr: string }) => error)
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run fetch-tracker -- <hub id>') })
  })
})
