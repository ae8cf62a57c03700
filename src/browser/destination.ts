import { mapEvent, pagePath, type Mapping, type MappingState } from './commands'
import { grantsConsent, withdrawsConsent } from '../core/consent'
import type { FeatureContext, Features, SegmentAnalytics } from './features'
import { field } from '../core/flatten'
import { loadTrackingScript, type BrowserWindow } from './loader'
import { consoleLog, reason, type Log } from '../core/log'
import { MAX_HELD_COMMANDS, createQueue, ensureQueue, hubSpotLoaded, isHeld } from './queue'
import type { HubSpotSettings } from '../core/settings'
import type { HubSpotCommand, SegmentEvent } from '../core/types'
import { trackingScriptUrl } from './urls'

export interface DestinationOptions {
  /** The first page call never reaches this destination (analytics.js-integration swallows it for the classic). */
  pageSeen: boolean
  log?: Log
  /** Commands held while HubSpot's script is missing. */
  maxHeldCommands?: number
  /** The features this build has; a setting that needs another is not acted on. */
  features?: Features
}

const here = (win: BrowserWindow): string => win.location.pathname + win.location.search

/** The page the document was loaded at: where a tracker that ran before us recorded its automatic view. */
function landingPath(win: BrowserWindow): string {
  try {
    const url = new URL((win.performance.getEntriesByType('navigation')[0] as PerformanceEntry).name)
    return url.pathname + url.search
  } catch {
    return here(win)
  }
}

// What may go to `_hsq` before HubSpot's tracker runs: it applies these before its automatic first view.
const EARLY = new Set(['setPath', 'identify'])

// The Hub IDs a destination has loaded for on this page; a symbol shared by every copy of the package (npm, IIFE, CDN).
const LOADED = Symbol.for('hubspot-destination.loaded')
type WithLoaded = BrowserWindow & { [LOADED]?: Set<string> }

const REVOKE = ['revokeCookieConsent']

/** `localStorage`, which a sandboxed frame or a full disk may refuse: then nothing is remembered. */
function stored(win: BrowserWindow, key: string): string | null {
  try {
    return win.localStorage.getItem(key)
  } catch {
    return null
  }
}

function store(win: BrowserWindow, key: string, value: string | undefined): void {
  try {
    if (value === undefined) win.localStorage.removeItem(key)
    else win.localStorage.setItem(key, value)
  } catch {
    // Not remembered: a later page cannot lift the do-not-track this one set.
  }
}

/**
 * What both adapters share: scripts, consent, state and the queue, around the pure mapping (`mapEvent`).
 * Nothing here throws at the page: failures become log messages.
 */
