import type { AnalyticsBrowserSettings } from '@segment/analytics-next'
import { createDestination, type Destination } from './destination'
import type { SegmentAnalytics } from './features'
import { formsReady } from './forms'
import { ALL_FEATURES } from './full'
import type { BrowserWindow } from './loader'
import { consoleLog, reason, reportBadSettings } from '../core/log'
import { hubSpotLoaded } from './queue'
import { DEFAULT_OPTIONS, parseSettings, unknownSettings } from '../core/settings'

declare const require: (id: string) => unknown

interface Facade {
  /** The event as sent; `obj` has ISO strings already turned into Dates, invalid days rolled over. */
  raw?: Record<string, unknown>
  obj: Record<string, unknown>
}

interface ClassicIntegration {
  options: Record<string, unknown>
  page(facade: Facade): unknown
  analytics?: { on?: (event: string, listener: () => void) => unknown }
  destination?: Destination
  /** Why the settings can't be used, once that is known: HubSpot stays off. */
  badSettings?: string
  loading?: boolean
  ready(): void
}

type IntegrationClass = {
  (...args: unknown[]): unknown
  new (options?: unknown): ClassicIntegration
  prototype: Record<string, unknown>
  option(name: string, value: unknown): IntegrationClass
  global(name: string): IntegrationClass
  assumesPageview(): IntegrationClass
}

/** What analytics-next's `classicIntegrations` takes, from its public types. */
type ClassicIntegrationSource = NonNullable<AnalyticsBrowserSettings['classicIntegrations']>[number]

/** The classic integration: an analytics.js-integration class that `classicIntegrations` accepts as it is. */
export type HubSpotIntegration = IntegrationClass & ClassicIntegrationSource

const EVENT_TYPES = ['page', 'identify', 'track', 'group', 'alias'] as const

/** The event as sent; `obj` has ISO strings already turned into Dates, invalid days rolled over. A facade that throws is no event. */
function eventOf(facade: Facade): Record<string, unknown> {
  try {
    return facade.raw ?? facade.obj
  } catch {
    return {}
  }
}

const page = (): BrowserWindow => window as BrowserWindow

/** The instance's destination, made from its options when first needed (calls may come before `initialize()`); none with bad settings. */
function destinationOf(integration: ClassicIntegration): Destination | undefined {
  if (integration.destination || integration.badSettings !== undefined) return integration.destination
  try {
    // The first page call never gets here: analytics.js-integration skips it (assumesPageview).
    return (integration.destination = createDestination(page(), parseSettings(integration.options), { pageSeen: true, features: ALL_FEATURES }))
  } catch (error) {
    integration.badSettings = reason(error)
    return undefined
  }
}

function defineIntegration(): IntegrationClass {
  // Required here, not imported: the factory reads `window` when its module runs,
  // which would break server-side rendering at import time.
  const createIntegration = require('@segment/analytics.js-integration') as (name: string) => IntegrationClass
  // Segment's classic HubSpot integration declared `portalId` with a null default.
  const Integration = createIntegration('HubSpot').assumesPageview().global('_hsq').global('hbspt').option('portalId', null)
  for (const [name, value] of Object.entries(DEFAULT_OPTIONS)) Integration.option(name, value)

  Object.assign(Integration.prototype, {
    initialize(this: ClassicIntegration): void {
      // analytics.js may initialize again (on a later page call): the first one already signals ready.
      if (this.loading) return
      this.loading = true
      const destination = destinationOf(this)
      if (!destination) {
        // Settings from Segment's CDN can be wrong too: HubSpot off, loudly; analytics.ready() still resolves.
        reportBadSettings(this.badSettings!)
        return this.ready()
      }
      if (__DEV__) for (const warning of unknownSettings(this.options)) consoleLog.warn(warning)
      destination.load(this.analytics as SegmentAnalytics | undefined)
      // analytics.js-integration swallows the first page call (assumesPageview), but the consent it carries counts.
      const swallowing = this.page
      this.page = function (this: ClassicIntegration, facade: Facade) {
        destination.consent(eventOf(facade))
        return swallowing.call(this, facade)
      }
      this.analytics?.on?.('reset', () => destination.reset())
      // HubSpot's queue takes commands before its script loads, so only the Forms SDK is worth waiting for.
      if (destination.settings.loadFormsSdk) void destination.ready().then(() => this.ready())
      else this.ready()
    },
    loaded(this: ClassicIntegration): boolean {
      return hubSpotLoaded(page()) && (!destinationOf(this)?.settings.loadFormsSdk || formsReady(page()))
    },
  })
  for (const type of EVENT_TYPES) {
    Integration.prototype[type] = function (this: ClassicIntegration, facade: Facade) {
      const destination = destinationOf(this)
      if (!destination) return consoleLog.debug(`not sent: ${this.badSettings}`)
      destination.handle(eventOf(facade), type)
    }
  }
  return Integration
}

let integration: IntegrationClass | undefined
const real = (): IntegrationClass => (integration ??= defineIntegration())
const hasWindow = (): boolean => typeof window !== 'undefined'

const placeholder = function HubSpot() {} as unknown as IntegrationClass

/**
 * The classic analytics.js integration, built with `@segment/analytics.js-integration`
 * on first use, so importing this module on a server is harmless.
 */
export const HubSpot: HubSpotIntegration = /* @__PURE__ */ new Proxy(placeholder as HubSpotIntegration, {
  apply: (_target, thisArg, args) => Reflect.apply(real(), thisArg, args),
  construct: (_target, args) => Reflect.construct(real(), args),
  get: (target, key) => (hasWindow() ? Reflect.get(real(), key) : Reflect.get(target, key)),
  // Without a window (a server), a property set on the export stays on it rather than half-building the factory.
  set: (target, key, value) => (hasWindow() ? Reflect.set(real(), key, value) : Reflect.set(target, key, value)),
  has: (target, key) => (hasWindow() ? Reflect.has(real(), key) : Reflect.has(target, key)),
})
