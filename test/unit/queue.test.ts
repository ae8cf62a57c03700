import { afterEach, describe, expect, test, vi } from 'vitest'
import { MAX_HELD_COMMANDS, createQueue, ensureQueue, hubSpotLoaded, type HubSpotWindow } from '../../src/browser/queue'
import type { HubSpotCommand } from '../../src/core/types'
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
  /** `_hsq` once HubSpot's tracker has taken it over: each push runs at once (here: is recorded). */
  function takenOver(): unknown[] {
    const received: unknown[] = []
    page()._hsq = Object.assign([], { push: (command: unknown) => received.push(command) })
    page()._hstc_ran = true
    return received
  }

  test("holds commands while HubSpot's tracker has not taken over _hsq, and leaves _hsq to the page", () => {
    page()._hsq = [['setPath', '/from-the-page']]
    const queue = createQueue(page(), () => {})
    queue.push([['setPath', '/a'], ['trackPageView']])
    queue.push([event(1)])
    expect(hsq()).toEqual([['setPath', '/from-the-page']])
    expect(queue.waiting()).toBe(3)
  })

  test('flush sends what waited, in order, once the tracker has taken over; before that it does nothing', () => {
    const queue = createQueue(page(), () => {})
    queue.push([['setPath', '/a'], ['trackPageView'], event(1)])
    queue.flush()
    expect(queue.waiting()).toBe(3)
    const received = takenOver()
    queue.flush()
    expect(received).toEqual([['setPath', '/a'], ['trackPageView'], event(1)])
    expect(queue.waiting()).toBe(0)
  })

  test('a push after the takeover sends what waited first, so the order holds without a flush', () => {
    const queue = createQueue(page(), () => {})
    queue.push([event(1)])
    const received = takenOver()
    queue.push([event(2)])
    expect(received).toEqual([event(1), event(2)])
  })

  test("early puts commands straight into the plain _hsq, for the tracker's automatic view", () => {
    const queue = createQueue(page(), () => {})
    queue.early([['setPath', '/landing']])
    expect(hsq()).toEqual([['setPath', '/landing']])
    expect(queue.waiting()).toBe(0)
  })

  test('what reaches _hsq is a copy: the tracker writes into what it gets, and the caller keeps its own', () => {
    const received = takenOver()
    const command: HubSpotCommand = ['trackEvent', { id: 'Signed Up', plan: 'pro' }]
    createQueue(page(), () => {}).push([command])
    expect(received).toEqual([command])
    expect(received[0]).not.toBe(command)
    ;(received[0] as [string, Record<string, unknown>])[1].k = 3
    expect(command).toEqual(['trackEvent', { id: 'Signed Up', plan: 'pro' }])
  })

  test('the cap drops the oldest waiting commands, keeps the newest, and says so', () => {
    const onDrop = vi.fn()
    const queue = createQueue(page(), onDrop, 10)
    for (let n = 0; n < 12; n++) queue.push([event(n)])
    expect(onDrop).toHaveBeenCalled()
    expect(queue.waiting()).toBeLessThanOrEqual(10)
    const received = takenOver()
    queue.flush()
    expect(received.at(-1)).toEqual(event(11))
    expect(received).toEqual(Array.from({ length: received.length }, (_, n) => event(12 - received.length + n)))
  })

  test('below the cap nothing is dropped', () => {
    const onDrop = vi.fn()
    const queue = createQueue(page(), onDrop, 10)
    for (let n = 0; n < 10; n++) queue.push([event(n)])
    expect(onDrop).not.toHaveBeenCalled()
    expect(queue.waiting()).toBe(10)
  })

  test('nothing is dropped once HubSpot has loaded', () => {
    const received = takenOver()
    const onDrop = vi.fn()
    createQueue(page(), onDrop, 2).push([event(1), event(2), event(3)])
    expect(received).toEqual([event(1), event(2), event(3)])
    expect(onDrop).not.toHaveBeenCalled()
  })

  test('the default cap is 1000 waiting commands', () => {
    expect(MAX_HELD_COMMANDS).toBe(1000)
    const queue = createQueue(page(), () => {})
    for (let n = 0; n < 1001; n++) queue.push([event(n)])
    expect(queue.waiting()).toBeLessThanOrEqual(1000)
  })
})
