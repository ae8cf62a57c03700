// The demo page: the real analytics-next with the hubspot() plugin, and a log of what reached window._hsq.
// Bundled by demo/server.ts with esbuild; 'hubspot-destination' resolves to this package's dist/index.js.
import { AnalyticsBrowser, type Context } from '@segment/analytics-next'
import { VERSION, formsSdkUrl, parseSettings, trackingScriptUrl, type HubSpotOptions } from 'hubspot-destination'
// The demo's settings panel has the Forms SDK and legacy events: the plugin with every feature.
import { hubspot } from 'hubspot-destination/full'

type Command = unknown[]

/** The stand-in of HubSpot's two form kinds (test/fixtures/hubspot-form-events-stand-in.js). */
interface FormEvents {
  legacyForm(formId: string): { submit(values: Record<string, string>): void }
  newForm(formId: string): { submit(values: Record<string, string>): void }
}

interface LogEntry {
  id: number
  /** The call as a developer writes it. */
  call: string
  type: string
  commands: Command[]
  /** Why nothing was sent, as the destination says it (its debug messages). */
  notes: string[]
  /** A settings change rather than a call. */
  divider?: boolean
}

const STORAGE_KEY = 'hubspot-destination-demo-log'
const MAX_ENTRIES = 200

// ---------------------------------------------------------------------------
// 1. Capture every command that reaches window._hsq, before anything else runs.
//    Before HubSpot's script runs, _hsq is a plain array: a Proxy records each new element
//    and still looks like the plain array to the destination (Array.isArray, Array.prototype.push).
//    When the script takes _hsq over (its own `push` on the same array, or an object of its own),
//    that push is wrapped. Functions in the queue (the destination's callback) are not commands.
// ---------------------------------------------------------------------------
const captured: Command[] = []
const win = window as unknown as Record<string, unknown>

function record(command: unknown): void {
  if (Array.isArray(command)) captured.push(JSON.parse(JSON.stringify(command)) as Command)
}

/** HubSpot's push, recording each command before HubSpot runs (and writes into) it. */
function recording(push: (...items: unknown[]) => unknown) {
  return function (this: unknown, ...items: unknown[]) {
    for (const item of items) record(item)
    return push.apply(this, items)
  }
}

function capture(queue: unknown): unknown {
  if (Array.isArray(queue)) {
    for (const item of queue) record(item)
    return new Proxy(queue, {
      set(target, key, value, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key) && Number(key) >= target.length) record(value)
        if (key === 'push' && typeof value === 'function') return Reflect.set(target, key, recording(value), receiver)
        return Reflect.set(target, key, value, receiver)
      },
    })
  }
  if (typeof queue === 'object' && queue !== null && typeof (queue as { push?: unknown }).push === 'function') {
    const target = queue as { push: (...items: unknown[]) => unknown }
    target.push = recording(target.push)
  }
  return queue
}

let hsq: unknown = capture(win._hsq)
Object.defineProperty(window, '_hsq', {
  configurable: true,
  get: () => hsq,
  set: (value: unknown) => {
    hsq = capture(value)
  },
})

// The destination explains what it does not send in debug messages; keep them for the log.
const notes: string[] = []
const debug = console.debug.bind(console)
console.debug = (...args: unknown[]) => {
  const text = args.map(String).join(' ')
  const match = /^\[hubspot-destination\] (?:not sent: )?(.*)$/s.exec(text)
  if (match) notes.push(match[1]!)
  debug(...args)
}

// ---------------------------------------------------------------------------
// 2. Settings, from the query string.
// ---------------------------------------------------------------------------
const $ = <T extends Element = HTMLElement>(selector: string): T => {
  const element = document.querySelector<T>(selector)
  if (!element) throw new Error(`missing ${selector}`)
  return element
}

const FLAGS = [
  'enableEuropeanDataCenter',
  'loadFormsSdk',
  'useCustomBehavioralEvents',
  'formatCustomBehavioralEventNames',
  'flushIdentifyImmediately',
  'trackFormSubmissions',
  'attachUserToken',
] as const

