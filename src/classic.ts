import { createDestination, type Destination } from './destination'
import type { BrowserWindow } from './loader'
import { consoleLog } from './log'
import { hubSpotLoaded } from './queue'
import { DEFAULT_OPTIONS, parseSettings, unknownSettings } from './settings'

declare const require: (id: string) => unknown

interface Facade {
  /** The event as sent; `obj` has ISO strings already turned into Dates, invalid days rolled over. */
  raw?: Record<string, unknown>
  obj: Record<string, unknown>
}

interface ClassicIntegration {
  options: Record<string, unknown>
  analytics?: { on?: (event: string, listener: () => void) => unknown }
  destination?: Destination
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

const EVENT_TYPES = ['page', 'identify', 'track', 'group', 'alias'] as const

const page = (): BrowserWindow => window as BrowserWindow

/** The instance's destination, made from its options when first needed: calls may come before `initialize()`. */
function destinationOf(integration: ClassicIntegration): Destination {
  // The first page call never gets here: analytics.js-integration skips it (assumesPageview).
  return (integration.destination ??= createDestination(page(), parseSettings(integration.options), { pageSeen: true }))
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
      for (const warning of unknownSettings(this.options)) consoleLog.warn(warning)
      const destination = destinationOf(this)
      destination.load()
      this.analytics?.on?.('reset', () => destination.reset())
      // HubSpot's queue takes commands before its script loads, so only the Forms SDK is worth waiting for.
      if (this.options.loadFormsSdk === true || this.options.loadFormsSDK === true) void destination.ready().then(() => this.ready())
      else this.ready()
    },
    loaded(this: ClassicIntegration): boolean {
      const forms = this.options.loadFormsSdk === true || this.options.loadFormsSDK === true
      return hubSpotLoaded(page()) && (!forms || !!page().hbspt?.forms)
    },
  })
  for (const type of EVENT_TYPES) {
    Integration.prototype[type] = function (this: ClassicIntegration, facade: Facade) {
      try {
        destinationOf(this).handle(facade.raw ?? facade.obj, type)
      } catch (error) {
        consoleLog.debug(`not sent: ${error instanceof Error ? error.message : 'the settings could not be read'}`)
      }
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
export const HubSpot: IntegrationClass = /* @__PURE__ */ new Proxy(placeholder, {
  apply: (_target, thisArg, args) => Reflect.apply(real(), thisArg, args),
  construct: (_target, args) => Reflect.construct(real(), args),
  get: (target, key) => (hasWindow() ? Reflect.get(real(), key) : Reflect.get(target, key)),
  set: (_target, key, value) => Reflect.set(real(), key, value),
  has: (target, key) => (hasWindow() ? Reflect.has(real(), key) : Reflect.has(target, key)),
})
