import { parseArgs } from 'node:util'
import { INITIAL_STATE, type MappingState } from '../browser/commands'
import { closestName } from '../core/closest-name'
import { HubSpotSettingsError, parseSettings, type HubSpotOptions, type HubSpotSettings } from '../core/settings'
import { DEFAULT_BASE_URL } from '../server/client'

/** Bad command line or settings: exit code 2, and the message says which option. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** HubSpot's own demo portal, so that a preview works before anyone looks up their Hub ID. */
export const DEFAULT_PORTAL_ID = '62515'

export interface PreviewOptions {
  /** `undefined` reads standard input. */
  file: string | undefined
  json: boolean
  settings: HubSpotSettings
  state: MappingState
}

/** `hubspot-destination send`: Segment events to HubSpot's API (or, with `dryRun`, the requests printed). */
export interface SendOptions {
  /** `undefined` reads standard input. */
  file: string | undefined
  dryRun: boolean
  json: boolean
  /** The settings as given (createServerDestination parses them again) and as parsed. */
  hubspot: HubSpotOptions
  settings: HubSpotSettings
  /** HUBSPOT_ACCESS_TOKEN; `undefined` only with `dryRun`. Never printed. */
  accessToken: string | undefined
  /** --base-url, else HUBSPOT_API_BASE_URL, else HubSpot's (no trailing slash). */
  baseUrl: string
  rate: { max: number; intervalMs: number }
  /** Where the rejected and dead-lettered events go (NDJSON, replayable). */
  failed: string
  /** The ids of delivered events, one a line (a rerun skips them). */
  checkpoint: string
  /** userId → email learned from identify (a later group associates the contact). */
  contacts: string
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'preview'; options: PreviewOptions }
  | { kind: 'send'; options: SendOptions }

export const COMMANDS = ['preview', 'send'] as const

/** HubSpot's rate limit for most private apps, as --rate takes it. */
export const DEFAULT_RATE_TEXT = '100/10'
/** What send writes next to its input when reading standard input: in the working directory. */
export const STDIN_STEM = 'hubspot-stdin'
export const STDIN_FAILED = 'hubspot-failed.ndjson'
export const FAILED_SUFFIX = '.failed.ndjson'

// The option that sets each setting, so an error names what the user typed.
const FLAGS: Readonly<Record<string, string>> = {
  portalId: '--portal-id',
  enableEuropeanDataCenter: '--eu',
  region: '--region',
  mappings: '--map',
  loadFormsSdk: '--forms-sdk',
  useCustomBehavioralEvents: '--legacy-events',
  formatCustomBehavioralEventNames: '--no-format-event-names',
  flushIdentifyImmediately: '--flush-identify',
  events: '--event',
}

