// `hubspot-destination send`: the built command, as a child process, against the local HubSpot API double.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HELP, UsageError, defaultPaths, parseCommandLine, parseRate, stemOf } from '../../src/cli/args'
import { META, readLine } from '../../src/cli/send'
import { createDelivery, STOPPED, systemClock } from '../../src/server/delivery'
import type { HubSpotApi } from '../../src/server/hubspot-api'
import { startHubSpotApiDouble, type Fault, type FaultContext, type HubSpotApiDouble } from '../support/hubspot-api-double'

const root = fileURLToPath(new URL('../../', import.meta.url))
// Its own build, so that it never runs a dist/cli.js that test/node/cli.test.ts is rewriting at the same time.
const OUT = join(root, 'test/output/cli-send')
const CLI = join(OUT, 'cli.js')

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

interface RunOptions {
  input?: string
  cwd?: string
  env?: Record<string, string | undefined>
  /** Called once the child runs; e.g. to interrupt it. */
  started?: (child: ReturnType<typeof spawn>) => void
}

/** The CLI as a child process; asynchronous, so that the double in this process keeps answering. */
function cli(args: string[], options: RunOptions = {}): Promise<Ran> {
  const env: Record<string, string | undefined> = { ...process.env, HUBSPOT_ACCESS_TOKEN: undefined, HUBSPOT_PORTAL_ID: undefined, HUBSPOT_API_BASE_URL: undefined, ...options.env }
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? root, env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
    options.started?.(child)
  })
}

let double: HubSpotApiDouble
let fault: ((request: FaultContext) => Fault | undefined) | undefined
let dir: string

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js'), '--config', 'tsup.cli.config.ts', '--silent', '--out-dir', OUT], { cwd: root, stdio: 'pipe' })
  double = await startHubSpotApiDouble({ faults: (request) => fault?.(request) })
}, 60_000)

afterAll(async () => {
  await double?.close()
})

