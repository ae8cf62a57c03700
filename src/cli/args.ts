import { parseArgs } from 'node:util'
import { INITIAL_STATE, type MappingState } from '../browser/commands'
import { closestName } from '../core/closest-name'
import { HubSpotSettingsError, parseSettings, type HubSpotOptions, type HubSpotSettings } from '../core/settings'

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

export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'preview'; options: PreviewOptions }

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

export const HELP = `Usage: hubspot-destination preview [file] [options]

Prints the HubSpot commands (window._hsq) that Segment calls become, with the
same mapping the browser destination runs. Reads Segment events, one JSON
object a line, from file, or from standard input when file is missing or "-".

Options:
  --portal-id <digits>          portalId, your Hub ID (default ${DEFAULT_PORTAL_ID})
  --eu                          enableEuropeanDataCenter (region eu1)
  --region <na1|na2|eu1|ap1>    region: the HubSpot data centre of the scripts
  --forms-sdk                   loadFormsSdk
  --legacy-events               useCustomBehavioralEvents off: track becomes
                                HubSpot's deprecated trackEvent (by default it
                                becomes trackCustomBehavioralEvent)
  --no-format-event-names       formatCustomBehavioralEventNames off: send
                                custom behavioral event names as they are
  --flush-identify              flushIdentifyImmediately: identify is followed
                                by trackPageView
  --event <name>=<hubspot id>   events: send the Segment event <name> as this
                                HubSpot event (repeatable)
,  --map <field>=<path>          mappings: read email, userId, contactProperties,
                                eventProperties, eventName or pagePath from a
                                dotted path in the event (repeatable)
  --first-page-seen             the first page call is not the page's first
                                view (by default it sends only setPath: HubSpot's
                                script records that view itself)
  --json                        one JSON object a line:
                                {"line","type","commands","skipped","error"}
  -h, --help                    this help
  -v, --version                 the package version

Exit status: 0 when every line was a Segment event; 1 when a line was not
(not JSON, not an object, no known type), each reported on stderr with its
line number while the other lines still run; 2 for bad usage or settings.

Examples:
  hubspot-destination preview examples/events.ndjson
  hubspot-destination preview examples/events.ndjson --legacy-events --portal-id 123456
  echo '{"type":"track","event":"Signed Up"}' | hubspot-destination preview --json
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
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

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

/** The command line (without `node` and the script) as a command to run; throws `UsageError`. */
export function parseCommandLine(argv: readonly string[]): CliCommand {
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
  if (command === undefined) throw new UsageError('missing command: preview')
  if (command !== 'preview') throw new UsageError(`unknown command ${JSON.stringify(command)}; the command is preview`)
  if (files.length > 1) throw new UsageError(`preview reads one file; got ${files.length}: ${files.join(' ')}`)

  const options: HubSpotOptions = {
    portalId: values['portal-id'] ?? DEFAULT_PORTAL_ID,
    enableEuropeanDataCenter: values.eu ?? false,
    ...(values.region === undefined ? {} : { region: values.region as HubSpotOptions['region'] }),
    mappings: parsePairs(values.map ?? [], '--map', '<field>=<dotted path> (setting "mappings")'),
    loadFormsSdk: values['forms-sdk'] ?? false,
    useCustomBehavioralEvents: !values['legacy-events'],
    formatCustomBehavioralEventNames: !values['no-format-event-names'],
    flushIdentifyImmediately: values['flush-identify'] ?? false,
    events: parsePairs(values.event ?? [], '--event', '<segment event name>=<hubspot event id> (setting "events")'),
  }
  let settings: HubSpotSettings
  try {
    settings = parseSettings(options)
  } catch (error) {
    if (error instanceof HubSpotSettingsError) {
      const flag = FLAGS[error.setting]
      throw new UsageError(flag ? `${flag}: ${error.message}` : error.message)
    }
    throw error
  }
  const file = files[0] === '-' ? undefined : files[0]
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