export const HELP = `Usage: hubspot-destination preview [file | -] [options]
       hubspot-destination send <file | -> [options]

preview prints the HubSpot commands (window._hsq) that Segment calls become,
with the same mapping the browser destination runs. send delivers Segment
events to HubSpot's API, as the server half (hubspot-destination/server) does:
contacts, behavioral events and companies, within HubSpot's rate limits. Both
read Segment events, one JSON object a line, from file, or from standard input
for "-" (preview also when file is missing).

Options of both:
  --portal-id <digits>          portalId, your Hub ID. preview: default ${DEFAULT_PORTAL_ID}.
                                send: required, here or in HUBSPOT_PORTAL_ID
                                (event names are pe<portal id>_<event>)
  --event <name>=<hubspot id>   events: send the Segment event <name> as this
                                HubSpot event (repeatable)
  --map <field>=<path>          mappings: read email, userId, contactProperties,
                                eventProperties, eventName or pagePath from a
                                dotted path in the event (repeatable)
  --no-format-event-names       formatCustomBehavioralEventNames off: send
                                custom behavioral event names as they are
  --json                        preview: one object a line,
                                  {"line","type","commands","skipped","error"}
                                send --dry-run: one object a line,
                                  {"line","type","requests","rejected","notes"}
                                send: the summary as one JSON object
  -h, --help                    this help
  -v, --version                 the package version

Options of preview:
  --eu                          enableEuropeanDataCenter (region eu1)
  --region <na1|na2|eu1|ap1>    region: the HubSpot data centre of the scripts
  --forms-sdk                   loadFormsSdk
  --legacy-events               useCustomBehavioralEvents off: track becomes
                                HubSpot's deprecated trackEvent (by default it
                                becomes trackCustomBehavioralEvent)
  --flush-identify              flushIdentifyImmediately: identify is followed
                                by trackPageView
  --first-page-seen             the first page call is not the page's first
                                view (by default it sends only setPath: HubSpot's
                                script records that view itself)

Options of send:
  --dry-run                     send nothing, need no token: print the requests
                                each event becomes (contacts known from an
                                earlier run count; no file is written)
  --base-url <url>              HubSpot's API (default HUBSPOT_API_BASE_URL,
                                else https://api.hubapi.com)
  --rate <calls>/<seconds>      at most this many API calls in any rolling
                                window (default ${DEFAULT_RATE_TEXT}, HubSpot's limit
                                for most private apps)
  --failed <path>               where the rejected and dead-lettered events go
                                (default <file>${FAILED_SUFFIX};
                                ${STDIN_FAILED} for stdin)
  --checkpoint <path>           the delivered events (default <file>.delivered;
                                ${STDIN_STEM}.delivered for stdin)
  --contacts <path>             the email each userId's identify gave, so that a
                                later group finds the contact (default
                                <file>.contacts.json;
                                ${STDIN_STEM}.contacts.json for stdin)

Environment (send): HUBSPOT_ACCESS_TOKEN, a private app's access token
(required unless --dry-run; never printed), HUBSPOT_PORTAL_ID,
HUBSPOT_API_BASE_URL.

How send runs: events go out in the file's order, batched where HubSpot batches
(up to 100 contacts a call), retried on 429, 5xx and network errors. Progress
goes to stderr (a bar on a terminal, else a line every tenth of the way), a
summary to stdout. Each event ends delivered, rejected (the mapping or HubSpot
said why) or dead-lettered (retries ran out, or it may have reached HubSpot and
is not sent again). The rejected and dead-lettered events are written to the
failed file as they were, one a line, with "_hubspotDestination":
{"outcome","reason","id","line"} added; send removes that field, so
"send <file>${FAILED_SUFFIX}" replays them (after a fix), sharing the checkpoint
and contacts of <file>. Each delivered event is added to the checkpoint as it is
delivered, by its messageId, or without one by its line number and a hash of
the line (a replayed event by the id it had). A later run of the same file
skips those and sends the rest again, rejected and dead-lettered ones included
(check HubSpot first for one that "may have been delivered"), so an interrupted
run resumes without sending a delivered event twice. Ctrl-C stops new calls and
lets those in flight finish (Ctrl-C again quits at once), then writes the
summary; the events it left unsent are not in the failed file: a rerun sends
them. HubSpot's daily limit stops the run the same way.

Exit status: preview: 0 when every line was a Segment event; 1 when a line was
not (not JSON, not an object, no known type), each reported on stderr with its
line number while the other lines still run; 2 for bad usage or settings.
send: 0 when every event was delivered or rejected; 1 when a line was bad or an
event was dead-lettered; 2 for bad usage or settings, a missing or refused
token, an input or file that can't be read or written; 3 when HubSpot's daily
API limit stopped the run (a rerun after it resets resumes); 130 when
interrupted (143 for SIGTERM).

Examples:
  hubspot-destination preview examples/events.ndjson
  hubspot-destination preview examples/events.ndjson --legacy-events --portal-id 123456
  echo '{"type":"track","event":"Signed Up"}' | hubspot-destination preview --json
  hubspot-destination send events.ndjson --portal-id 123456 --dry-run
  HUBSPOT_ACCESS_TOKEN=pat-... hubspot-destination send events.ndjson --portal-id 1234
  hubspot-destination send events.ndjson${FAILED_SUFFIX} --portal-id 123456
`