afterEach(() => {
  fault = undefined
  double.reset()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const fresh = (): string => (dir = mkdtempSync(join(tmpdir(), 'hubspot-send-')))

/** Options and environment for the double. */
const send = (file: string, more: string[] = [], options: RunOptions = {}): Promise<Ran> =>
  cli(['send', file, '--portal-id', String(double.portalId), '--base-url', double.url, ...more], { ...options, env: { HUBSPOT_ACCESS_TOKEN: double.token, ...options.env } })

const lines = (...events: unknown[]): string => events.map((event) => (typeof event === 'string' ? event : JSON.stringify(event))).join('\n') + '\n'
const jsonLines = (text: string): Array<Record<string, unknown>> => text.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)

// A small mixed file: what each line becomes is said beside it.
const ADA = { type: 'identify', userId: 'u1', messageId: 'm1', traits: { email: 'ada@example.com', firstname: 'Ada', plan: 'pro' } } // delivered (plan dropped)
const SIGNED_UP = { type: 'track', event: 'Signed Up', messageId: 'm2', properties: { email: 'ada@example.com', plan: 'pro' }, timestamp: '2024-03-01T12:00:00Z' } // delivered
const GROUP = { type: 'group', userId: 'u1', groupId: 'g1', messageId: 'm3', traits: { name: 'Analytical Engines', website: 'https://www.engines.example.com' } } // delivered, associated
const PAGE = { type: 'page', name: 'Home', messageId: 'm4' } // rejected: no server API for pages
const FAULTY = { type: 'track', event: 'Clicked', messageId: 'm5', properties: { email: 'grace@example.com' } } // dead-lettered (a 500 on its send)
const NO_CONTACT = { type: 'track', event: 'Viewed', properties: { plan: 'x' } } // rejected: no contact; no messageId
const GRACE = { type: 'identify', traits: { email: 'grace@example.com', lastname: 'Hopper' } } // delivered; no messageId
const MIXED = lines(ADA, SIGNED_UP, GROUP, PAGE, FAULTY, 'not json', NO_CONTACT, GRACE)

const faultOnClicked = (request: FaultContext): Fault | undefined =>
  request.path === '/events/v3/send' && (request.body as { eventName?: string }).eventName?.endsWith('_clicked') ? { kind: 500 } : undefined

describe('send: the command line', () => {
  const env = { HUBSPOT_ACCESS_TOKEN: 'pat-na1-x' }

  it('reads the portal id from --portal-id or HUBSPOT_PORTAL_ID, the token from HUBSPOT_ACCESS_TOKEN, and defaults the rest', () => {
    const command = parseCommandLine(['send', 'in/events.ndjson'], { ...env, HUBSPOT_PORTAL_ID: '42' })
    expect(command.kind).toBe('send')
    if (command.kind !== 'send') return
    expect(command.options).toMatchObject({
      file: 'in/events.ndjson',
      dryRun: false,
      accessToken: 'pat-na1-x',
      baseUrl: 'https://api.hubapi.com',
      rate: { max: 100, intervalMs: 10_000 },
      failed: 'in/events.ndjson.failed.ndjson',
      checkpoint: 'in/events.ndjson.delivered',
      contacts: 'in/events.ndjson.contacts.json',
    })
    expect(command.options.settings.portalId).toBe('42')
    const flags = parseCommandLine(['send', '-', '--portal-id', '7', '--base-url', 'http://127.0.0.1:9/', '--rate', '10/1', '--failed', 'f', '--checkpoint', 'c', '--contacts', 'k'], {
      ...env,
      HUBSPOT_PORTAL_ID: '42',
      HUBSPOT_API_BASE_URL: 'https://other.example.com',
    })
    expect(flags.kind === 'send' && flags.options).toMatchObject({ file: undefined, baseUrl: 'http://127.0.0.1:9', rate: { max: 10, intervalMs: 1000 }, failed: 'f', checkpoint: 'c', contacts: 'k' })
    expect(flags.kind === 'send' && flags.options.settings.portalId).toBe('7')
  })

  it('gives a failed file the checkpoint and contacts of the input it came from', () => {
    expect(stemOf('a/x.ndjson.failed.ndjson')).toBe('a/x.ndjson')
    expect(stemOf('a/x.ndjson.failed.ndjson.failed.ndjson')).toBe('a/x.ndjson')
    expect(defaultPaths('x.ndjson.failed.ndjson')).toEqual({ failed: 'x.ndjson.failed.ndjson.failed.ndjson', checkpoint: 'x.ndjson.delivered', contacts: 'x.ndjson.contacts.json' })
    expect(defaultPaths(undefined)).toEqual({ failed: 'hubspot-failed.ndjson', checkpoint: 'hubspot-stdin.delivered', contacts: 'hubspot-stdin.contacts.json' })
    expect(defaultPaths('out/hubspot-failed.ndjson')).toMatchObject({ checkpoint: 'out/hubspot-stdin.delivered' })
  })

  it.each([
    [['send', 'x.ndjson', '--portal-id', '1'], {}, 'send needs a HubSpot private app\'s access token in the environment variable HUBSPOT_ACCESS_TOKEN (or --dry-run to send nothing)'],
    [['send', 'x.ndjson'], env, 'send needs your Hub ID: --portal-id <digits>, or HUBSPOT_PORTAL_ID'],
    [['send', 'x.ndjson'], { ...env, HUBSPOT_PORTAL_ID: 'abc' }, 'HUBSPOT_PORTAL_ID: HubSpot setting "portalId" must be your Hub ID, digits only (like "62515"); got "abc"'],
    [['send', '--portal-id', '1'], env, 'send needs a file of Segment events, or "-" for standard input'],
    [['send', 'x', '--portal-id', '1', '--rate', '100'], env, '--rate "100": expected <calls>/<seconds> with at least 1 call in more than 0 s, like 100/10'],
    [['send', 'x', '--portal-id', '1', '--base-url', 'ftp://x'], env, '--base-url: expected an http(s) URL like https://api.hubapi.com; got "ftp://x"'],
    [['send', 'x', '--portal-id', '1', '--eu'], env, "--eu is an option of preview (the browser's scripts), not send"],
    [['preview', '--dry-run'], env, '--dry-run is an option of send, not preview'],
    [['preview', '--failed', 'f'], env, '--failed is an option of send, not preview'],
    [[], env, 'missing command: preview or send'],
  ])('rejects %j with a message that says what to do', (argv, environment, message) => {
    expect(() => parseCommandLine(argv, environment)).toThrow(new UsageError(message))
  })

  it('needs no token for a dry run; parses rates', () => {
    const command = parseCommandLine(['send', 'x', '--portal-id', '1', '--dry-run'], {})
    expect(command.kind === 'send' && command.options.accessToken).toBeUndefined()
    expect(parseRate('100/10')).toEqual({ max: 100, intervalMs: 10_000 })
    expect(parseRate('5/0.5')).toEqual({ max: 5, intervalMs: 500 })
    expect(() => parseRate('0/10')).toThrow(UsageError)
  })

  it('reads a line as preview does, leaves out the failed file\'s field and keeps its id', () => {
    expect(readLine('  ', 1)).toBeUndefined()
    expect(readLine('[1]', 2)).toEqual({ error: 'not a JSON object (got an array)' })
    expect(readLine('{"type":"page","messageId":"m9"}', 3)).toEqual({ event: { type: 'page', messageId: 'm9' }, type: 'page', id: 'm9' })
    const replayed = readLine(JSON.stringify({ type: 'page', [META]: { outcome: 'rejected', reason: 'r', id: 'line:4:abc', line: 4 } }), 1)
    expect(replayed).toEqual({ event: { type: 'page' }, type: 'page', id: 'line:4:abc' })
    // Without a messageId: the line number and a hash of the line, so an edited file never skips the wrong event.
    const a = readLine('{"type":"page","name":"A"}', 5) as { id: string }
    const b = readLine('{"type":"page","name":"B"}', 5) as { id: string }
    expect(a.id).toMatch(/^line:5:[0-9a-f]{16}$/)
    expect(a.id).not.toBe(b.id)
  })

  it('documents the command, its environment and its exit codes in --help', () => {
    for (const text of ['send <file | ->', '--dry-run', '--rate <calls>/<seconds>', 'HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_PORTAL_ID', 'by its messageId', '_hubspotDestination', '130']) {
      expect(HELP).toContain(text)
    }
  })
})

describe('delivery.stop', () => {
  it('starts no call after it, ends a wait for the window at once, and marks what is left as stopped', async () => {
    const sent: string[] = []
    const api = { sendEvent: async (event: { email?: string }) => void sent.push(event.email ?? '') } as unknown as HubSpotApi
    const delivery = createDelivery({ api, clock: systemClock, rate: { max: 1, intervalMs: 60_000 }, propertyNames: { check: false } })
    const items = ['a', 'b', 'c'].map((name) => ({ id: name, requests: [{ kind: 'sendEvent' as const, eventName: 'pe1_x', email: `${name}@example.com`, occurredAt: '', properties: {} }] }))
    const started = Date.now()
    const results = delivery.deliver(items)
    setTimeout(() => delivery.stop(), 50)
    expect(await results).toEqual([
      { id: 'a', outcome: 'delivered' },
      { id: 'b', outcome: 'dead-lettered', reason: STOPPED, stopped: true },
      { id: 'c', outcome: 'dead-lettered', reason: STOPPED, stopped: true },
    ])
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(sent).toEqual(['a@example.com'])
  })
})

describe('send: to the HubSpot API double', () => {
  it('delivers a mixed file, writes the failures to a replayable file, and a rerun sends nothing twice', async () => {
    const dir = fresh()
    const input = join(dir, 'events.ndjson')
    writeFileSync(input, MIXED)
    fault = faultOnClicked

    const first = await send(input)
    expect(first.code).toBe(1) // a bad line, and a dead-lettered event
    // HubSpot has what the events say.
    const ada = double.state.contactByEmail('ada@example.com')
    expect(ada?.properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada' })
    expect(ada?.properties.plan).toBeUndefined()
    expect(double.state.contactByEmail('grace@example.com')?.properties.lastname).toBe('Hopper')
    const [company, ...others] = double.state.companiesByDomain('engines.example.com')
    expect(others).toEqual([])
    expect(company?.properties.name).toBe('Analytical Engines')
    expect(double.state.associations).toEqual([{ contactId: ada!.id, companyId: company!.id }])
    expect(double.state.events.map((event) => [event.eventName, event.email, event.occurredAt])).toEqual([['pe12345678_signed_up', 'ada@example.com', '2024-03-01T12:00:00.000Z']])
    const calls = double.stats.calls

    expect(first.stdout.replace(/ in \d+\.\d s\n/, ' in T s\n')).toBe(
      [
        `Sent ${input} to HubSpot portal 12345678: ${calls} API calls in T s`,
        '  delivered               4',
        '  rejected                2',
        '  dead-lettered           1',
        '  bad lines               1',
        '  already delivered       0',
        '  not sent                0',
        'Left out, not properties of the portal: plan (1 event)',
        `3 rejected or dead-lettered events written to ${input}.failed.ndjson; replay with: hubspot-destination send ${input}.failed.ndjson (same options)`,
        '',
      ].join('\n'),
    )
    expect(first.stderr).toContain(`${input}:6: not JSON: `)
    expect(first.stderr).not.toContain(double.token)

    // The failed file: exactly the rejected and dead-lettered events, as they were, with the reason beside.
    const failed = jsonLines(readFileSync(`${input}.failed.ndjson`, 'utf8'))
    expect(failed.map(({ [META]: _, ...event }) => event)).toEqual([PAGE, FAULTY, NO_CONTACT])
    expect(failed.map((event) => event[META])).toEqual([
      { outcome: 'rejected', reason: expect.stringMatching(/^page has no HubSpot API from a server/), id: 'm4', line: 4 },
      { outcome: 'dead-lettered', reason: expect.stringMatching(/^event "pe12345678_clicked" may have been delivered \(HubSpot 500: .*\); not sent again$/), id: 'm5', line: 5 },
      { outcome: 'rejected', reason: expect.stringMatching(/^track needs a contact/), id: expect.stringMatching(/^line:7:[0-9a-f]{16}$/), line: 7 },
    ])
    expect(readFileSync(`${input}.delivered`, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['m1', 'm2', 'm3', expect.stringMatching(/^line:8:/)].sort())
    expect(JSON.parse(readFileSync(`${input}.contacts.json`, 'utf8'))).toEqual({ u1: 'ada@example.com' })

    // Replayed once HubSpot is well again: the dead-lettered event goes out; the field never reaches HubSpot.
    fault = undefined
    const replay = await send(`${input}.failed.ndjson`, ['--json'])
    expect(replay.code).toBe(0)
    expect(JSON.parse(replay.stdout)).toMatchObject({ delivered: 1, rejected: 2, deadLettered: 0, badLines: 0, skipped: 0, notSent: 0, failed: `${input}.failed.ndjson.failed.ndjson`, checkpoint: `${input}.delivered`, stopped: null })
    expect(double.state.events.map((event) => [event.eventName, event.email])).toEqual([
      ['pe12345678_signed_up', 'ada@example.com'],
      ['pe12345678_clicked', 'grace@example.com'],
    ])
    expect(JSON.stringify(double.state.events)).not.toContain(META)

    // The input again: everything delivered, by the run or the replay, is skipped; no call at all.
    const callsBefore = double.stats.calls
    const again = await send(input, ['--json'])
    expect(again.code).toBe(1) // the bad line is still there
    expect(JSON.parse(again.stdout)).toMatchObject({ delivered: 0, rejected: 2, deadLettered: 0, badLines: 1, skipped: 5, calls: 0 })
    expect(double.stats.calls).toBe(callsBefore)
    expect(double.state.events).toHaveLength(2)
  })

  it('resumes after Ctrl-C without sending anything twice', async () => {
    const dir = fresh()
    const input = join(dir, 'clicks.ndjson')
    const clicks = Array.from({ length: 12 }, (_, i) => ({ type: 'track', event: 'Clicked', messageId: `c${i}`, properties: { email: `u${i}@example.com` } }))
    writeFileSync(input, lines(...clicks))

    // Slow (4 calls a second), interrupted once two events are in.
    const first = await send(input, ['--rate', '4/1'], {
      started: (child) => {
        const poll = setInterval(() => {
          if (double.state.events.length >= 2) {
            clearInterval(poll)
            child.kill('SIGINT')
          }
        }, 10)
        child.on('close', () => clearInterval(poll))
      },
    })
    expect(first.code).toBe(130)
    expect(first.stderr).toContain('stopping: no new call; waiting for the calls in flight (Ctrl-C again to quit at once)')
    const sentFirst = double.state.events.length
    expect(sentFirst).toBeGreaterThanOrEqual(2)
    expect(sentFirst).toBeLessThan(12)
    expect(first.stdout).toMatch(new RegExp(`  delivered +${sentFirst}\n[^]*  not sent +${12 - sentFirst}\nInterrupted: ${12 - sentFirst} events not sent; run the same command again to resume\\.\n$`))
    expect(readFileSync(`${input}.delivered`, 'utf8').split('\n').filter(Boolean)).toHaveLength(sentFirst)
    expect(existsSync(`${input}.failed.ndjson`)).toBe(false) // nothing failed: what is not sent is for the rerun

    const second = await send(input, ['--json'])
    expect(second.code).toBe(0)
    expect(JSON.parse(second.stdout)).toMatchObject({ delivered: 12 - sentFirst, skipped: sentFirst, notSent: 0, failed: null })
    expect(double.state.events.map((event) => event.email).sort()).toEqual(clicks.map((click) => click.properties.email).sort())
  })

  it('--dry-run prints the requests, needs no token, makes no call and writes no file', async () => {
    const dir = fresh()
    const input = join(dir, 'events.ndjson')
    writeFileSync(input, MIXED)
    const human = await cli(['send', input, '--portal-id', '123', '--dry-run'])
    expect(human.code).toBe(1)
    expect(human.stderr).toBe(`${input}:6: not JSON: ${(() => { try { JSON.parse('not json') } catch (e) { return (e as Error).message } })()}\n`)
    expect(human.stdout).toBe(
      [
        '# HubSpot portal 123 at https://api.hubapi.com: dry run, nothing is sent',
        '# track → custom behavioral event (pe123_<event>); identify → contact upsert by email; group → company by domain',
        '',
        'line 1  identify userId "u1" <ada@example.com>',
        '        upsert contact ada@example.com {"firstname": "Ada", "plan": "pro"}',
        'line 2  track "Signed Up"',
        '        send event pe123_signed_up for ada@example.com at 2024-03-01T12:00:00.000Z {"plan": "pro"}',
        'line 3  group "g1" userId "u1"',
        '        upsert company engines.example.com {',
        '          "name": "Analytical Engines",',
        '          "domain": "engines.example.com"',
        '        }',
        '        associate contact ada@example.com with company engines.example.com',
        'line 4  page "Home"',
        "        nothing sent: page has no HubSpot API from a server: page views come from HubSpot's tracking code in the browser",
        'line 5  track "Clicked"',
        '        send event pe123_clicked for grace@example.com {}',
        '        note: no valid timestamp: HubSpot records the event at the time it receives it',
        'line 7  track "Viewed"',
        "        nothing sent: track needs a contact: properties.email, context.traits.email, or HubSpot's visitor token in context.hubspot.utk",
        'line 8  identify <grace@example.com>',
        '        upsert contact grace@example.com {"lastname": "Hopper"}',
        '',
        '# 7 events: 6 requests, 2 rejected, 1 bad line',
        '',
      ].join('\n'),
    )
    const json = await cli(['send', '-', '--dry-run', '--json'], { input: lines(ADA, PAGE), env: { HUBSPOT_PORTAL_ID: '123' }, cwd: dir })
    expect(json.code).toBe(0)
    expect(jsonLines(json.stdout)).toEqual([
      { line: 1, type: 'identify', requests: [{ kind: 'upsertContact', email: 'ada@example.com', properties: { firstname: 'Ada', plan: 'pro' } }], rejected: null, notes: [] },
      { line: 2, type: 'page', requests: [], rejected: "page has no HubSpot API from a server: page views come from HubSpot's tracking code in the browser", notes: [] },
    ])
    expect(double.stats.calls).toBe(0)
    expect(readdirSync(dir)).toEqual(['events.ndjson'])
  })

  it('says which variable is missing, and never prints the token', async () => {
    const dir = fresh()
    const input = join(dir, 'events.ndjson')
    writeFileSync(input, MIXED)
    const missing = await cli(['send', input, '--portal-id', '1'])
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: "hubspot-destination: send needs a HubSpot private app's access token in the environment variable HUBSPOT_ACCESS_TOKEN (or --dry-run to send nothing)\nTry \"hubspot-destination --help\".\n",
    })
    // A token HubSpot refuses stops the run at the first answer, instead of rejecting every event.
    const wrong = await send(input, ['--json'], { env: { HUBSPOT_ACCESS_TOKEN: 'pat-na1-wrong-secret' } })
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('hubspot-destination: HubSpot refused the access token in HUBSPOT_ACCESS_TOKEN (401: ')
    expect(wrong.stdout + wrong.stderr).not.toContain('wrong-secret')
    expect(JSON.parse(wrong.stdout)).toMatchObject({ delivered: 0, stopped: 'token refused', notSent: 5 })
    expect(double.stats.unauthorized).toBeLessThanOrEqual(2)
    // The failed file has the mapping's rejections only; the contacts file what the identify said.
    expect(readdirSync(dir).sort()).toEqual(['events.ndjson', 'events.ndjson.contacts.json', 'events.ndjson.failed.ndjson'])
    expect(jsonLines(readFileSync(`${input}.failed.ndjson`, 'utf8')).map((event) => event.messageId)).toEqual(['m4', undefined])
  })

  it('reports bad lines by number and sends the rest; binary input sends nothing', async () => {
    const dir = fresh()
    const input = join(dir, 'bad.ndjson')
    writeFileSync(input, lines('{"type":"identify"', GRACE, '[]', '', '{"type":"login"}'))
    const ran = await send(input, ['--json'])
    expect(ran.code).toBe(1)
    expect(ran.stderr.split('\n').filter((line) => line.startsWith(input))).toEqual([
      expect.stringMatching(new RegExp(`^${input.replace(/[.\\/]/g, '\\$&')}:1: not JSON: `)),
      `${input}:3: not a JSON object (got an array)`,
      `${input}:5: unknown type "login" (expected one of page, screen, identify, track, group, alias)`,
    ])
    expect(JSON.parse(ran.stdout)).toMatchObject({ delivered: 1, badLines: 3, notSent: 0 })
    expect(double.state.contactByEmail('grace@example.com')).toBeDefined()

    const binary = join(dir, 'binary.ndjson')
    writeFileSync(binary, Buffer.from([0, 1, 2, 3, 10, 0]))
    const refused = await send(binary)
    expect(refused).toMatchObject({ code: 2, stdout: '' })
    expect(refused.stderr).toBe(`hubspot-destination: ${binary} looks binary (control bytes on line 1), not Segment events one JSON object a line\n`)
  })

  it('reads stdin for "-", with its files in the working directory', async () => {
    const dir = fresh()
    const ran = await send('-', [], { input: lines(ADA, PAGE), cwd: dir })
    expect(ran.code).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(['hubspot-failed.ndjson', 'hubspot-stdin.contacts.json', 'hubspot-stdin.delivered'])
    expect(ran.stdout).toContain('1 rejected or dead-lettered event written to hubspot-failed.ndjson; replay with: hubspot-destination send hubspot-failed.ndjson (same options)\n')
  })

  it('sends a file of several chunks, batching identifies (100 contacts a call)', async () => {
    const dir = fresh()
    const input = join(dir, 'people.ndjson')
    writeFileSync(input, lines(...Array.from({ length: 2_500 }, (_, i) => ({ type: 'identify', traits: { email: `p${i}@example.com`, firstname: `P${i}` } }))))
    const ran = await send(input, ['--json'])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({ delivered: 2_500, calls: 26, failed: null })
    expect(double.state.contacts).toHaveLength(2_500)
    expect(double.requests.filter((request) => request.path === '/crm/v3/objects/contacts/batch/upsert')).toHaveLength(25)
    expect(new Set(readFileSync(`${input}.delivered`, 'utf8').split('\n').filter(Boolean)).size).toBe(2_500)
    // Not a TTY: a line every tenth of the way, not one an event.
    expect(ran.stderr.split('\n').filter((line) => /^hubspot-destination: \d+% \(\d+\/2500 events\)/.test(line))).toHaveLength(10)
  })

  it('exits 3 when HubSpot says the daily limit is reached, and says so', async () => {
    const limited = await startHubSpotApiDouble({ dailyLimit: 2 })
    try {
      const dir = fresh()
      const input = join(dir, 'clicks.ndjson')
      writeFileSync(input, lines(...Array.from({ length: 5 }, (_, i) => ({ type: 'track', event: 'Clicked', messageId: `d${i}`, properties: { email: `d${i}@example.com` } }))))
      const ran = await cli(['send', input, '--portal-id', String(limited.portalId), '--base-url', limited.url], { env: { HUBSPOT_ACCESS_TOKEN: limited.token } })
      expect(ran.code).toBe(3)
      expect(ran.stdout).toMatch(/\nStopped: HubSpot's daily API limit is reached; 3 events not sent; run the same command again to resume once the limit resets\.\n$/)
      expect(limited.state.events).toHaveLength(2)
      expect(existsSync(`${input}.failed.ndjson`)).toBe(false)
    } finally {
      await limited.close()
    }
  })
})