function parseEventLines(text: string): Record<string, string> {
  const events: Record<string, string> = {}
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const at = line.lastIndexOf('=')
    if (at < 0) throw new Error(`Events: "${line.trim()}" needs the form "Segment event = HubSpot event"`)
    events[line.slice(0, at).trim()] = line.slice(at + 1).trim()
  }
  return events
}

function optionsFrom(params: URLSearchParams): { options: HubSpotOptions; eventsText: string } {
  const flag = (name: string, fallback: boolean) => (params.has(name) ? params.get(name) === '1' : fallback)
  const eventsText = params.get('events') ?? ''
  return {
    eventsText,
    options: {
      portalId: params.get('portalId') ?? '62515',
      enableEuropeanDataCenter: flag('enableEuropeanDataCenter', false),
      loadFormsSdk: flag('loadFormsSdk', false),
      useCustomBehavioralEvents: flag('useCustomBehavioralEvents', true),
      formatCustomBehavioralEventNames: flag('formatCustomBehavioralEventNames', true),
      flushIdentifyImmediately: flag('flushIdentifyImmediately', false),
      trackFormSubmissions: flag('trackFormSubmissions', true),
      attachUserToken: flag('attachUserToken', false),
      // The demo form's other field: sent to Segment only because it is listed here.
      formFields: ['company'],
      events: parseEventLines(eventsText),
    },
  }
}

// How a flag that differs from its default is named in the summary.
const CHANGED: Record<(typeof FLAGS)[number], [boolean, string]> = {
  enableEuropeanDataCenter: [false, 'enableEuropeanDataCenter'],
  loadFormsSdk: [false, 'loadFormsSdk'],
  useCustomBehavioralEvents: [true, 'legacy trackEvent'],
  formatCustomBehavioralEventNames: [true, 'names unformatted'],
  flushIdentifyImmediately: [false, 'flushIdentifyImmediately'],
  trackFormSubmissions: [true, 'form submissions not tracked'],
  attachUserToken: [false, 'attachUserToken'],
}

function describeSettings(options: HubSpotOptions): string {
  const changed = FLAGS.filter((name) => (options[name] ?? CHANGED[name][0]) !== CHANGED[name][0]).map((name) => CHANGED[name][1])
  const mapped = Object.keys(options.events ?? {}).length
  return [`portal ${String(options.portalId)}`, ...changed, ...(mapped ? [`${mapped} mapped event${mapped > 1 ? 's' : ''}`] : [])].join(' · ')
}

// ---------------------------------------------------------------------------
// 3. The log: newest first, kept across reloads so a settings change can be compared.
// ---------------------------------------------------------------------------
const logList = $<HTMLOListElement>('#log')
let entries: LogEntry[] = []
try {
  entries = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]') as LogEntry[]
} catch {
  entries = []
}
let nextId = entries.reduce((max, entry) => Math.max(max, entry.id), 0) + 1

function element(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

function renderEntry(entry: LogEntry): HTMLElement {
  const item = element('li', entry.divider ? 'entry divider' : 'entry')
  item.dataset.type = entry.type
  if (entry.divider) {
    item.append(element('span', '', entry.call))
    return item
  }
  item.append(element('pre', 'call', entry.call))
  const commands = element('div', 'commands')
  if (entry.commands.length === 0) {
    commands.append(element('p', 'nothing', `nothing sent${entry.notes.length ? `: ${entry.notes.join('; ')}` : ''}`))
  }
  for (const command of entry.commands) {
    const name = String(command[0])
    const block = element('div', `command cmd-${name}`)
    block.dataset.command = JSON.stringify(command)
    block.append(element('span', 'name', name))
    const args = command.slice(1)
    if (args.length > 0) {
      block.append(
        element('pre', 'args', args.map((arg) => (typeof arg === 'string' ? JSON.stringify(arg) : JSON.stringify(arg, null, 2))).join(', ')),
      )
    }
    commands.append(block)
  }
  item.append(commands)
  return item
}

function addEntry(entry: Omit<LogEntry, 'id'>): void {
  const full = { ...entry, id: nextId++ }
  entries.unshift(full)
  entries.length = Math.min(entries.length, MAX_ENTRIES)
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(entries))
  const node = renderEntry(full)
  node.classList.add('fresh')
  logList.prepend(node)
}