export function createDestination(win: BrowserWindow, settings: HubSpotSettings, options: DestinationOptions) {
  const log = options.log ?? consoleLog
  const features = options.features ?? {}
  const warned = new Set<string>()
  const warn = (message: string): void => {
    if (!warned.has(message)) log.warn(message)
    warned.add(message)
  }
  const cap = options.maxHeldCommands ?? MAX_HELD_COMMANDS
  const queue = createQueue(win, warn, cap)
  let state: MappingState = { pageSeen: options.pageSeen }
  // The path of HubSpot's automatic first view once its tracker has run; undefined while that view is to come.
  let autoView: string | undefined
  let loaded = false
  // A second destination for the same Hub ID on the page stays off: HubSpot gets each call once.
  let off = false
  let scriptsRequested = false
  // The visitor took back a required category: HubSpot's tracker was told not to track. Remembered
  // across pages, as HubSpot's do-not-track cookie is, so that consent given on a later page lifts it.
  const WITHDRAWN = `hubspot-destination.withdrawn.${settings.portalId}`
  let withdrawn = stored(win, WITHDRAWN) === '1'
  // With `consentFromHubSpotBanner`: HubSpot's cookie banner's decision. Until it is made, what would
  // be sent waits (a hundred calls at most); a yes sends it, a no drops it.
  let banner: boolean | undefined
  let undecided: HubSpotCommand[][] = []
  let stopFeatures = (): void => {}
  let ready = Promise.resolve()

  function requestScripts(): void {
    scriptsRequested = true
    const script = loadTrackingScript(
      win,
      settings,
      () => warn(`HubSpot's script did not load${__DEV__ ? ' (blocked by an ad blocker or a content security policy, or offline)' : ''}: ${trackingScriptUrl(settings)}`),
      warn,
    )
    // Should HubSpot's tracker run without calling back (the page set a new `_hsq` after ours), what
    // waits still goes out once its script, or the page, has loaded.
    script?.addEventListener('load', queue.flushLater)
    win.addEventListener('load', queue.flushLater, { once: true })
    if (settings.loadFormsSdk && features.formsSdk) ready = features.formsSdk(win, settings, warn)
  }

  /** Loads HubSpot's scripts, once, when an event grants the consent they wait for. */
  function consentFrom(event: SegmentEvent): boolean {
    if (!loaded || scriptsRequested || !grantsConsent(event, settings.consentCategories)) return false
    requestScripts()
    // Taken back on an earlier page, given now: HubSpot's do-not-track cookie goes before its first view.
    if (withdrawn) setWithdrawn(false)
    return true
  }

  /** Tells HubSpot's tracker; before it has run, straight into `_hsq`, ahead of the view it records when it runs. */
  function tellTracker(command: HubSpotCommand): void {
    if (viewPending()) queue.early([command])
    else queue.push([command])
  }

  function setWithdrawn(value: boolean): void {
    withdrawn = value
    store(win, WITHDRAWN, value ? '1' : undefined)
    tellTracker(value ? ['doNotTrack'] : ['doNotTrack', { track: true }])
  }

  /** Asks HubSpot's cookie banner to remove HubSpot's cookies; until it reads `_hsp`, one request waiting there is enough. */
  function revokeCookies(): void {
    const privacy = ensureQueue(win, '_hsp', warn)
    if (!(isHeld(privacy) && privacy.includes(REVOKE))) privacy.push(REVOKE)
  }

  /**
   * Consent taken back after HubSpot's script was added stops HubSpot's tracker too (its do-not-track
   * cookie stops every beacon) and removes its cookies; consent given again lifts the do-not-track.
   */
  function followConsent(event: SegmentEvent): void {
    if (!scriptsRequested) return
    if (!withdrawn && withdrawsConsent(event, settings.consentCategories)) {
      setWithdrawn(true)
      revokeCookies()
    } else if (withdrawn && grantsConsent(event, settings.consentCategories)) setWithdrawn(false)
  }

  /** Whether HubSpot's automatic first view is still to come; learns it from `_hsq` when its callback was lost. */
  function viewPending(): boolean {
    if (autoView === undefined && hubSpotLoaded(win)) autoView = landingPath(win)
    return autoView === undefined
  }

  /** The mapping of a first page call once HubSpot's tracker has recorded its own view: a view unless it is that one. */
  function afterAutoView(event: SegmentEvent): Mapping {
    const path = pagePath(event) ?? here(win)
    const mapping = mapEvent(event, settings, { pageSeen: true }, features)
    // The path alone: a page may drop its query (utm_…) before HubSpot's script runs.
    return path.split('?')[0] === autoView!.split('?')[0]
      ? { commands: [], state: mapping.state, skipped: `${__DEV__ ? "HubSpot's script already recorded the view of" : 'viewed'} ${path}` }
      : mapping
  }

  function deliver(commands: HubSpotCommand[], early: boolean): void {
    if (!early) return queue.push(commands)
    // Only what the automatic view needs goes ahead of HubSpot's tracker; the rest waits, in order. A
    // trackPageView that follows an early identify (flushIdentifyImmediately) is that automatic view.
    queue.early(commands.filter((command) => EARLY.has(command[0])))
    queue.push(commands.filter((command) => !EARLY.has(command[0]) && command[0] !== 'trackPageView'))
  }

  return {
    settings,
    /** Sets up `_hsq` and, unless consent must come first, adds HubSpot's scripts. */
    load(analytics?: SegmentAnalytics): void {
      // Loaded again (the same plugin registered twice): nothing more to do.
      if (loaded) return
      loaded = true
      try {
        const portals = ((win as WithLoaded)[LOADED] ??= new Set())
        if (portals.has(settings.portalId)) {
          off = true
          return warn(
            `a second HubSpot destination for portal ${settings.portalId} ${__DEV__ ? '(the plugin registered twice, two hubspot(), or the plugin beside the classic integration) stays off, so HubSpot gets each call once' : 'stays off'}`,
          )
        }
        portals.add(settings.portalId)
        if (viewPending()) {
          // Without a setPath of ours, HubSpot's automatic view is of the page it runs on.
          queue.whenTrackerRuns(() => (autoView ??= here(win)))
          if (state.pageSeen) queue.early([['setPath', here(win)]])
        }
        if (!settings.consentCategories.length) requestScripts()
        // The features that run on the page: the visitor token, form submissions, HubSpot's cookie banner.
        const context: FeatureContext = {
          win,
          settings,
          analytics: analytics ?? {},
          push: queue.push,
          consented: (event) =>
            loaded && scriptsRequested && !withdrawn && (!settings.consentFromHubSpotBanner || banner === true) && (event === undefined || grantsConsent(event, settings.consentCategories)),
          allow: (allowed) => {
            banner = allowed
            const waiting = undecided
            undecided = []
            if (allowed) for (const commands of waiting) queue.push(commands)
          },
          log,
        }
        stopFeatures = features.attach?.(context) ?? stopFeatures
      } catch (error) {
        warn(`could not load HubSpot: ${reason(error)}`)
      }
    },
    /** The consent of a call that is not mapped: analytics.js-integration swallows the classic's first page call. */
    consent(event: SegmentEvent): void {
      try {
        if (off) return
        followConsent(event)
        consentFrom(event)
      } catch (error) {
        log.debug(`${__DEV__ ? 'could not read the consent' : 'consent'}: ${reason(error)}`)
      }
    },
    /** Resolves when the page can use what was asked for (the Forms SDK); never rejects. */
    ready: (): Promise<void> => ready,
    /** Maps one event and queues its commands; `type` overrides the event's own (the classic factory knows it). */
    handle(input: SegmentEvent, type?: string): void {
      if (off) return
      try {
        const event = type ? { ...input, type } : input
        const isPage = field(event, 'type') === 'page'
        followConsent(event)
        // Calls made before load() (the classic's, before initialize) map, but load nothing.
        // A page that loads the script is the view the script records itself.
        // Once consent loads the script, the next page call is the view it records itself.
        if (consentFrom(event)) state = { pageSeen: false }
        const first = isPage && !state.pageSeen
        const pending = viewPending()
        // Before the first page call, an identify may still ride on HubSpot's automatic view (a few at most).
        const early = pending && (first || (!state.pageSeen && !queue.waiting() && queue.ahead() < 10))
        const mapping = first && !pending ? afterAutoView(event) : mapEvent(event, settings, state, features)
        state = mapping.state
        if (mapping.skipped) log.debug(`not sent: ${mapping.skipped}`)
        for (const note of mapping.notes ?? []) log.debug(note)
        // With `consentFromHubSpotBanner`, nothing goes out before HubSpot's banner allows it (the page still counts as seen).
        if (settings.consentFromHubSpotBanner && banner !== true) {
          if (banner === undefined && undecided.length < 100) undecided.push(mapping.commands)
          else if (mapping.commands.length) log.debug(`not sent: ${__DEV__ ? "HubSpot's cookie banner has not allowed tracking" : 'no consent'}`)
          return
        }
        deliver(mapping.commands, early)
      } catch (error) {
        log.debug(`dropped an event: ${reason(error)}`)
      }
    },
    /** The destination is taken off the page (analytics.deregister): another one for this Hub ID may load. */
    unload(): void {
      if (loaded && !off) (win as WithLoaded)[LOADED]?.delete(settings.portalId)
      loaded = false
      stopFeatures()
    },
    /** `analytics.reset()`: the next person is a new visitor in HubSpot too. */
    reset(): void {
      if (off) return
      try {
        if (settings.resetVisitorOnReset) {
          // An identity that went ahead of the tracker must not reach its automatic view after a log-out.
          if (viewPending()) queue.withdrawIdentities()
          queue.push([['resetVisitor']])
        }
        if (settings.revokeCookiesOnReset) revokeCookies()
        // HubSpot's chat widget: the next visitor must not see this one's conversation (HubSpot's Conversations SDK).
        if (settings.resetVisitorOnReset && typeof win.HubSpotConversations?.clear === 'function') win.HubSpotConversations.clear({ resetWidget: true })
      } catch (error) {
        log.debug(`${__DEV__ ? 'could not reset the visitor in HubSpot' : 'reset'}: ${reason(error)}`)
      }
    },
  }
}

export type Destination = ReturnType<typeof createDestination>
