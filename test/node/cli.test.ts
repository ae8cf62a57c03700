import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { HELP, UsageError, parseCommandLine } from '../../src/cli/args'
import { compact, describeCall, formatCommand, formatJson } from '../../src/cli/format'
import { createPreview, parseEventLine } from '../../src/cli/preview'
import { parseSettings } from '../../src/core/settings'

const root = fileURLToPath(new URL('../../', import.meta.url))
const CLI = 'dist/cli.js'
const EXAMPLES = 'examples/events.ndjson'

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

function cli(args: string[], input?: string): Ran {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: root, input, encoding: 'utf8' })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function jsonLines(text: string): unknown[] {
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)
}

beforeAll(() => {
  // The command as it ships, built from the current sources (`npm ci && npm test` has no build step).
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/tsup/dist/cli-default.js', import.meta.url)), '--config', 'tsup.cli.config.ts', '--silent'], {
    cwd: root,
    stdio: 'pipe',
  })
}, 60_000)

const expectedNotJson = (text: string): string => {
  try {
    JSON.parse(text)
  } catch (error) {
    return `not JSON: ${(error as Error).message}`
  }
  throw new Error(`${text} is JSON`)
}

// What each line of examples/events.ndjson becomes with the default settings (portal 62515).
const EXAMPLE_COMMANDS: Array<[line: number, commands: unknown[], skipped: string | null]> = [
  [1, [['setPath', '/']], null],
  [2, [['setPath', '/pricing?plan=pro'], ['trackPageView']], null],
  [3, [['setPath', '/docs/start?ref=nav'], ['trackPageView']], null],
  [4, [['trackPageView']], null],
  [5, [['identify', { email: 'ada@example.com', id: 'user-42', plan: 'pro' }]], null],
  [6, [['identify', { email: 'grace@example.com', id: 'grace@example.com', plan: 'free' }]], null],
  [7, [], 'identify needs an email (traits.email, or a userId that is one)'],
  [8, [['identify', { email: 'ada@example.com', favorite_color: 'green', plan_tier: 'pro', tab_key: 'tab', line_break: 'newline' }]], null],
  [9, [['identify', { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' }]], null],
  [10, [['identify', { email: 'grace@example.com', name: 'Grace Brewster Hopper', firstname: 'Grace', lastname: 'Brewster Hopper' }]], null],
  [11, [['identify', { email: 'ada@example.com', company: 'Analytical Engines', company_industry: 'Computing', company_employees: 120 }]], null],
  [12, [['identify', { email: 'ada@example.com', company: 'Analytical Engines' }]], null],
  [
    13,
    [['identify', { email: 'ada@example.com', address: "12 St James's Square", city: 'London', state: 'Greater London', zip: 'SW1Y 4JH', country: 'UK' }]],
    null,
  ],
  [14, [['identify', { email: 'ada@example.com', jobtitle: 'Analyst', lifecyclestage: 'customer', zip: '94107' }]], null],
  [15, [['identify', { email: 'grace@example.com', jobtitle: 'Rear Admiral', lifecyclestage: 'lead', firstname: 'Grace', lastname: 'Hopper' }]], null],
  [
    16,
    [
      [
        'identify',
        {
          email: 'ada@example.com',
          trialends: Date.UTC(2024, 3, 1),
          createdat: Date.UTC(2024, 2, 1, 12, 30),
          lastlogin: Date.UTC(2024, 2, 15, 8, 30),
          firstseen: Date.UTC(2024, 2, 15, 9, 30),
        },
      ],
    ],
    null,
  ],
  [17, [['identify', { email: 'ada@example.com', nickname: 'Ada', bio: '' }]], null],
  [18, [['identify', { email: 'ada@example.com', seats: 25, mrr: 499.5, ispaying: true, optedout: false }]], null],
  [
    19,
    [['identify', { email: 'ada@example.com', plan_tier: 'pro', plan_limits_seats: 25, l1_l2_l3_l4_l5_l6: '5 levels below the top: kept' }]],
    null,
  ],
  [20, [['identify', { email: 'ada@example.com', interests: 'analytics;engines;3;true' }]], null],
  [21, [['identify', { email: 'ada@example.com', plan_tier: 'from "plan_tier", already in normal form' }]], null],
  [22, [['identify', { email: 'ada@example.com', safe: 'kept' }]], null],
  [
    23,
    [['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: { plan_name: 'Pro', id: 'order-1001', revenue: 99.5, signupdate: Date.UTC(2024, 2, 1) } }]],
    null,
  ],
  [24, [['trackCustomBehavioralEvent', { name: 'pe62515_quote_requested', properties: { value: 'about ten', revenue: 12, contact_method: 'phone' } }]], null],
  [25, [['trackCustomBehavioralEvent', { name: 'pe62515_video_played_full_screen', properties: { value: 30, revenue: 4.5 } }]], null],
  [
    26,
    [
      ['identify', { email: 'ada@example.com', id: 'user-42', firstname: 'Ada' }],
      ['trackCustomBehavioralEvent', { name: 'pe62515_demo_booked', properties: { slot: Date.UTC(2024, 2, 20, 15) } }],
    ],
    null,
  ],
  [27, [], 'track needs an event name'],
  [28, [], "group needs HubSpot's server-side Companies API"],
  [29, [], 'alias has no HubSpot tracking command'],
  [30, [], 'no HubSpot command for a "screen" call'],
  [31, [['trackCustomBehavioralEvent', { name: 'pe62515_cart_viewed', properties: { items: '0', gift: 'false', total: 12.5 } }]], null],
  [32, [['trackCustomBehavioralEvent', { name: 'pe62515_cafe_visited', properties: {} }]], null],
  [33, [], `event name "日本語" has nothing HubSpot's internal names can hold (a-z, 0-9, _): map it with the "events" setting`],
]

describe('preview: the command line', () => {
  it("defaults to portal 62515, stdin, human output and a first page that only sets the automatic view's path", () => {
    const command = parseCommandLine(['preview'])
    expect(command.kind).toBe('preview')
    if (command.kind !== 'preview') return
    expect(command.options.file).toBeUndefined()
    expect(command.options.json).toBe(false)
    expect(command.options.state).toEqual({ pageSeen: false })
    expect(command.options.settings).toEqual(parseSettings({ portalId: '62515' }))
  })

  it('turns each option into its setting', () => {
    const command = parseCommandLine([
      'preview',
      'events.ndjson',
      '--portal-id',
      '123456',
      '--eu',
      '--forms-sdk',
      '--legacy-events',
      '--no-format-event-names',
      '--flush-identify',
      '--event',
      'Signed Up=pe123456_signup',
      '--event=Order Completed=000123',
      '--first-page-seen',
      '--json',
    ])
    if (command.kind !== 'preview') throw new Error(command.kind)
    expect(command.options.file).toBe('events.ndjson')
    expect(command.options.json).toBe(true)
    expect(command.options.state).toEqual({ pageSeen: true })
    expect(command.options.settings).toEqual(
      parseSettings({
        portalId: '123456',
        enableEuropeanDataCenter: true,
        loadFormsSdk: true,
        useCustomBehavioralEvents: false,
        formatCustomBehavioralEventNames: false,
        flushIdentifyImmediately: true,
        events: { 'Signed Up': 'pe123456_signup', 'Order Completed': '000123' },
      }),
    )
  })

  it('reads stdin for "-"', () => {
    const command = parseCommandLine(['preview', '-', '--json'])
    expect(command.kind === 'preview' && command.options.file).toBeUndefined()
  })

  it('answers --help, -h, help and --version', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' })
    expect(parseCommandLine(['preview', '-h'])).toEqual({ kind: 'help' })
    expect(parseCommandLine(['help'])).toEqual({ kind: 'help' })
    expect(parseCommandLine(['-v'])).toEqual({ kind: 'version' })
  })

  it.each([
    [['preview', '--portal-id', 'abc'], '--portal-id: HubSpot setting "portalId" must be your Hub ID, digits only (like "62515"); got "abc"'],
    [['preview', '--event', 'Signed Up'], '--event "Signed Up": expected <segment event name>=<hubspot event id> (setting "events")'],
    [[], 'missing command: preview or send'],
    [['show'], 'unknown command "show"; the commands are preview and send'],
    [['preview', 'a.ndjson', 'b.ndjson'], 'preview reads one file; got 2: a.ndjson b.ndjson'],
  ])('rejects %j with a message that names the option', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(new UsageError(message))
  })

  it.each([
    [['preview', '--portalid', '1'], 'unknown option --portalid; did you mean --portal-id?'],
    [['preview', '--custom-events'], 'unknown option --custom-events; did you mean --custom-behavioral-events?'],
    [['preview', '--portal-id'], '--portal-id needs a value'],
    [['preview', '--eu=1'], '--eu takes no value'],
  ])("%j: a short message instead of parseArgs' own, with the option most likely meant", (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(new UsageError(message))
  })

  it('names the setting when --event maps to nothing', () => {
    expect(() => parseCommandLine(['preview', '--event', 'Signed Up='])).toThrow(/^--event: HubSpot setting "events" /)
  })
})

describe('preview: lines', () => {
  it.each([
    ['{"type":"track"', expectedNotJson('{"type":"track"')],
    ['[1,2]', 'not a JSON object (got an array)'],
    ['"track"', 'not a JSON object (got a string)'],
    ['null', 'not a JSON object (got null)'],
    ['{"event":"Signed Up"}', 'no "type" (expected one of page, screen, identify, track, group, alias)'],
    ['{"type":7}', '"type" is a number (expected one of page, screen, identify, track, group, alias)'],
    ['{"type":"Track"}', 'unknown type "Track" (expected one of page, screen, identify, track, group, alias)'],
  ])('reports %s as a bad line: %s', (text, error) => {
    expect(parseEventLine(text)).toEqual({ error, type: text === '{"type":"Track"}' ? 'Track' : null })
  })

  it('carries "first page seen" from line to line', () => {
    const preview = createPreview(parseSettings({ portalId: '62515' }), { pageSeen: false })
    expect(preview.line('{"type":"page","properties":{"path":"/a"}}', 1)?.commands).toEqual([['setPath', '/a']])
    expect(preview.line('{"type":"page","properties":{"path":"/b"}}', 2)?.commands).toEqual([['setPath', '/b'], ['trackPageView']])
  })

  it('skips blank lines and a byte-order mark, and keeps going after a bad line', () => {
    const preview = createPreview(parseSettings({ portalId: '62515' }), { pageSeen: true })
    expect(preview.line('   ', 1)).toBeUndefined()
    expect(preview.line('{oops', 2)?.error).toBe(expectedNotJson('{oops'))
    expect(preview.line('\uFEFF{"type":"track","event":"A"}', 1)).toEqual({
      line: 1,
      type: 'track',
      event: { type: 'track', event: 'A' },
      commands: [['trackCustomBehavioralEvent', { name: 'pe62515_a', properties: {} }]],
      skipped: null,
      error: null,
    })
  })
})

describe('preview: output', () => {
  it('prints a command compactly when it fits, one property a line when it does not', () => {
    expect(formatCommand(['setPath', '/a'])).toBe('        _hsq.push(["setPath", "/a"])')
    expect(compact(['identify', { email: 'a [ b', n: [1, true] }])).toBe('["identify", {"email": "a [ b", "n": [1, true]}]')
    const long = { email: 'ada@example.com', favorite_color: 'green', plan_tier: 'enterprise', company: 'Analytical Engines' }
    expect(formatCommand(['identify', long], '  ')).toBe(
      [
        '  _hsq.push(["identify", {',
        '    "email": "ada@example.com",',
        '    "favorite_color": "green",',
        '    "plan_tier": "enterprise",',
        '    "company": "Analytical Engines"',
        '  }])',
      ].join('\n'),
    )
  })

  it('describes each call by what identifies it', () => {
    expect(describeCall({ type: 'page', name: 'Pricing', properties: { path: '/pricing', search: '?plan=pro' } })).toBe('page "Pricing" /pricing?plan=pro')
    expect(describeCall({ type: 'identify', userId: 'u1', traits: { email: ' ada@example.com ' } })).toBe('identify userId "u1" <ada@example.com>')
    expect(describeCall({ type: 'track', event: 'Signed Up' })).toBe('track "Signed Up"')
    expect(describeCall({ type: 'group', groupId: 'acme' })).toBe('group "acme"')
    expect(describeCall({ type: 'alias', previousId: 'a1', userId: 'u1' })).toBe('alias "a1" → "u1"')
  })

  it('writes one JSON object with the same keys for every line', () => {
    expect(formatJson({ line: 3, type: 'track', event: {}, commands: [['trackEvent', { id: 'A' }]], skipped: null, error: null })).toBe(
      '{"line":3,"type":"track","commands":[["trackEvent",{"id":"A"}]],"skipped":null,"error":null}\n',
    )
  })
})

describe('hubspot-destination (the built command)', () => {
  it('starts with a shebang', () => {
    expect(readFileSync(new URL(`../../${CLI}`, import.meta.url), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
  })

  it('previews every line of examples/events.ndjson as the exact commands, in --json', () => {
    const { code, stdout, stderr } = cli(['preview', EXAMPLES, '--json'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = readFileSync(new URL(`../../${EXAMPLES}`, import.meta.url), 'utf8').trimEnd().split('\n')
    const types = lines.map((line) => (JSON.parse(line) as { type: string }).type)
    expect(jsonLines(stdout)).toEqual(
      EXAMPLE_COMMANDS.map(([line, commands, skipped]) => ({ line, type: types[line - 1], commands, skipped, error: null })),
    )
  })

  it('prints the human preview: settings, then each line, its call and its commands', () => {
    const input = [
      '{"type":"page","properties":{"path":"/"}}',
      '{"type":"page","name":"Pricing","properties":{"path":"/pricing","search":"?plan=pro"}}',
      '',
      '{"type":"identify","userId":"u1","traits":{"email":"ada@example.com","Favorite Color":"green"}}',
      '{"type":"track","event":"Signed Up","properties":{"revenue":9.5}}',
    ].join('\n')
    const { code, stdout, stderr } = cli(['preview', '--flush-identify'], input)
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toBe(
      [
        '# HubSpot portal 62515: https://js.hs-scripts.com/62515.js',
        '# track → trackCustomBehavioralEvent (names as pe62515_<event>); identify + trackPageView',
        '',
        'line 1  page /',
        '        _hsq.push(["setPath", "/"])',
        'line 2  page "Pricing" /pricing?plan=pro',
        '        _hsq.push(["setPath", "/pricing?plan=pro"])',
        '        _hsq.push(["trackPageView"])',
        'line 4  identify userId "u1" <ada@example.com>',
        '        _hsq.push(["identify", {"email": "ada@example.com", "id": "u1", "favorite_color": "green"}])',
        '        _hsq.push(["trackPageView"])',
        'line 5  track "Signed Up"',
        '        _hsq.push(["trackCustomBehavioralEvent", {',
        '          "name": "pe62515_signed_up",',
        '          "properties": {',
        '            "revenue": 9.5',
        '          }',
        '        }])',
        '',
        '# 4 events: 6 commands, 0 sent nothing, 0 bad lines',
        '',
      ].join('\n'),
    )
  })

  it('uses the settings: custom behavioral events, a mapped event, EU', () => {
    const input = '{"type":"track","event":"Signed Up"}\n{"type":"track","event":"Video Played.Full Screen","properties":{"id":"v1"}}\n'
    const { code, stdout } = cli(['preview', '-', '--json', '--eu', '--custom-behavioral-events', '--portal-id', '123', '--event', 'signed_up=pe123_signup'], input)
    expect(code).toBe(0)
    expect(jsonLines(stdout)).toEqual([
      { line: 1, type: 'track', commands: [['trackCustomBehavioralEvent', { name: 'pe123_signup', properties: {} }]], skipped: null, error: null },
      {
        line: 2,
        type: 'track',
        commands: [['trackCustomBehavioralEvent', { name: 'pe123_video_played_full_screen', properties: { id: 'v1' } }]],
        skipped: null,
        error: null,
      },
    ])
    const names = cli(['preview', '--json', '--custom-behavioral-events', '--no-format-event-names'], input)
    expect((jsonLines(names.stdout)[1] as { commands: unknown }).commands).toEqual([
      ['trackCustomBehavioralEvent', { name: 'Video Played.Full Screen', properties: { id: 'v1' } }],
    ])
    expect(cli(['preview', '--eu'], '').stdout.split('\n')[0]).toBe('# HubSpot portal 62515: https://js-eu1.hs-scripts.com/62515.js')
  })

  it('--region picks the data centre and --map reads fields from where the events keep them', () => {
    expect(cli(['preview', '--region', 'ap1'], '').stdout.split('\n')[0]).toBe('# HubSpot portal 62515: https://js-ap1.hs-scripts.com/62515.js')
    const bad = cli(['preview', '--region', 'evil.example'], '')
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, 'hubspot-destination: --region: HubSpot setting "region" must be one of na1, na2, eu1, ap1; got "evil.example"'])
    const input = '{"type":"identify","userId":"u1","traits":{"contact":{"email":"ada@example.com","phone":"1"}}}\n'
    const mapped = cli(['preview', '--json', '--map', 'email=traits.contact.email', '--map', 'contactProperties=traits.contact'], input)
    expect((jsonLines(mapped.stdout)[0] as { commands: unknown }).commands).toEqual([['identify', { email: 'ada@example.com', id: 'u1', phone: '1' }]])
    const wrong = cli(['preview', '--map', 'email'], '')
    expect([wrong.code, wrong.stderr.split('\n')[0]]).toEqual([2, 'hubspot-destination: --map "email": expected <field>=<dotted path> (setting "mappings")'])
  })

  it('stops at binary input with one message and exit 2, instead of one error a line of junk', () => {
    const { code, stdout, stderr } = cli(['preview', '-', '--json'], `\u0000\u0001\u0002junk\u0003\n`.repeat(50))
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe('hubspot-destination: stdin looks binary (control bytes on line 1), not Segment events one JSON object a line\n')
  })

  it('shows a control character in a bad line as an escape, never as the raw byte', () => {
    const { stderr } = cli(['preview', '-', '--json'], '\u0007{"type":"track","event":"Signed Up"}\n')
    expect(stderr).toContain('\\u0007')
    expect(stderr).not.toContain('\u0007')
  })

  it('starts with the first page already seen under --first-page-seen', () => {
    const { stdout } = cli(['preview', '--json', '--first-page-seen'], '{"type":"page","properties":{"path":"/a"}}')
    expect(jsonLines(stdout)).toEqual([{ line: 1, type: 'page', commands: [['setPath', '/a'], ['trackPageView']], skipped: null, error: null }])
  })

  it('reports each bad line on stderr with its line number and reason, runs the rest, and exits 1', () => {
    const input = ['{"type":"track","event":"A"}', 'not json', '[1]', '{"type":"purchase"}', '{"type":"track","event":"B"}'].join('\r\n')
    const { code, stdout, stderr } = cli(['preview', '--json'], input)
    expect(code).toBe(1)
    expect(stderr).toBe(
      [
        `stdin:2: ${expectedNotJson('not json')}`,
        'stdin:3: not a JSON object (got an array)',
        'stdin:4: unknown type "purchase" (expected one of page, screen, identify, track, group, alias)',
        '',
      ].join('\n'),
    )
    expect(jsonLines(stdout)).toEqual([
      { line: 1, type: 'track', commands: [['trackCustomBehavioralEvent', { name: 'pe62515_a', properties: {} }]], skipped: null, error: null },
      { line: 2, type: null, commands: [], skipped: null, error: expectedNotJson('not json') },
      { line: 3, type: null, commands: [], skipped: null, error: 'not a JSON object (got an array)' },
      { line: 4, type: 'purchase', commands: [], skipped: null, error: 'unknown type "purchase" (expected one of page, screen, identify, track, group, alias)' },
      { line: 5, type: 'track', commands: [['trackCustomBehavioralEvent', { name: 'pe62515_b', properties: {} }]], skipped: null, error: null },
    ])
  })

  it('names the file in a bad line report, and leaves bad lines out of the human output', () => {
    const { code, stdout, stderr } = cli(['preview', 'test/fixtures/hubspot-stand-in.js'])
    expect(code).toBe(1)
    expect(stderr.split('\n')[0]).toBe(`test/fixtures/hubspot-stand-in.js:1: ${expectedNotJson(readFileSync(new URL('../fixtures/hubspot-stand-in.js', import.meta.url), 'utf8').split('\n')[0]!)}`)
    expect(stdout).toMatch(/\n# 0 events: 0 commands, 0 sent nothing, \d+ bad lines\n$/)
  })

  it.each([
    [['preview', '--portal-id', '12a'], 'hubspot-destination: --portal-id: HubSpot setting "portalId" must be your Hub ID, digits only (like "62515"); got "12a"'],
    [['preview', '--event', 'nope'], 'hubspot-destination: --event "nope": expected <segment event name>=<hubspot event id> (setting "events")'],
    [['preview', 'no/such/file.ndjson'], "hubspot-destination: cannot read no/such/file.ndjson: ENOENT: no such file or directory, open 'no/such/file.ndjson'"],
    [['preview', 'examples'], 'hubspot-destination: cannot read examples: it is a directory'],
    [['frobnicate'], 'hubspot-destination: unknown command "frobnicate"; the commands are preview and send'],
  ])('exits 2 for bad usage or settings: %j', (args, message) => {
    const { code, stdout, stderr } = cli(args, '')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr.split('\n')[0]).toBe(message)
  })

  it('prints its help and version', () => {
    const help = cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toBe(HELP)
    const version = cli(['--version'])
    expect(version.stdout).toBe(`${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`)
  })
})