for (const entry of entries) logList.append(renderEntry(entry))
$('#clear-log').addEventListener('click', () => {
  entries = []
  sessionStorage.removeItem(STORAGE_KEY)
  logList.replaceChildren()
})

// ---------------------------------------------------------------------------
// 4. Calls: one at a time, so each command belongs to the call that made it.
// ---------------------------------------------------------------------------
function code(value: unknown): string {
  return JSON.stringify(value, null, 2)
}

/** A Segment call a HubSpot form made, as it reached the destinations (HubSpot's is skipped for it). */
function showFormCall(ctx: Context): Context {
  const event = ctx.event
  if (event.integrations?.HubSpot === false) {
    const call = event.type === 'track' ? `analytics.track(${JSON.stringify(event.event)}, ${code(event.properties)})` : `analytics.identify(${code(event.traits)})`
    addEntry({ type: event.type, call: `HubSpot form → ${call}`, commands: [], notes: ['HubSpot already has the submission (integrations: { HubSpot: false, …})'] })
  }
  return ctx
}

let chain: Promise<unknown> = Promise.resolve()
function logCall(type: string, call: string, send: () => Promise<unknown>): Promise<void> {
  const run = chain.then(async () => {
    const fromCommand = captured.length
    const fromNote = notes.length
    await send()
    addEntry({ type, call, commands: captured.slice(fromCommand), notes: notes.slice(fromNote) })
  })
  chain = run.catch(() => {})
  return run
}

function readJson(form: HTMLFormElement, name: string): Record<string, unknown> | undefined {
  const error = form.querySelector<HTMLElement>('[data-error]')!
  const text = (form.elements.namedItem(name) as HTMLTextAreaElement).value
  try {
    const value = text.trim() === '' ? {} : (JSON.parse(text) as unknown)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('must be a JSON object')
    error.hidden = true
    return value as Record<string, unknown>
  } catch (problem) {
    error.textContent = `${name}: ${(problem as Error).message}`
    error.hidden = false
    return undefined
  }
}

const field = (form: HTMLFormElement, name: string): string => (form.elements.namedItem(name) as HTMLInputElement).value
const checked = (form: HTMLFormElement, name: string): boolean => (form.elements.namedItem(name) as HTMLInputElement).checked

const IDENTIFY_TRAITS = {
  firstName: 'Ada',
  last_name: 'Lovelace',
  'Favorite Color': 'green',
  'plan.tier': 'enterprise',
  createdAt: '2024-03-01T12:30:00Z',
  trialEnds: '2024-04-01',
  company: { name: 'Analytical Engines', employees: 120 },
  address: { street: "12 St James's Square", city: 'London', postalCode: 'SW1Y 4JH', country: 'UK' },
  interests: ['analytics', 'engines'],
  isPaying: true,
  nickname: '  Ada  ',
}

