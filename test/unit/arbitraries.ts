/**
 * Arbitraries and checks shared by the fuzz tests (test/unit/fuzz.test.ts).
 *
 * Hostile inputs (cycles, throwing getters, Proxies, frozen objects) are generated as a
 * *plan*: plain data that fast-check can print and shrink. `build(plan)` turns a plan into
 * a fresh object graph for every run, and remembers what it did (proxy targets, getter
 * values) so that `safeView` can snapshot the graph without running a single getter or trap.
 */
import fc from 'fast-check'
import cloneDeep from 'lodash/cloneDeep'
import isEqual from 'lodash/isEqual'
import { normalizeKey } from '../../src/core/normalize'
import type { HubSpotOptions } from '../../src/core/settings'

// ---------------------------------------------------------------------------------------------
// Run configuration: a fixed seed; FC_SEED / FC_PATH replay a failure, FC_RUNS runs more.
// `npm test` runs 1,000 cases a property (a few seconds); `npm run test:fuzz`, which CI runs too, 10,000.

const DEFAULT_SEED = 20_240_611
const DEFAULT_RUNS = 1_000

function envInt(name: string): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const value = Number(raw)
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer; got ${JSON.stringify(raw)}`)
  return value
}

export const FC_SEED = envInt('FC_SEED') ?? DEFAULT_SEED
/** Cases for the pure core; the adapters run a stated fraction of it. */
export const FC_RUNS = Math.max(envInt('FC_RUNS') ?? DEFAULT_RUNS, 1)
export const FC_PATH = process.env.FC_PATH || undefined

/**
 * Runs a property with the shared seed; on failure throws fast-check's report (counterexample,
 * `seed` and `path`) plus the environment variables that replay exactly that case.
 */
export function runProperty<Ts>(property: fc.IProperty<Ts>, numRuns: number): void {
  const details = fc.check(property, { seed: FC_SEED, numRuns, path: FC_PATH })
  if (!details.failed) return
  const report = fc.defaultReportMessage(details) ?? 'property failed'
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
  throw new Error(
    `${cause}\n\n${report}\n\nseed: ${details.seed}, path: "${details.counterexamplePath ?? ''}"\n` +
      `Replay: FC_SEED=${details.seed} FC_PATH="${details.counterexamplePath ?? ''}" npx vitest run test/unit/fuzz.test.ts`,
  )
}

// ---------------------------------------------------------------------------------------------
// Plans

export type ProxyTrap =
  | 'none' // a transparent proxy
  | 'get'
  | 'ownKeys'
  | 'getOwnPropertyDescriptor'
  | 'has'
  | 'getPrototypeOf'
  | 'all'
  | 'revoked'

export type Special =
  | 'map'
  | 'set'
  | 'regexp'
  | 'error'
  | 'typedArray'
  | 'boxedString'
  | 'boxedNumber'
  | 'classInstance'
  | 'function'
  | 'symbol'
  | 'weakMap'
  | 'promise'
  | 'arguments'
  | 'fakeDate' // a plain object whose Symbol.toStringTag says "Date"
  | 'dateProtoObject' // Object.create(Date.prototype): `instanceof Date`, but no date inside
  | 'throwingTag' // a plain object whose Symbol.toStringTag getter throws
  | 'nullProtoDate' // a real Date whose prototype was removed

export interface Entry {
  key: string
  value: Plan
  as: 'data' | 'getter' | 'throwingGetter' | 'hidden'
}

export type Plan =
  | { kind: 'value'; value: unknown } // anything fast-check makes (JSON, fc.anything): cloned for each build
  | { kind: 'object'; entries: Entry[]; proto: 'object' | 'null' | 'class'; frozen: boolean }
  | { kind: 'array'; items: Plan[]; frozen: boolean } // `items` may be sparse
  | { kind: 'date'; time: number } // NaN: an invalid Date
  | { kind: 'cycle'; up: number } // a reference to an enclosing object
  | { kind: 'deep'; depth: number; key: string; arrays: boolean; leaf: Plan }
  | { kind: 'huge'; unit: string; length: number; wrap: string }
  | { kind: 'proxy'; trap: ProxyTrap; target: Plan }
  | { kind: 'special'; what: Special }
  | { kind: 'json'; text: string } // JSON.parse, the one way to get an own `__proto__` from data

/** What `build` did, so that the result can be snapshotted without touching getters or traps. */
export interface Built {
  value: unknown
  /** Proxy → its target. */
  proxies: WeakMap<object, object>
  /** Getter → the value it returns. */
  getters: WeakMap<Function, unknown>
  /** The graph has throwing getters, hostile proxies or spoofed tags: lodash cannot clone it. */
  hostile: boolean
  /** The graph has a cycle (Facade's constructor would recurse until the stack overflows). */
  cyclic: boolean
}

class Plain {
  a = 1
  b = 'two'
}

const boom = (): never => {
  throw new Error('hostile input: this getter throws')
}

export function build(plan: Plan): Built {
  const built: Built = { value: undefined, proxies: new WeakMap(), getters: new WeakMap(), hostile: false, cyclic: false }
  const ancestors: object[] = []

  function make(p: Plan): unknown {
    switch (p.kind) {
      case 'value':
        return cloneDeep(p.value)
      case 'json':
        return JSON.parse(p.text)
      case 'date':
        return new Date(p.time)
      case 'huge':
        return p.wrap + p.unit.repeat(Math.ceil(p.length / Math.max(p.unit.length, 1))) + p.wrap
      case 'cycle':
        if (ancestors.length === 0) return {}
        built.cyclic = true
        return ancestors[ancestors.length - 1 - (p.up % ancestors.length)]
      case 'deep': {
        const root: Record<string, unknown> | unknown[] = p.arrays ? [] : {}
        let node: Record<string, unknown> | unknown[] = root
        for (let i = 1; i < p.depth; i++) {
          const child: Record<string, unknown> | unknown[] = p.arrays && i % 2 === 0 ? [] : {}
          if (Array.isArray(node)) node.push(child)
          else Object.defineProperty(node, p.key, { value: child, enumerable: true, writable: true, configurable: true })
          node = child
        }
        ancestors.push(root)
        const leaf = make(p.leaf)
        ancestors.pop()
        if (Array.isArray(node)) node.push(leaf)
        else Object.defineProperty(node, p.key, { value: leaf, enumerable: true, writable: true, configurable: true })
        return root
      }
      case 'object': {
        const object: Record<string, unknown> =
          p.proto === 'null' ? Object.create(null) : p.proto === 'class' ? new Plain() : {}
        ancestors.push(object)
        for (const entry of p.entries) {
          const value = make(entry.value)
          if (entry.as === 'getter') {
            const get = () => value
            built.getters.set(get, value)
            Object.defineProperty(object, entry.key, { get, enumerable: true, configurable: true })
          } else if (entry.as === 'throwingGetter') {
            built.hostile = true
            Object.defineProperty(object, entry.key, { get: boom, enumerable: true, configurable: true })
          } else {
            // defineProperty, not assignment: `__proto__` becomes an own key, as JSON.parse makes it.
            Object.defineProperty(object, entry.key, {
              value,
              enumerable: entry.as !== 'hidden',
              writable: true,
              configurable: true,
            })
          }
        }
        ancestors.pop()
        if (p.frozen) Object.freeze(object)
        return object
      }
      case 'array': {
        const array: unknown[] = []
        ancestors.push(array)
        array.length = p.items.length
        for (let i = 0; i < p.items.length; i++) if (i in p.items) array[i] = make(p.items[i]!)
        ancestors.pop()
        if (p.frozen) Object.freeze(array)
        return array
      }
      case 'proxy': {
        const target = make(p.target)
        if (typeof target !== 'object' || target === null) return target
        let handler: ProxyHandler<object> = {}
        if (p.trap === 'all') {
          handler = Object.fromEntries(
            ['get', 'set', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'deleteProperty'].map(
              (trap) => [trap, boom],
            ),
          )
        } else if (p.trap !== 'none' && p.trap !== 'revoked') {
          handler = { [p.trap]: boom }
        }
        if (p.trap !== 'none') built.hostile = true
        if (p.trap === 'revoked') {
          const { proxy, revoke } = Proxy.revocable(target, {})
          revoke()
          built.proxies.set(proxy, target)
          return proxy
        }
        const proxy = new Proxy(target, handler)
        built.proxies.set(proxy, target)
        return proxy
      }
      case 'special':
        return makeSpecial(p.what)
    }
  }

  function makeSpecial(what: Special): unknown {
    switch (what) {
      case 'map':
        return new Map<unknown, unknown>([['email', 'map@example.com'], [1, { a: 1 }]])
      case 'set':
        return new Set(['a', 1])
      case 'regexp':
        return /hub(spot)?/gi
      case 'error':
        return new Error('an error as a value')
      case 'typedArray':
        return new Uint8Array([1, 2, 3])
      case 'boxedString':
        return new String('boxed')
      case 'boxedNumber':
        return new Number(42)
      case 'classInstance':
        return new Plain()
      case 'function':
        return function named() {
          return 'called'
        }
      case 'symbol':
        return Symbol('value')
      case 'weakMap':
        return new WeakMap()
      case 'promise':
        return Promise.resolve(1)
      case 'arguments':
        return (function (..._args: unknown[]) {
          // eslint-disable-next-line prefer-rest-params
          return arguments
        })(1, 'two')
      case 'fakeDate':
        built.hostile = true
        return { [Symbol.toStringTag]: 'Date', getTime: () => 0 }
      case 'dateProtoObject':
        built.hostile = true // lodash would treat it as a Date and copy it with `+value`
        return Object.create(Date.prototype) as object
      case 'throwingTag':
        built.hostile = true
        return Object.defineProperty({ a: 1 }, Symbol.toStringTag, { get: boom })
      case 'nullProtoDate':
        built.hostile = true // lodash's cloneDeep converts a Date with `+date`, which needs a prototype
        return Object.setPrototypeOf(new Date(0), null)
    }
  }

  built.value = make(plan)
  return built
}

// ---------------------------------------------------------------------------------------------
// Snapshots

/**
 * A structural snapshot of a value that runs no getter and no proxy trap: own keys (symbols too)
 * with their descriptors, prototype, extensibility and the internal state of Dates, Maps, Sets
 * and typed arrays. Cycles in the input are cycles in the snapshot, which lodash `isEqual` handles.
 */
export function safeView(built: Built, value: unknown = built.value, seen = new Map<object, unknown>()): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return value
  if (typeof value === 'function') return value // compared by identity
  if (seen.has(value)) return seen.get(value)
  const target = built.proxies.get(value)
  if (target) {
    const view: { proxyOf?: unknown } = {}
    seen.set(value, view)
    view.proxyOf = safeView(built, target, seen)
    return view
  }
  const view: Record<string, unknown> = {}
  seen.set(value, view)
  view.proto = Object.getPrototypeOf(value)
  view.extensible = Object.isExtensible(value)
  view.frozen = Object.isFrozen(value)
  let tag: string
  try {
    tag = Object.prototype.toString.call(value)
  } catch {
    tag = 'a Symbol.toStringTag getter that throws'
  }
  view.tag = tag
  if (value instanceof Date || tag === '[object Date]') {
    try {
      view.time = Date.prototype.getTime.call(value)
    } catch {
      view.time = 'not a date'
    }
  }
  if (value instanceof Map) view.entries = [...value].map(([k, v]) => [safeView(built, k, seen), safeView(built, v, seen)])
  if (value instanceof Set) view.entries = [...value].map((v) => safeView(built, v, seen))
  if (ArrayBuffer.isView(value)) view.bytes = Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
  view.props = Reflect.ownKeys(value).map((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!
    const shape: Record<string, unknown> = {
      key,
      enumerable: descriptor.enumerable,
      configurable: descriptor.configurable,
    }
    if ('value' in descriptor) {
      shape.writable = descriptor.writable
      shape.value = safeView(built, descriptor.value, seen)
    } else {
      shape.get = descriptor.get
      shape.set = descriptor.set
      if (descriptor.get && built.getters.has(descriptor.get)) shape.returns = safeView(built, built.getters.get(descriptor.get), seen)
    }
    return shape
  })
  return view
}

/**
 * A record of the input before a call, checked after it: the structural snapshot always, and
 * lodash `cloneDeep` + `isEqual` whenever lodash can read the graph (no throwing getter or trap).
 */
export function snapshot(built: Built): () => string | undefined {
  const view = safeView(built)
  // lodash judges only what it can copy faithfully: not a top-level WeakMap, Promise or function
  // (cloneDeep makes `{}` of them), nor an object with a hidden own `constructor` (isEqual reads it).
  let clone: { value: unknown } | undefined
  if (!built.hostile) {
    try {
      const copy = cloneDeep(built.value)
      if (isEqual(built.value, copy)) clone = { value: copy }
    } catch {
      clone = undefined
    }
  }
  return () => {
    if (!isEqual(safeView(built), view)) return 'the input changed (own keys, descriptors, prototype or frozen state)'
    if (clone && !isEqual(built.value, clone.value)) return 'the input is no longer deep-equal (lodash isEqual) to its cloneDeep snapshot'
    return undefined
  }
}

/** `Object.prototype` (and `Array.prototype`, for good measure): own keys and descriptors. */
export function prototypeSnapshot(): () => string | undefined {
  const take = (object: object) =>
    Reflect.ownKeys(object).map((key) => {
      const d = Object.getOwnPropertyDescriptor(object, key)!
      return [key, d.value, d.get, d.set, d.writable, d.enumerable, d.configurable]
    })
  const before = [take(Object.prototype), take(Array.prototype), Object.getPrototypeOf(Object.prototype)]
  return () => {
    const after = [take(Object.prototype), take(Array.prototype), Object.getPrototypeOf(Object.prototype)]
    if (after[0]!.length !== before[0]!.length || !isEqual(after, before)) return 'Object.prototype or Array.prototype changed'
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// What HubSpot may receive

export const COMMAND_NAMES = ['identify', 'setPath', 'trackPageView', 'trackEvent', 'trackCustomBehavioralEvent'] as const
const FORBIDDEN = ['__proto__', 'constructor', 'prototype']

function isPrimitive(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
}

/** A flat object of primitives whose keys are in normal form; returns a problem or `undefined`. */
export function checkProperties(payload: unknown, where: string): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return `${where} is not an object`
  const proto = Object.getPrototypeOf(payload)
  if (proto !== Object.prototype && proto !== null) return `${where} has an unexpected prototype`
  if (Object.getOwnPropertySymbols(payload).length > 0) return `${where} has symbol keys`
  for (const key of Object.getOwnPropertyNames(payload)) {
    const descriptor = Object.getOwnPropertyDescriptor(payload, key)!
    if (!('value' in descriptor)) return `${where}.${key} is an accessor`
    if (!descriptor.enumerable) return `${where}.${key} is not enumerable`
    if (FORBIDDEN.includes(key)) return `${where} has the forbidden key ${JSON.stringify(key)}`
    if (key === '' || key !== normalizeKey(key)) return `${where} has the key ${JSON.stringify(key)}, not in normal form`
    if (!isPrimitive(descriptor.value)) return `${where}.${key} is not a primitive: ${describeValue(descriptor.value)}`
  }
  return undefined
}

/** A command as HubSpot's queue takes it; returns a problem or `undefined`. */
export function checkCommand(command: unknown): string | undefined {
  if (!Array.isArray(command)) return `not an array: ${describeValue(command)}`
  const [name, ...args] = command
  switch (name) {
    case 'trackPageView':
    case 'resetVisitor':
      return args.length === 0 ? undefined : `${name} takes no arguments`
    case 'doNotTrack':
      // Consent taken back: ['doNotTrack']; given again: ['doNotTrack', { track: true }].
      return args.length === 0 || (args.length === 1 && isEqual(args[0], { track: true })) ? undefined : `doNotTrack takes nothing or { track: true }: ${describeValue(args)}`
    case 'setPath':
      return args.length === 1 && typeof args[0] === 'string' && args[0].startsWith('/')
        ? undefined
        : `setPath needs one path starting with "/": ${describeValue(args)}`
    case 'identify': {
      if (args.length !== 1) return 'identify takes one object'
      const problem = checkProperties(args[0], 'identify')
      if (problem) return problem
      const email = (args[0] as Record<string, unknown>).email
      return typeof email === 'string' && email.includes('@') ? undefined : 'identify without an email'
    }
    case 'trackEvent': {
      if (args.length !== 1) return 'trackEvent takes one object'
      const problem = checkProperties(args[0], 'trackEvent')
      if (problem) return problem
      const { id, value } = args[0] as Record<string, unknown>
      if (typeof id !== 'string') return 'trackEvent without a string id'
      // A value of 0 travels as '0': HubSpot's tracker would empty the number.
      return value === undefined || value === '0' || (typeof value === 'number' && Number.isFinite(value) && value !== 0)
        ? undefined
        : 'trackEvent value is not a finite number (or "0")'
    }
    case 'trackCustomBehavioralEvent': {
      if (args.length !== 1) return 'trackCustomBehavioralEvent takes one object'
      const payload = args[0]
      if (typeof payload !== 'object' || payload === null) return 'trackCustomBehavioralEvent payload is not an object'
      const keys = Object.keys(payload).sort()
      if (!isEqual(keys, ['name', 'properties'])) return `trackCustomBehavioralEvent payload has keys ${keys.join(',')}`
      const { name: eventName, properties } = payload as Record<string, unknown>
      if (typeof eventName !== 'string') return 'trackCustomBehavioralEvent without a string name'
      return checkProperties(properties, 'trackCustomBehavioralEvent.properties')
    }
    default:
      return `unknown command ${describeValue(name)}`
  }
}

export function checkCommands(commands: unknown): string | undefined {
  if (!Array.isArray(commands)) return 'commands is not an array'
  for (const command of commands) {
    const problem = checkCommand(command)
    if (problem) return problem
  }
  return undefined
}

export function describeValue(value: unknown): string {
  try {
    return fc.stringify(value).slice(0, 200)
  } catch {
    return typeof value
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Keys that matter to the mapping, keys that attack it, and any string at all. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(
    '__proto__', 'constructor', 'prototype', '__PROTO__', 'Constructor', 'PROTOTYPE', ' constructor', 'proto type',
    'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf',
    'email', 'Email', 'EMAIL', ' email', 'e.mail', 'id', 'Id', 'ID', '_id', 'value', 'Value', 'revenue', 'Revenue',
    'name', 'Name', 'firstName', 'first_name', 'FirstName', 'lastName', 'last_name', 'companyName', 'company',
    'address', 'Address', 'street', 'city', 'state', 'zip', 'postalCode', 'postal_code', 'country',
    'title', 'position', 'lifecycleStage', 'lifecycle_stage', 'path', 'search', 'plan', 'tier',
    'first name', 'First.Name', 'a b', 'a.b', 'a\tb', 'a\nb', 'a\r\nb', 'a\vb', 'a\fb', 'a\u00a0b', 'a\u2028b',
    '', ' ', '.', '..', '_', '0', '1', '-1', '1e3', '4294967295', 'length', 'İ', 'ẞ', 'Σ', 'ǅ', 'K',
  ) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '.', 'A', 'a', '_', 'İ', 'Σ', '\u00a0'), maxLength: 6 }) },
)

const trimmable = fc.string({
  unit: fc.constantFrom(' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u2028', '\u3000', '\u180e', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'),
  maxLength: 4,
})

const pad2 = (n: number) => String(n).padStart(2, '0')

/** ISO-8601 shaped strings: valid ones in every accepted form, and impossible ones. */
export const isoLikeArb: fc.Arbitrary<string> = fc.oneof(
  fc.date({ noInvalidDate: true, min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') }).chain((d) => {
    const iso = d.toISOString()
    return fc.constantFrom(iso, iso.slice(0, 10), iso.slice(0, 19), iso.slice(0, 16), iso.replace('Z', '+05:30'), iso.replace('Z', '-0800'), iso.replace('T', 't').replace('Z', 'z'))
  }),
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
    .map(([y, mo, d, h, mi]) => `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}${h % 2 ? '' : `T${pad2(h)}:${pad2(mi)}`}`),
)

export const stringArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 2, arbitrary: fc.tuple(trimmable, fc.string({ maxLength: 8 }), trimmable).map(([a, b, c]) => a + b + c) },
  { weight: 2, arbitrary: isoLikeArb },
  { weight: 1, arbitrary: fc.tuple(trimmable, isoLikeArb, trimmable).map(([a, b, c]) => a + b + c) },
  { weight: 2, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', 'undefined', 'NaN', '1e400', '__proto__', '/', '/path?x=1', '?q', 'a;b', 'Order Completed', 'pe62515_signed_up') },
)

const numberArb: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2, 1e21),
)

/** Specials that any code may meet; the `HOSTILE_SPECIALS` lie about what they are or throw. */
const TAME_SPECIALS: Special[] = [
  'map', 'set', 'regexp', 'error', 'typedArray', 'boxedString', 'boxedNumber', 'classInstance', 'function', 'symbol',
  'weakMap', 'promise', 'arguments', 'nullProtoDate',
]
const HOSTILE_SPECIALS: Special[] = ['fakeDate', 'dateProtoObject', 'throwingTag']

/** JSON text with own `__proto__` / `constructor` / `prototype` keys, as a parsed request body would have. */
const pollutingJsonArb: fc.Arbitrary<Plan> = fc
  .tuple(
    fc.constantFrom('__proto__', 'constructor', 'prototype'),
    fc.constantFrom('{"polluted":true}', '{"prototype":{"polluted":true}}', '"x"', '1', '[1,2]', 'null', '{"__proto__":{"polluted":true}}'),
    fc.jsonValue({ maxDepth: 1 }),
  )
  .map(([key, inner, other]) => ({ kind: 'json' as const, text: `{"a":${JSON.stringify(other)},"${key}":${inner},"email":"json@example.com"}` }))

const v = (value: unknown): Plan => ({ kind: 'value', value })

function objectPlan(fields: Array<[string, Plan | undefined]>, extra: Entry[], as: Entry['as'][], frozen: boolean): Plan {
  const entries: Entry[] = []
  fields.forEach(([key, value], i) => {
    if (value !== undefined) entries.push({ key, value, as: as[i % Math.max(as.length, 1)] ?? 'data' })
  })
  return { kind: 'object', entries: [...entries, ...extra], proto: 'object', frozen }
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 })
const proxyTrapArb = fc.constantFrom<ProxyTrap>('none', 'get', 'ownKeys', 'getOwnPropertyDescriptor', 'has', 'getPrototypeOf', 'all', 'revoked')

export const CONSENT_CATEGORIES = ['Advertising', 'Analytics', 'Functional'] as const
export const EVENT_TYPES = ['page', 'identify', 'track', 'group', 'alias'] as const

/**
 * The value and event arbitraries, in two temperaments. `tame`: any JSON and any built-in value
 * (Dates valid or not, Maps, typed arrays, sparse and frozen arrays, own `__proto__` keys, deep
 * nesting, huge strings, getters that work). `wild`: also cycles, getters that throw, Proxies
 * (transparent, throwing from any trap, revoked) and objects that lie about being a Date.
 * Events mix the two half and half, so that most inputs can still be snapshotted by lodash.
 */
function arbitraries(wild: boolean) {
  const leaf: fc.Arbitrary<Plan> = fc.oneof(
    { weight: 6, arbitrary: fc.oneof(stringArb, numberArb, fc.boolean(), fc.constantFrom(null, undefined), fc.bigInt()).map(v) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map(v) },
    {
      weight: 1,
      arbitrary: fc
        .anything({ maxDepth: 2, maxKeys: 4, key: keyArb, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true })
        .map(v),
    },
    { weight: 2, arbitrary: fc.oneof(fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15) }).map((d) => d.getTime()), fc.constant(NaN)).map((time) => ({ kind: 'date' as const, time })) },
    { weight: 1, arbitrary: fc.constantFrom(...TAME_SPECIALS, ...(wild ? HOSTILE_SPECIALS : [])).map((what) => ({ kind: 'special' as const, what })) },
    { weight: 1, arbitrary: pollutingJsonArb },
    {
      weight: 1,
      arbitrary: fc
        .record({ unit: fc.constantFrom('a', ' ', '\u200b', 'x.y ', 'é', '2020-01-01', '@'), length: fc.integer({ min: 1_000, max: 100_000 }), wrap: fc.constantFrom('', ' ', '\ufeff') })
        .map((h) => ({ kind: 'huge' as const, ...h })),
    },
  )

  // Mostly plain data: an event graph has dozens of entries, and one throwing getter anywhere
  // makes the whole input unreadable to lodash and to Facade.
  const entryAs: fc.Arbitrary<Entry['as']> = fc.oneof(
    { weight: 40, arbitrary: fc.constant('data' as const) },
    { weight: 1, arbitrary: fc.constant('getter' as const) },
    { weight: 1, arbitrary: fc.constant('hidden' as const) },
    ...(wild ? [{ weight: 1, arbitrary: fc.constant('throwingGetter' as const) }] : []),
  )

  const { plan } = fc.letrec<{ plan: Plan; object: Plan; array: Plan }>((tie) => ({
    plan: fc.oneof(
      { maxDepth: 4, depthIdentifier: wild ? 'wild' : 'tame', withCrossShrink: true },
      { weight: 5, arbitrary: leaf },
      { weight: 4, arbitrary: tie('object') },
      { weight: 2, arbitrary: tie('array') },
      {
        weight: 1,
        arbitrary: fc
          .record({ depth: fc.integer({ min: 5, max: 60 }), key: keyArb, arrays: fc.boolean(), leaf })
          .map((d) => ({ kind: 'deep' as const, ...d })),
      },
      ...(wild
        ? [
            { weight: 1, arbitrary: fc.nat({ max: 5 }).map((up): Plan => ({ kind: 'cycle', up })) },
            { weight: 1, arbitrary: fc.record({ trap: proxyTrapArb, target: tie('object') }).map((p): Plan => ({ kind: 'proxy', ...p })) },
          ]
        : []),
    ),
    object: fc
      .record({
        entries: fc.array(fc.record({ key: keyArb, value: tie('plan'), as: entryAs }), { maxLength: 6, depthIdentifier: wild ? 'wild' : 'tame' }),
        proto: fc.constantFrom<'object' | 'null' | 'class'>('object', 'object', 'object', 'object', 'null', 'class'),
        frozen: fc.boolean(),
      })
      .map((o) => ({ kind: 'object' as const, ...o })),
    array: fc
      .record({
        items: fc.oneof(
          fc.array(tie('plan'), { maxLength: 6, depthIdentifier: wild ? 'wild' : 'tame' }),
          fc.sparseArray(tie('plan'), { maxLength: 20, maxNumElements: 4, depthIdentifier: wild ? 'wild' : 'tame' }),
        ),
        frozen: fc.boolean(),
      })
      .map((a) => ({ kind: 'array' as const, ...a })),
  }))

  const fieldAs = fc.array(entryAs, { minLength: 1, maxLength: 8 })
  const extra = (maxLength: number) => fc.array(fc.record({ key: keyArb, value: plan, as: entryAs }), { maxLength })

  /** Traits as sites send them: the contact fields the aliases know, in all shapes, plus anything. */
  const traits: fc.Arbitrary<Plan> = fc
    .record({
      email: maybe(fc.oneof(fc.emailAddress().map(v), fc.tuple(trimmable, fc.emailAddress(), trimmable).map(([a, b, c]) => v(a + b + c)), plan)),
      firstName: maybe(fc.oneof(stringArb.map(v), plan)),
      name: maybe(fc.oneof(stringArb.map(v), plan)),
      address: maybe(fc.oneof(fc.record({ street: stringArb, city: stringArb, postalCode: fc.oneof(stringArb, numberArb), country: stringArb }).map(v), plan)),
      company: maybe(fc.oneof(fc.record({ name: stringArb, plan: stringArb }).map(v), stringArb.map(v), plan)),
      createdAt: maybe(fc.oneof(isoLikeArb.map(v), leaf)),
      id: maybe(fc.oneof(stringArb.map(v), numberArb.map(v))),
      as: fieldAs,
      extra: extra(3),
      frozen: fc.boolean(),
    })
    .map(({ as, extra, frozen, ...fields }) => objectPlan(Object.entries(fields), extra, as, frozen))

  const properties: fc.Arbitrary<Plan> = fc
    .record({
      id: maybe(fc.oneof(stringArb.map(v), numberArb.map(v), plan)),
      value: maybe(fc.oneof(numberArb.map(v), stringArb.map(v), plan)),
      revenue: maybe(fc.oneof(numberArb.map(v), stringArb.map(v))),
      path: maybe(fc.oneof(fc.webPath().map(v), stringArb.map(v), plan)),
      search: maybe(fc.oneof(fc.webQueryParameters().map((q) => v(`?${q}`)), stringArb.map(v))),
      plan: maybe(plan),
      as: fieldAs,
      extra: extra(3),
      frozen: fc.boolean(),
    })
    .map(({ as, extra, frozen, ...fields }) => objectPlan(Object.entries(fields), extra, as, frozen))

  const consent: fc.Arbitrary<Plan> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record({ categoryPreferences: fc.dictionary(fc.constantFrom(...CONSENT_CATEGORIES, 'advertising', 'Other'), fc.oneof(fc.boolean(), fc.constantFrom('true', 1, null))) })
        .map(v),
    },
    { weight: 1, arbitrary: plan },
  )

  const context: fc.Arbitrary<Plan> = fc
    .record({
      consent: maybe(consent),
      traits: maybe(traits),
      page: maybe(
        fc.oneof(
          fc.record({ path: fc.oneof(fc.webPath(), stringArb), search: fc.oneof(fc.constant(''), fc.webQueryParameters().map((q) => `?${q}`), stringArb) }).map(v),
          plan,
        ),
      ),
      as: fieldAs,
      extra: extra(3),
      frozen: fc.boolean(),
    })
    .map(({ as, extra, frozen, ...fields }) => objectPlan(Object.entries(fields), extra, as, frozen))

  const eventName: fc.Arbitrary<Plan> = fc.oneof(
    { weight: 6, arbitrary: fc.oneof(stringArb, fc.constantFrom('Signed Up', 'signed_up', 'signedUp', 'Order Completed', '  Spaced.Out  ', 'pe1_x')).map(v) },
    { weight: 2, arbitrary: plan }, // non-string names: numbers, objects, symbols, ...
  )

  /** One Segment event; `type` is mostly a real one, sometimes a name found on Object.prototype, sometimes anything. */
  const event: fc.Arbitrary<Plan> = fc
    .record({
      type: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...EVENT_TYPES).map(v) },
        { weight: 1, arbitrary: fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'screen', 'Page', '').map(v) },
        { weight: 1, arbitrary: plan },
      ),
      event: maybe(eventName),
      userId: maybe(fc.oneof(fc.emailAddress().map(v), stringArb.map(v), numberArb.map(v), plan)),
      anonymousId: maybe(stringArb.map(v)),
      traits: maybe(fc.oneof({ weight: 3, arbitrary: traits }, { weight: 1, arbitrary: plan })),
      properties: maybe(fc.oneof({ weight: 3, arbitrary: properties }, { weight: 1, arbitrary: plan })),
      context: maybe(fc.oneof({ weight: 3, arbitrary: context }, { weight: 1, arbitrary: plan })),
      as: fieldAs,
      extra: extra(2),
      frozen: fc.boolean(),
      proxy: wild ? fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: proxyTrapArb }) : fc.constant(undefined),
    })
    .map(({ as, extra, frozen, proxy, ...fields }): Plan => {
      const object = objectPlan(Object.entries(fields), extra, as, frozen)
      return proxy === undefined ? object : { kind: 'proxy', trap: proxy, target: object }
    })

  return { leaf, plan, traits, properties, event }
}

const tame = arbitraries(false)
const wild = arbitraries(true)

/** Any value, tame or wild. */
export const planArb: fc.Arbitrary<Plan> = fc.oneof(tame.plan, wild.plan)
export const traitsPlanArb: fc.Arbitrary<Plan> = fc.oneof(tame.traits, wild.traits)
export const propertiesPlanArb: fc.Arbitrary<Plan> = fc.oneof(tame.properties, wild.properties)
export const eventPlanArb: fc.Arbitrary<Plan> = fc.oneof(tame.event, wild.event)

/** Settings a site owner could validly write. */
export const validOptionsArb: fc.Arbitrary<HubSpotOptions> = fc.record(
  {
    portalId: fc.oneof(fc.stringMatching(/^[0-9]{1,12}$/), fc.nat(), fc.constant('62515')),
    loadFormsSdk: fc.constant(false), // the Forms SDK's 10 s wait is the loader tests' business
    enableEuropeanDataCenter: fc.boolean(),
    flushIdentifyImmediately: fc.boolean(),
    useCustomBehavioralEvents: fc.boolean(),
    formatCustomBehavioralEventNames: fc.boolean(),
    events: fc.dictionary(
      fc.oneof(fc.constantFrom('Signed Up', 'Order Completed', 'signedUp'), fc.string({ minLength: 1 }).filter((s) => s.trim() !== '')),
      fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
      { maxKeys: 3 },
    ),
    consentCategories: fc.oneof({ weight: 3, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.subarray([...CONSENT_CATEGORIES], { minLength: 1 }) }),
    revokeCookiesOnReset: fc.boolean(),
  },
  { requiredKeys: ['portalId'] },
)