const OPTIONS = {
  'portal-id': { type: 'string' },
  eu: { type: 'boolean' },
  region: { type: 'string' },
  map: { type: 'string', multiple: true },
  'forms-sdk': { type: 'boolean' },
  'legacy-events': { type: 'boolean' },
  // The default since custom behavioral events replaced trackEvent; still accepted.
  'custom-behavioral-events': { type: 'boolean' },
  'no-format-event-names': { type: 'boolean' },
  'flush-identify': { type: 'boolean' },
  event: { type: 'string', multiple: true },
  'first-page-seen': { type: 'boolean' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'base-url': { type: 'string' },
  rate: { type: 'string' },
  failed: { type: 'string' },
  checkpoint: { type: 'string' },
  contacts: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

type OptionName = keyof typeof OPTIONS
/** Options of one command only: the other says so instead of ignoring them. */
const ONLY: Partial<Record<OptionName, (typeof COMMANDS)[number]>> = {
  eu: 'preview',
  region: 'preview',
  'forms-sdk': 'preview',
  'legacy-events': 'preview',
  'custom-behavioral-events': 'preview',
  'flush-identify': 'preview',
  'first-page-seen': 'preview',
  'dry-run': 'send',
  'base-url': 'send',
  rate: 'send',
  failed: 'send',
  checkpoint: 'send',
  contacts: 'send',
}

/** parseArgs's complaint, said shortly, with the option the user most likely meant. */
function usageMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? ''
  const code = (error as { code?: string }).code
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown option ${option}; did you mean --${closestName(option.replace(/^-+/, ''), Object.keys(OPTIONS))}?`
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return /does not take/.test(message) ? `${option} takes no value` : `${option} needs a value`
  return message.replace(/'/g, '')
}

/** `name=value` pairs of a repeatable option; the first for a name wins, as in parseSettings. */
function parsePairs(values: readonly string[], flag: string, expected: string): Record<string, string> {
  const pairs: Record<string, string> = {}
  for (const value of values) {
    const at = flag === '--map' ? value.indexOf('=') : value.lastIndexOf('=')
    if (at < 0) throw new UsageError(`${flag} ${JSON.stringify(value)}: expected ${expected}`)
    const name = value.slice(0, at)
    // The first mapping for a name wins, as in parseSettings.
    if (!Object.prototype.hasOwnProperty.call(pairs, name)) pairs[name] = value.slice(at + 1)
  }
  return pairs
}

function settingsOf(options: HubSpotOptions): HubSpotSettings {
  try {
    return parseSettings(options)
  } catch (error) {
    if (error instanceof HubSpotSettingsError) {
      const flag = FLAGS[error.setting]
      throw new UsageError(flag ? `${flag}: ${error.message}` : error.message)
    }
    throw error
  }
}

/** `<calls>/<seconds>`, like 100/10. */
export function parseRate(text: string, flag = '--rate'): { max: number; intervalMs: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*s?\s*$/.exec(text)
  const max = match ? Number(match[1]) : NaN
  const seconds = match ? Number(match[2]) : NaN
  if (!(max >= 1) || !Number.isSafeInteger(max) || !(seconds > 0)) {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected <calls>/<seconds> with at least 1 call in more than 0 s, like ${DEFAULT_RATE_TEXT}`)
  }
  return { max, intervalMs: seconds * 1000 }
}