const TRACK_PROPERTIES = {
  'Plan Name': 'Enterprise',
  'previous.plan': 'pro',
  id: 'order-1001',
  revenue: 499,
  billing: { cycle: 'annual' },
  renewsOn: '2025-03-01',
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search)
  const settingsForm = $<HTMLFormElement>('#settings-form')
  const settingsError = settingsForm.querySelector<HTMLElement>('[data-error]')!

  let options: HubSpotOptions
  let eventsText: string
  try {
    ;({ options, eventsText } = optionsFrom(params))
  } catch (problem) {
    settingsError.textContent = (problem as Error).message
    settingsError.hidden = false
    ;({ options, eventsText } = optionsFrom(new URLSearchParams()))
  }

  // Fill the forms.
  ;(settingsForm.elements.namedItem('portalId') as HTMLInputElement).value = String(options.portalId)
  for (const name of FLAGS) (settingsForm.elements.namedItem(name) as HTMLInputElement).checked = Boolean(options[name])
  ;(settingsForm.elements.namedItem('events') as HTMLTextAreaElement).value = eventsText
  ;(document.querySelector('#identify-form textarea[name=traits]') as HTMLTextAreaElement).value = code(IDENTIFY_TRAITS)
  ;(document.querySelector('#track-form textarea[name=properties]') as HTMLTextAreaElement).value = code(TRACK_PROPERTIES)
  $('#track-mode').textContent = options.useCustomBehavioralEvents
    ? '→ trackCustomBehavioralEvent'
    : "→ trackEvent (legacy: HubSpot says it no longer works)"
  $('#status-settings').textContent = `hubspot-destination ${VERSION} · ${describeSettings(options)}`

  settingsForm.addEventListener('input', () => {
    settingsError.hidden = true
  })
  settingsForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const next = new URLSearchParams()
    // As typed: surrounding spaces are the error the destination should show, not something to hide.
    next.set('portalId', field(settingsForm, 'portalId'))
    for (const name of FLAGS) next.set(name, checked(settingsForm, name) ? '1' : '0')
    const events = field(settingsForm, 'events')
    if (events.trim() !== '') next.set('events', events)
    try {
      parseSettings(optionsFrom(next).options)
    } catch (problem) {
      settingsError.textContent = (problem as Error).message
      settingsError.hidden = false
      return
    }
    addEntry({ type: 'settings', call: `destination reloaded: ${describeSettings(optionsFrom(next).options)}`, commands: [], notes: [], divider: true })
    location.search = next.toString()
  })

  let settings
  try {
    // The strict check: hubspot() itself would only log the error and stay off.
    settings = parseSettings(options)
  } catch (problem) {
    settingsError.textContent = (problem as Error).message
    settingsError.hidden = false
    $('#status-analytics').textContent = 'analytics-next: not loaded (fix the settings)'
    $('#status-analytics').className = 'bad'
    $('#status-hubspot').textContent = 'HubSpot script (stand-in): not loaded (fix the settings)'
    $('#status-hubspot').className = 'bad'
    // The call forms stay on the page, and must not reload it with the settings lost.
    for (const form of Array.from(document.querySelectorAll<HTMLFormElement>('form:not(#settings-form)'))) {
      form.addEventListener('submit', (event) => event.preventDefault())
      for (const button of Array.from(form.querySelectorAll('button'))) button.disabled = true
    }
    document.body.dataset.ready = 'true'
    return
  }
  const plugin = hubspot(options)

  // HubSpot's script, as the page's own embed code would add it: the destination sees it and adds no second one.
  const standIn = `/stand-in/${settings.portalId}.js`
  $('#stand-in-url').textContent = standIn
  $('#script-urls').textContent = `The destination would load ${trackingScriptUrl(settings)}${
    settings.loadFormsSdk ? ` and ${formsSdkUrl(settings)}` : ''
  }; this page serves stand-ins instead.`
  if (settings.loadFormsSdk) {
    // Present before the plugin loads, so the destination finds window.hbspt.forms and fetches nothing.
    await new Promise<void>((resolve, reject) => {
      const forms = document.createElement('script')
      forms.src = '/stand-in/forms/v2.js'
      forms.onload = () => resolve()
      forms.onerror = () => reject(new Error('Forms SDK stand-in did not load'))
      document.head.append(forms)
    })
  }
  // The stand-in's beacons go to this server, which answers them: nothing leaves the machine.
  Object.assign(window, { __hubspotStandIn: { beaconOrigin: `${location.origin}/stand-in/track` } })
  // Embed code in the page's <head> has usually run by the time the page has loaded.
  if (document.readyState !== 'complete') await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }))
  const tracking = document.createElement('script')
  tracking.id = 'hs-script-loader'
  tracking.async = true
  tracking.src = standIn
  // Loaded before analytics, as embed code in the page's <head> usually is: HubSpot records the landing view itself.
  await new Promise<void>((resolve) => {
    tracking.onload = tracking.onerror = () => resolve()
    document.head.append(tracking)
  })
  const takenOver = (hsq as { push?: unknown } | undefined)?.push !== Array.prototype.push
  $('#status-hubspot').textContent = `HubSpot script (stand-in): loaded, _hsq ${takenOver ? 'taken over' : 'still an array'}`
  $('#status-hubspot').className = takenOver ? 'good' : 'bad'

  // HubSpot form submissions come back as Segment calls: this destination shows each in the log, as
  // Segment (and every destination but HubSpot, which already has the submission) receives it.
  const formCalls = {
    name: 'Demo log of HubSpot form calls',
    type: 'destination' as const,
    version: VERSION,
    isLoaded: () => true,
    load: () => Promise.resolve(),
    track: (ctx: Context) => showFormCall(ctx),
    identify: (ctx: Context) => showFormCall(ctx),
  }
  const [analytics] = await AnalyticsBrowser.load(
    { writeKey: 'demo-write-key', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'demo-write-key' } } }, plugins: [plugin, formCalls] },
    { integrations: { 'Segment.io': false } },
  )
  Object.assign(window, { analytics })
  $('#status-analytics').textContent = `analytics-next ${analytics.VERSION}: loaded with hubspot()`
  $('#status-analytics').className = 'good'

  // As the Segment snippet does on every page load.
  await logCall('page', 'analytics.page()  // on load, as the snippet does', () => analytics.page())

  $<HTMLFormElement>('#page-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const name = field(form, 'name')
    const properties = { path: field(form, 'path'), search: field(form, 'search') }
    void logCall('page', `analytics.page(${JSON.stringify(name)}, ${code(properties)})`, () => analytics.page(name, properties))
  })

  $<HTMLFormElement>('#identify-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const traits = readJson(form, 'traits')
    if (!traits) return
    const email = field(form, 'email')
    const userId = field(form, 'userId')
    const all: Record<string, unknown> = { ...(email ? { email } : {}), ...traits }
    let shown = code(all)
    if (checked(form, 'withDate')) {
      const now = new Date()
      all.lastSeen = now
      const lastSeen = `"lastSeen": new Date(${JSON.stringify(now.toISOString())})`
      shown = shown === '{}' ? `{\n  ${lastSeen}\n}` : `${shown.slice(0, -2)},\n  ${lastSeen}\n}`
    }
    const call = userId ? `analytics.identify(${JSON.stringify(userId)}, ${shown})` : `analytics.identify(${shown})`
    void logCall('identify', call, () => (userId ? analytics.identify(userId, all) : analytics.identify(all)))
  })

  $('#send-reset').addEventListener('click', () => {
    void logCall('reset', 'analytics.reset()', async () => {
      analytics.reset()
    })
  })

  $<HTMLFormElement>('#track-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const properties = readJson(form, 'properties')
    if (!properties) return
    const name = field(form, 'event')
    const email = field($<HTMLFormElement>('#identify-form'), 'email') || 'ada@example.com'
    const extra = checked(form, 'withContactEmail') ? { context: { traits: { email, firstName: 'Ada' } } } : undefined
    const call = `analytics.track(${JSON.stringify(name)}, ${code(properties)}${extra ? `, ${code(extra)}` : ''})`
    void logCall('track', call, () => analytics.track(name, properties, extra))
  })

  $<HTMLFormElement>('#hubspot-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const kind = (event as SubmitEvent).submitter?.id === 'submit-new-form' ? 'new' : 'legacy'
    const values = { email: field(form, 'email'), company: field(form, 'company'), password: field(form, 'password') }
    const formEvents = (window as unknown as { __hubspotFormEvents: FormEvents }).__hubspotFormEvents
    // A new form names its fields with the object type (contacts: 0-1).
    const submitted = kind === 'new' ? Object.fromEntries(Object.entries(values).map(([name, value]) => [`0-1/${name}`, value])) : values
    addEntry({ type: 'form', call: `a visitor submits the HubSpot form (${kind === 'new' ? 'new forms' : 'legacy embed'} stand-in): ${code(submitted)}`, commands: [], notes: [], divider: true })
    ;(kind === 'new' ? formEvents.newForm('demo-new-form') : formEvents.legacyForm('demo-legacy-form')).submit(submitted)
  })

  $<HTMLFormElement>('#group-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const groupId = field(form, 'groupId')
    const traits = { name: field(form, 'name') }
    void logCall('group', `analytics.group(${JSON.stringify(groupId)}, ${code(traits)})`, () => analytics.group(groupId, traits))
  })

  document.body.dataset.ready = 'true'
}

main().catch((problem: unknown) => {
  const status = $('#status-analytics')
  status.textContent = `demo failed: ${problem instanceof Error ? problem.message : String(problem)}`
  status.className = 'bad'
  throw problem
})
