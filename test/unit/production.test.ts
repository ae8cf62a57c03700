/**
 * The production build's messages (run by the `production` project, which compiles `__DEV__` to false):
 * short, but a settings error still names the setting and the bad value, and a dropped event says why.
 * The development build's long messages are what every other unit test asserts.
 */
import { AnalyticsBrowser, type Plugin } from '@segment/analytics-next'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HubSpot } from '../../src/browser/classic'
import { toCommands } from '../../src/browser/commands'
import { hubspot } from '../../src/browser/plugin'
import { HubSpotSettingsError, parseSettings, unknownSettings } from '../../src/core/settings'
import { forgetDestinations, resetPage } from './helpers'

const settings = parseSettings({ portalId: '62515' })

function settingsError(options: unknown): string {
  try {
    parseSettings(options)
  } catch (error) {
    expect(error).toBeInstanceOf(HubSpotSettingsError)
    return (error as Error).message
  }
  throw new Error('no settings error')
}

beforeEach(() => {
  resetPage()
  forgetDestinations()
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('settings errors in the production build name the setting and the bad value', () => {
  it.each([
    [undefined, 'HubSpot setting "portalId" is required; got undefined'],
    [{}, 'HubSpot setting "portalId" is required; got undefined'],
    [{ portalId: 'abc' }, 'HubSpot setting "portalId" must be digits; got "abc"'],
    [{ portalId: ' 62515 ' }, 'HubSpot setting "portalId" must be digits; got " 62515 "'],
    [{ portalId: '1', events: 'Signed Up' }, 'HubSpot setting "events" is invalid; got "Signed Up"'],
    [{ portalId: '1', events: { 'Signed Up': '' } }, 'HubSpot setting "events" is invalid; got ""'],
    [{ portalId: '1', consentCategories: 'analytics' }, 'HubSpot setting "consentCategories" is invalid; got "analytics"'],
    [{ portalId: '1', loadFormsSdk: 'yes' }, 'HubSpot setting "loadFormsSdk" must be true or false; got "yes"'],
  ])('%o', (options, message) => {
    expect(settingsError(options)).toBe(message)
  })

  it('a setting whose getter throws', () => {
    const options = { portalId: '1', get flushIdentifyImmediately(): boolean { throw new Error('no') } }
    expect(settingsError(options)).toBe('HubSpot setting "flushIdentifyImmediately" threw')
  })

  it('the plugin logs one short console error and stays off; a setting that needs the full plugin says which entry', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const plugins: Plugin[] = [hubspot({ portalId: 'abc' }), hubspot({ portalId: '7', loadFormsSdk: true })]
    await AnalyticsBrowser.load({ writeKey: 'test', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'test' } } }, plugins }, { integrations: { 'Segment.io': false } })
    expect(error.mock.calls).toEqual([
      ['[hubspot-destination] HubSpot setting "portalId" must be digits; got "abc". HubSpot is off'],
      ['[hubspot-destination] HubSpot setting "loadFormsSdk" needs hubspot-destination/full; got true. HubSpot is off'],
    ])
    expect((window as { _hsq?: unknown })._hsq).toBeUndefined()
  })

  it('unknown settings are a development warning only', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    hubspot({ portalId: '62515', portalID: '1' } as never)
    expect(warn).not.toHaveBeenCalled()
    // The function itself still answers, for the CLI and tests.
    expect(unknownSettings({ portalID: '1' })).toEqual(['HubSpot setting "portalID" is not known and is ignored; did you mean "portalId"?'])
  })

  it('the classic integration reports bad CDN settings the same short way', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const integration = new HubSpot({ portalId: 'x1' }) as unknown as { initialize(): void }
    integration.initialize()
    expect(error.mock.calls).toEqual([['[hubspot-destination] HubSpot setting "portalId" must be digits; got "x1". HubSpot is off']])
  })
})

describe('events that are not mapped say why in a few words', () => {
  it.each([
    [{ type: 'track' }, 'no event name'],
    [{ type: 'track', event: 'x'.repeat(1001) }, 'event name too long'],
    [{ type: 'track', event: '???' }, 'no internal name for "???"'],
    [{ type: 'identify', traits: { name: 'Ada' } }, 'no email'],
    [{ type: 'page' }, 'first page view'],
    [{ type: 'group', traits: { name: 'Acme' } }, 'no HubSpot command for a "group" call'],
  ])('%o: %s', (event, skipped) => {
    expect(toCommands(event, settings, { pageSeen: false }).skipped).toBe(skipped)
  })

  it('consent not granted', () => {
    const withConsent = parseSettings({ portalId: '1', consentCategories: ['Advertising'] })
    expect(toCommands({ type: 'track', event: 'A' }, withConsent, { pageSeen: true }).skipped).toBe('consent not granted')
  })

  it('what the caps leave out is named by its key', () => {
    const mapping = toCommands(
      { type: 'track', event: 'A', properties: { ['k'.repeat(101)]: 1, long: 'v'.repeat(1001), list: Array(101).fill(1) } },
      settings,
      { pageSeen: true },
    )
    expect(mapping.notes).toEqual([`"${'k'.repeat(40)}…" left out`, '"long" left out', '"list" left out'])
  })
})