/** An http(s) URL without a trailing slash. */
function parseBaseUrl(text: string, from: string): string {
  let url: URL | undefined
  try {
    url = new URL(text.trim())
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new UsageError(`${from}: expected an http(s) URL like ${DEFAULT_BASE_URL}; got ${JSON.stringify(text)}`)
  return url.href.replace(/\/+$/, '')
}

/** `x.ndjson.failed.ndjson` replays `x.ndjson`: it shares that file's checkpoint and contacts. */
export function stemOf(file: string | undefined): string {
  if (file === undefined) return STDIN_STEM
  let stem = file
  while (stem.endsWith(FAILED_SUFFIX) && stem.length > FAILED_SUFFIX.length) stem = stem.slice(0, -FAILED_SUFFIX.length)
  if (stem !== file) return stem
  // The failed file of standard input, next to where it was written.
  const slash = file.lastIndexOf('/')
  if (file.slice(slash + 1) === STDIN_FAILED) return file.slice(0, slash + 1) + STDIN_STEM
  return file
}

/** The files send reads and writes by default, from its input (see HELP). */
export function defaultPaths(file: string | undefined): { failed: string; checkpoint: string; contacts: string } {
  const stem = stemOf(file)
  return { failed: file === undefined ? STDIN_FAILED : `${file}${FAILED_SUFFIX}`, checkpoint: `${stem}.delivered`, contacts: `${stem}.contacts.json` }
}

type Env = Readonly<Record<string, string | undefined>>

/** The command line (without `node` and the script) as a command to run; throws `UsageError`. */
export function parseCommandLine(argv: readonly string[], env: Env = process.env): CliCommand {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    })
  } catch (error) {
    throw new UsageError(usageMessage(error))
  }
  const { values, positionals } = parsed
  if (values.help) return { kind: 'help' }
  if (values.version) return { kind: 'version' }
  const [command, ...files] = positionals
  if (command === 'help') return { kind: 'help' }
  if (command === undefined) throw new UsageError('missing command: preview or send')
  if (command !== 'preview' && command !== 'send') throw new UsageError(`unknown command ${JSON.stringify(command)}; the commands are preview and send`)
  for (const name of Object.keys(values) as OptionName[]) {
    const only = ONLY[name]
    if (only && only !== command && values[name] !== undefined) {
      throw new UsageError(
        only === 'send' ? `--${name} is an option of send, not preview` : `--${name} is an option of preview (the browser's scripts), not send`,
      )
    }
  }
  if (files.length > 1) throw new UsageError(`${command} reads one file; got ${files.length}: ${files.join(' ')}`)

  const mappings = parsePairs(values.map ?? [], '--map', '<field>=<dotted path> (setting "mappings")')
  const events = parsePairs(values.event ?? [], '--event', '<segment event name>=<hubspot event id> (setting "events")')
  const file = files[0] === '-' ? undefined : files[0]
  if (command === 'send') return { kind: 'send', options: sendOptions(values, file, files.length, mappings, events, env) }

  const options: HubSpotOptions = {
    portalId: values['portal-id'] ?? DEFAULT_PORTAL_ID,
    enableEuropeanDataCenter: values.eu ?? false,
    ...(values.region === undefined ? {} : { region: values.region as HubSpotOptions['region'] }),
    mappings,
    loadFormsSdk: values['forms-sdk'] ?? false,
    useCustomBehavioralEvents: !values['legacy-events'],
    formatCustomBehavioralEventNames: !values['no-format-event-names'],
    flushIdentifyImmediately: values['flush-identify'] ?? false,
    events,
  }
  const settings = settingsOf(options)
  return {
    kind: 'preview',
    options: {
      file,
      json: values.json ?? false,
      settings,
      state: values['first-page-seen'] ? { ...INITIAL_STATE, pageSeen: true } : { ...INITIAL_STATE },
    },
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>['values']

function sendOptions(values: Values, file: string | undefined, given: number, mappings: Record<string, string>, events: Record<string, string>, env: Env): SendOptions {
  if (given === 0) throw new UsageError('send needs a file of Segment events, or "-" for standard input')
  const fromEnv = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value ? value : undefined
  }
  const portalId = values['portal-id'] ?? fromEnv('HUBSPOT_PORTAL_ID')
  if (portalId === undefined) throw new UsageError('send needs your Hub ID: --portal-id <digits>, or HUBSPOT_PORTAL_ID')
  const hubspot: HubSpotOptions = { portalId, mappings, events, formatCustomBehavioralEventNames: !values['no-format-event-names'] }
  let settings: HubSpotSettings
  try {
    settings = settingsOf(hubspot)
  } catch (error) {
    // The Hub ID came from the environment: say so.
    if (error instanceof UsageError && values['portal-id'] === undefined) throw new UsageError(error.message.replace(/^--portal-id:/, 'HUBSPOT_PORTAL_ID:'))
    throw error
  }
  const dryRun = values['dry-run'] ?? false
  const accessToken = fromEnv('HUBSPOT_ACCESS_TOKEN')
  if (!dryRun && accessToken === undefined) {
    throw new UsageError("send needs a HubSpot private app's access token in the environment variable HUBSPOT_ACCESS_TOKEN (or --dry-run to send nothing)")
  }
  const baseUrl =
    values['base-url'] !== undefined
      ? parseBaseUrl(values['base-url'], '--base-url')
      : fromEnv('HUBSPOT_API_BASE_URL') !== undefined
        ? parseBaseUrl(fromEnv('HUBSPOT_API_BASE_URL')!, 'HUBSPOT_API_BASE_URL')
        : DEFAULT_BASE_URL
  const paths = defaultPaths(file)
  const path = (name: 'failed' | 'checkpoint' | 'contacts'): string => {
    const value = values[name]
    if (value === undefined) return paths[name]
    if (value.trim() === '') throw new UsageError(`--${name} needs a path`)
    return value
  }
  return {
    file,
    dryRun,
    json: values.json ?? false,
    hubspot,
    settings,
    accessToken: dryRun ? undefined : accessToken,
    baseUrl,
    rate: parseRate(values.rate ?? DEFAULT_RATE_TEXT),
    failed: path('failed'),
    checkpoint: path('checkpoint'),
    contacts: path('contacts'),
  }
}
