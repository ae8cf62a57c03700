import { afterEach, describe, expect, test, vi } from 'vitest'
import { MAX_HELD_COMMANDS, createQueue, ensureQueue, hubSpotLoaded, type HubSpotWindow } from '../../src/queue'
import type { HubSpotCommand } from '../../src/types'
import { hsq, page, resetPage } from './helpers'

afterEach(resetPage)

const event = (n: number): HubSpotCommand => ['trackEvent', { id: `event ${n}` }]

describe('hubSpotLoaded', () => {
  test('is false while _hsq is missing or still the plain array', () => {
    expect(hubSpotLoaded({})).toBe(false)
    expect(hubSpotLoaded({ _hsq: [] })).toBe(false)
    expect(hubSpotLoaded({ _hsq: [['trackPageView']] })).toBe(false)
  })

  test("is true once HubSpot's script has replaced _hsq with an object that has its own push", () => {
    expect(hubSpotLoaded({ _hsq: { push: () => 0 } })).toBe(true)
  })

  test('is false for values that cannot take commands', () => {
    for (const _hsq of [null, 'queue', 42, {}]) expect(hubSpotLoaded({ _hsq }), String(_hsq)).toBe(false)
  })
})

describe('ensureQueue', () => {
  test('creates an empty array when the global is missing', () => {
    const win: HubSpotWindow = {}
    expect(ensureQueue(win, '_hsq')).toBe(win._hsq)
    expect(win._hsq).toEqual([])
  })

  test('keeps the commands the page queued before', () => {
    const queued = [['setPath', '/from-the-page']]
    const win: HubSpotWindow = { _hsq: queued }
    expect(ensureQueue(win, '_hsq')).toBe(queued)
    expect(win._hsq).toEqual([['setPath', '/from-the-page']])
  })

  test("keeps HubSpot's loaded queue object", () => {
    const loaded = { push: () => 0 }
    const win: HubSpotWindow = { _hsp: loaded }
    expect(ensureQueue(win, '_hsp')).toBe(loaded)
  })

  test('refuses a global that cannot take commands', () => {
    expect(() => ensureQueue({ _hsq: 'queue' }, '_hsq')).toThrow('window._hsq is not a queue')
  })
})

describe('createQueue', () => {
  test('pushes commands on window._hsq in order, creating it when missing', () => {
    const push = createQueue(page(), () => {})
    push([['setPath', '/a'], ['trackPageView']])
    push([event(1)])
    expect(hsq()).toEqual([['setPath', '/a'], ['trackPageView'], event(1)])
  })

  test("pushes through HubSpot's own push once its script has loaded", () => {
    const received: unknown[] = []
    page()._hsq = { push: (command: unknown) => received.push(command) }
    createQueue(page(), () => {})([event(1), event(2)])
    expect(received).toEqual([event(1), event(2)])
  })

  type Step = ['ours' | 'page', unknown[]]

  /**
   * Pushes `script` in order: `ours` through the queue, `page` straight onto `_hsq`, as the page would.
   * `expected` is what must survive: every page command and the newest of ours, in push order.
   */
  function run(script: Step[], cap: number) {
    page()._hsq = []
    const onDrop = vi.fn()
    const push = createQueue(page(), onDrop, cap)
    for (const [who, command] of script) {
      if (who === 'ours') push([command as HubSpotCommand])
      else hsq().push(command)
    }
    const ours = script.filter(([who]) => who === 'ours').map(([, command]) => command)
    const keptOfOurs = hsq().filter((command) => ours.includes(command as unknown[])).length
    const survivors = new Set([...script.filter(([who]) => who === 'page').map(([, c]) => c), ...ours.slice(ours.length - keptOfOurs)])
    return { onDrop, keptOfOurs, expected: script.map(([, command]) => command).filter((command) => survivors.has(command)) }
  }

  test('the cap drops the oldest of its own commands, never the ones the page pushed itself, and says so', () => {
    const script: Step[] = [
      ['page', ['setPath', '/from-the-page']],
      ['page', ['trackPageView']],
      ...Array.from({ length: 12 }, (_, n): ['ours', unknown[]] => ['ours', event(n)]),
      ['page', ['identify', { email: 'p@example.com' }]],
      ...Array.from({ length: 12 }, (_, n): ['ours', unknown[]] => ['ours', event(100 + n)]),
    ]
    const { onDrop, keptOfOurs, expected } = run(script, 10)
    expect(hsq()).toEqual(expected)
    expect(hsq().length).toBeLessThanOrEqual(10)
    expect(keptOfOurs).toBeGreaterThan(0)
    expect(hsq().at(-1)).toEqual(event(111))
    expect(onDrop).toHaveBeenCalled()
  })

  test('below the cap nothing is dropped', () => {
    const script = Array.from({ length: 10 }, (_, n): ['ours', unknown[]] => ['ours', event(n)])
    const { onDrop } = run(script, 10)
    expect(hsq()).toEqual(script.map(([, command]) => command))
    expect(onDrop).not.toHaveBeenCalled()
  })

  test('page commands beyond the cap are kept: only our own are dropped', () => {
    const pageCommands = Array.from({ length: 6 }, (_, n): ['page', unknown[]] => ['page', ['setPath', `/page-${n}`]])
    const { expected } = run([...pageCommands, ['ours', event(1)], ['ours', event(2)], ['ours', event(3)]], 4)
    expect(hsq()).toEqual(expected)
    expect(hsq().slice(0, 6)).toEqual(pageCommands.map(([, command]) => command))
  })

  test('nothing is dropped once HubSpot has loaded', () => {
    const received: unknown[] = []
    page()._hsq = { push: (command: unknown) => received.push(command) }
    const onDrop = vi.fn()
    const push = createQueue(page(), onDrop, 2)
    push([event(1), event(2), event(3)])
    expect(received).toEqual([event(1), event(2), event(3)])
    expect(onDrop).not.toHaveBeenCalled()
  })

  test('the default cap is 1000 held commands', () => {
    expect(MAX_HELD_COMMANDS).toBe(1000)
    const push = createQueue(page(), () => {})
    for (let n = 0; n < 1001; n++) push([event(n)])
    expect(hsq().length).toBeLessThanOrEqual(1000)
    expect(hsq().at(-1)).toEqual(event(1000))
  })
})
