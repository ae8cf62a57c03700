/**
 * Issue 11, "HubSpot forms → Segment" (`trackFormSubmissions`, `formFields`).
 *
 * - A successful submission of a HubSpot form, of either kind, becomes `identify({ email })` (when the form
 *   holds an email-shaped one) and then `track('Form Submitted', { form_id, …listed fields })`, both with
 *   `{ integrations: { HubSpot: false } }`. The forms are driven by the stand-in of HubSpot's documented
 *   browser events (test/fixtures/hubspot-form-events-stand-in.js): legacy embeds' `hsFormCallback`
 *   messages, new forms' `hs-form-event:*` events and `HubSpotFormsV4`.
 * - Privacy: the email and the form id only, plus the fields `formFields` lists; never a field named like a
 *   secret or payment data, nor a card number (Luhn) or an IBAN (mod 97), even when listed.
 * - Nothing without consent; nothing from a message of a foreign origin; no malformed input throws at the page.
 * - With the real analytics-next, the calls reach Segment's other destinations but not HubSpot's `_hsq`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AnalyticsBrowser, type Analytics, type Context, type Plugin } from '@segment/analytics-next'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SegmentAnalytics } from '../../src/browser/features'
import {
  FORM_SUBMITTED,
  MAX_FIELDS,
  NEW_FORM_SUBMITTED,
  VALUES_TIMEOUT_MS,
  isPaymentValue,
  isSecretName,
  trackFormSubmissions,
} from '../../src/browser/form-submissions'
import { hubspot } from '../../src/browser/full'
import type { HubSpotOptions } from '../../src/core/settings'
import { boom, page, resetPage, revokedProxy, settingsWith, trackerRunning } from './helpers'

const STAND_IN = readFileSync(join(process.cwd(), 'test/fixtures/hubspot-form-events-stand-in.js'), 'utf8')

interface SubmitOptions {
  fail?: boolean
  origin?: string
}
interface StandInForm {
  formId: string
  instanceId?: string
  submit(values: Record<string, unknown>, options?: SubmitOptions): void
}
interface StandIn {
  legacyForm(formId: string): StandInForm
  newForm(formId: string): StandInForm
  emitted: unknown[][]
}
type Loose = Record<string, unknown>
const loose = window as unknown as Loose

/** HubSpot's forms on this page: the stand-in, evaluated afresh. */
function forms(): StandIn {
  delete loose.__hubspotFormEvents
  delete loose.HubSpotFormsV4
  ;(0, eval)(STAND_IN)
  return loose.__hubspotFormEvents as StandIn
}

/** A few turns of the event loop: the stand-in's messages and events, then a new form's values, have arrived. */
async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

const FORM = '8a3c6d1e-4b2f-4c9a-9e7d-0f1b2c3d4e5f'
const OTHER_FORM = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9'
const MARKED = { integrations: { HubSpot: false, 'HubSpot Cloud Mode (Actions)': false } }

/** The feature on its own, with a recording analytics and log; `consent.granted` is read at each submission. */
function listen(options: Partial<HubSpotOptions> = {}) {
  const calls: unknown[][] = []
  const analytics: SegmentAnalytics = {
    identify: (...args: unknown[]) => void calls.push(['identify', ...args]),
    track: (...args: unknown[]) => void calls.push(['track', ...args]),
  }
  const debug: string[] = []
  const consent = { granted: true }
  const stop = trackFormSubmissions({
    win: page(),
    settings: settingsWith({ trackFormSubmissions: true, ...options }),
    analytics,
    push: () => {
      throw new Error('form tracking pushes nothing to HubSpot')
    },
    consented: () => consent.granted,
    log: { debug: (message) => debug.push(message), warn: boom, error: boom },
  })
  stops.push(stop)
  return { calls, debug, consent, stop }
}

const stops: Array<() => void> = []
let pageErrors: string[] = []
const onError = (event: ErrorEvent): void => void pageErrors.push(String(event.message))

beforeEach(() => {
  resetPage()
  pageErrors = []
  window.addEventListener('error', onError)
  vi.spyOn(console, 'debug').mockImplementation(() => {})
})
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  window.removeEventListener('error', onError)
  delete loose.__hubspotFormEvents
  delete loose.HubSpotFormsV4
  vi.useRealTimers()
  vi.restoreAllMocks()
  resetPage()
  // Nothing reached the page as an error, whatever the test threw at the listeners.
  expect(pageErrors).toEqual([])
})

describe('a legacy form (hsFormCallback messages)', () => {
  it('a successful submission: identify({ email }), then Form Submitted with the form id, both kept from HubSpot', async () => {
    const { calls } = listen()
    forms().legacyForm(FORM).submit({ email: 'ada@example.com', firstname: 'Ada', message: 'Call me' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it('only onFormSubmitted counts: a failed submission (onBeforeFormSubmit and onFormSubmit only) sends nothing', async () => {
    const { calls } = listen()
    const standIn = forms()
    const form = standIn.legacyForm(FORM)
    form.submit({ email: 'ada@example.com' }, { fail: true })
    await settle()
    expect(standIn.emitted.map((entry) => entry[1])).toEqual(['onFormReady', 'onBeforeFormSubmit', 'onFormSubmit'])
    expect(calls).toEqual([])
    // The visitor tries again, and it goes through.
    form.submit({ email: 'ada@example.com' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it('each submission of a form is sent', async () => {
    const { calls } = listen()
    const form = forms().legacyForm(FORM)
    form.submit({ email: 'ada@example.com' })
    form.submit({ email: 'grace@example.com' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
      ['identify', { email: 'grace@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it.each([
    ['the page itself', undefined],
    ["HubSpot's forms host", 'https://share.hsforms.com'],
    ["HubSpot's EU forms host", 'https://share-eu1.hsforms.com'],
    ['hubspot.com', 'https://app.hubspot.com'],
  ])('a message from %s is listened to', async (_, origin) => {
    const { calls } = listen()
    forms().legacyForm(FORM).submit({ email: 'ada@example.com' }, { origin })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it.each(['https://evil.example', 'http://share.hsforms.com', 'https://hsforms.com.evil.example', 'https://evilhsforms.com', 'null'])(
    'a message from %s is not (any frame can forge one): a debug message, nothing sent',
    async (origin) => {
      const { calls, debug } = listen()
      forms().legacyForm(FORM).submit({ email: 'ada@example.com' }, { origin })
      await settle()
      expect(calls).toEqual([])
      expect(debug).toEqual([`HubSpot form submission not sent to Segment: an hsFormCallback message from an origin that is neither the page nor HubSpot ${origin}`])
    },
  )
})

describe('a new form (hs-form-event:on-submission:success, HubSpotFormsV4)', () => {
  it('a successful submission: identify({ email }), then Form Submitted with the form id, both kept from HubSpot', async () => {
    const { calls } = listen()
    forms().newForm(FORM).submit({ '0-1/email': 'ada@example.com', '0-1/firstname': 'Ada', '0-2/name': 'Analytical Engines' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it('a failed submission (hs-form-event:on-submission:failed) sends nothing', async () => {
    const { calls } = listen()
    const standIn = forms()
    const form = standIn.newForm(FORM)
    form.submit({ '0-1/email': 'ada@example.com' }, { fail: true })
    await settle()
    expect(standIn.emitted.map((entry) => entry[0])).toEqual(['hs-form-event:on-ready', 'hs-form-event:on-submission:failed'])
    expect(calls).toEqual([])
    form.submit({ '0-1/email': 'ada@example.com' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it('two forms on the page are told apart', async () => {
    const { calls } = listen({ formFields: ['plan'] })
    const standIn = forms()
    const signup = standIn.newForm(FORM)
    const demo = standIn.newForm(OTHER_FORM)
    demo.submit({ '0-1/email': 'grace@example.com', '0-1/plan': 'enterprise' })
    signup.submit({ '0-1/email': 'ada@example.com', '0-1/plan': 'pro' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'grace@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: OTHER_FORM, plan: 'enterprise' }, MARKED],
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM, plan: 'pro' }, MARKED],
    ])
  })

  it('the same submission told by both kinds of event (same form, within 2 s) is sent once; the first one wins', async () => {
    const { calls, debug } = listen()
    const standIn = forms()
    standIn.newForm(FORM).submit({ '0-1/email': 'ada@example.com' })
    await settle()
    standIn.legacyForm(FORM).submit({ email: 'ada@example.com' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
    expect(debug).toEqual([`HubSpot form submission not sent to Segment: form ${FORM} was reported by both kinds of HubSpot form event; it is sent once`])
  })
})

describe('the email', () => {
  it.each(['legacy', 'new'] as const)('a %s form without an email: Form Submitted only, no identify', async (kind) => {
    const { calls } = listen()
    const standIn = forms()
    if (kind === 'legacy') standIn.legacyForm(FORM).submit({ firstname: 'Ada' })
    else standIn.newForm(FORM).submit({ '0-1/firstname': 'Ada' })
    await settle()
    expect(calls).toEqual([['track', FORM_SUBMITTED, { form_id: FORM }, MARKED]])
  })

  it.each([
    ['not an email', 'ada at example.com'],
    ['empty', ''],
    ['two addresses', 'ada@example.com, grace@example.com'],
    ['markup', '<ada@example.com>'],
    ['not text', 42],
    ['a list', ['ada@example.com']],
    ['too long', `${'a'.repeat(250)}@example.com`],
  ])('an email field that is %s is not an email: no identify, and it is sent nowhere', async (_, value) => {
    const { calls } = listen({ formFields: ['email'] })
    forms().legacyForm(FORM).submit({ email: value })
    await settle()
    expect(calls).toEqual([['track', FORM_SUBMITTED, { form_id: FORM }, MARKED]])
  })

  it('is trimmed, and goes in the track too only when formFields lists it', async () => {
    const { calls } = listen({ formFields: ['email'] })
    forms().newForm(FORM).submit({ '0-1/email': '  ada@example.com ' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM, email: 'ada@example.com' }, MARKED],
    ])
  })
})

describe('formFields: the allow-list', () => {
  const legacy = { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace', company: 'Engines', interests: 'math;poetry', phone: '+44 20 7946 0000' }
  const fresh = { '0-1/email': 'ada@example.com', '0-1/firstname': 'Ada', '0-1/lastname': 'Lovelace', '0-2/company': 'Engines', '0-1/interests': ['math', 'poetry'], '0-1/phone': '+44 20 7946 0000' }

  it('a legacy form: the listed fields, under their names; the others stay on the page', async () => {
    const { calls } = listen({ formFields: ['firstname', 'company', 'interests', 'not_on_the_form'] })
    forms().legacyForm(FORM).submit(legacy)
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM, firstname: 'Ada', company: 'Engines', interests: 'math;poetry' }, MARKED],
    ])
  })

  it("a new form: matched and named without the object type (0-1/firstname is firstname); lists copied", async () => {
    const { calls } = listen({ formFields: ['firstname', '0-2/company', 'INTERESTS'] })
    forms().newForm(FORM).submit(fresh)
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM, firstname: 'Ada', company: 'Engines', interests: ['math', 'poetry'] }, MARKED],
    ])
  })

  it('nothing but the email and the form id by default', async () => {
    const { calls } = listen()
    forms().newForm(FORM).submit(fresh)
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it('a field cannot take the form id, nor an Object.prototype key; the first of two fields of one name wins', async () => {
    const { calls } = listen({ formFields: ['form_id', '__proto__', 'constructor', 'name'] })
    forms().newForm(FORM).submit({ '0-1/form_id': 'forged', '0-1/constructor': 'x', '0-1/name': 'Ada', '0-2/name': 'Engines' })
    await settle()
    expect(calls).toEqual([['track', FORM_SUBMITTED, { form_id: FORM, name: 'Ada' }, MARKED]])
    expect(Object.getPrototypeOf(calls[0]![2])).toBe(Object.prototype)
  })

  it('a value that cannot be sent as it is (an object, a long text, a long list, not finite) is left out with a debug message', async () => {
    const { calls, debug } = listen({ formFields: ['address', 'essay', 'choices', 'score', 'count', 'agreed'] })
    forms().legacyForm(FORM).submit({
      address: { city: 'London' },
      essay: 'x'.repeat(1001),
      choices: Array.from({ length: 101 }, (_, i) => `c${i}`),
      score: Number.NaN,
      count: 3,
      agreed: true,
    })
    await settle()
    expect(calls).toEqual([['track', FORM_SUBMITTED, { form_id: FORM, count: 3, agreed: true }, MARKED]])
    expect(debug).toEqual(['HubSpot form fields left out (a secret, payment data, or a value that cannot be sent): address, essay, choices, score'])
  })
})

describe('passwords and payment data: never sent, even when listed', () => {
  const listed = ['password', 'user_pwd', 'card_number', 'cardNumber', 'cc-number', 'cvc', 'card_cvv', 'expiry', 'cc-exp', 'iban', 'ssn', 'pin', 'notes', 'reference', 'order_ref', 'firstname']

  it.each(['legacy', 'new'] as const)('a %s form: by name and by value (a Luhn-valid card number, an IBAN)', async (kind) => {
    const { calls, debug } = listen({ formFields: listed })
    const values: Record<string, string> = {
      password: 'hunter2',
      user_pwd: 'hunter2',
      card_number: '4111 1111 1111 1111',
      cardNumber: '4111111111111111',
      'cc-number': '5500-0000-0000-0004',
      cvc: '123',
      card_cvv: '123',
      expiry: '12/30',
      'cc-exp': '12/30',
      iban: 'GB82WEST12345698765432',
      ssn: '078-05-1120',
      pin: '1234',
      notes: '4111 1111 1111 1111',
      reference: 'GB82 WEST 1234 5698 7654 32',
      order_ref: '4111111111111112',
      firstname: 'Ada',
    }
    const standIn = forms()
    if (kind === 'legacy') standIn.legacyForm(FORM).submit(values)
    else standIn.newForm(FORM).submit(Object.fromEntries(Object.entries(values).map(([name, value]) => [`0-1/${name}`, value])))
    await settle()
    // A 16-digit number that fails the Luhn check is no card number: it is sent.
    expect(calls).toEqual([['track', FORM_SUBMITTED, { form_id: FORM, order_ref: '4111111111111112', firstname: 'Ada' }, MARKED]])
    expect(debug).toEqual([
      'HubSpot form fields left out (a secret, payment data, or a value that cannot be sent): password, user_pwd, card_number, cardNumber, cc-number, cvc, card_cvv, expiry, cc-exp, iban',
    ])
  })

  it.each([
    'password', 'Password2', 'new_password', 'passwd', 'pwd', 'passcode', 'pass', 'secret', 'api_token', 'otp',
    'credit_card', 'creditCardNumber', 'card', 'card-number', 'cc_number', 'ccnum', 'cc', 'pan', 'cvc', 'CVV', 'cvv2', 'csc', 'security_code',
    'exp', 'expiry', 'card_expiration', 'expiry_date', 'cc-exp', 'iban', 'IBAN', 'bic', 'swift', 'bank_account', 'account_number', 'routing_number', 'sort_code',
    'ssn', 'social_security_number', 'sin', 'pin',
    'national_id', 'nationalId', 'passport_number', 'tax_id', 'bank_routing', 'drivers_license',
  ])('%s is a secret or payment field', (name) => {
    expect(isSecretName(name)).toBe(true)
  })

  it.each(['email', 'firstname', 'company', 'shipping_address', 'public_note', 'passenger_count', 'experience', 'pinterest_url', 'cardinal', 'message', 'topics'])(
    '%s is not',
    (name) => {
      expect(isSecretName(name)).toBe(false)
    },
  )

  it.each([
    ['4111111111111111', true],
    ['4111 1111 1111 1111', true],
    ['4111-1111-1111-1111', true],
    [4111111111111111, true],
    ['378282246310005', true],
    ['6011111111111117', true],
    ['4111111111111112', false],
    ['411111111111', false],
    ['41111111111111111111', false],
    ['+44 20 7946 0000', false],
    ['GB82 WEST 1234 5698 7654 32', true],
    ['DE89370400440532013000', true],
    ['DE89370400440532013001', false],
    ['ORDER-2024-0042', false],
    [['a', '4111111111111111'], true],
  ])('%s looks like payment data: %s', (value, expected) => {
    expect(isPaymentValue(value)).toBe(expected)
  })
})

describe('consent', () => {
  it.each(['legacy', 'new'] as const)('a %s form submitted without consent: a debug message, nothing sent; with consent again, sent', async (kind) => {
    const { calls, debug, consent } = listen()
    const standIn = forms()
    const form = kind === 'legacy' ? standIn.legacyForm(FORM) : standIn.newForm(FORM)
    const email = kind === 'legacy' ? 'email' : '0-1/email'
    consent.granted = false
    form.submit({ [email]: 'ada@example.com' })
    await settle()
    expect(calls).toEqual([])
    expect(debug).toEqual(['HubSpot form submission not sent to Segment: consent for HubSpot is not granted'])
    consent.granted = true
    form.submit({ [email]: 'grace@example.com' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'grace@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it("consent taken back while a new form's values are on their way: nothing sent", async () => {
    const { calls, consent } = listen()
    // Listening after the feature: the success event has reached it, and its values are on their way.
    const withdraw = (): void => void (consent.granted = false)
    window.addEventListener(NEW_FORM_SUBMITTED, withdraw)
    const form = forms().newForm(FORM)
    form.submit({ '0-1/email': 'ada@example.com' })
    await settle()
    window.removeEventListener(NEW_FORM_SUBMITTED, withdraw)
    expect(calls).toEqual([])
    consent.granted = true
    form.submit({ '0-1/email': 'grace@example.com' })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'grace@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it('the plugin with consentCategories: nothing before an event grants them, then each submission', async () => {
    trackerRunning()
    const recording = recorder()
    const analytics = await loadAnalytics([hubspot({ portalId: '62515', trackFormSubmissions: true, consentCategories: ['Advertising'] }), recording])
    const form = forms().legacyForm(FORM)
    form.submit({ email: 'ada@example.com' })
    await settle()
    expect(recording.events).toEqual([])
    await analytics.track('Consent Given', {}, { context: { consent: { categoryPreferences: { Advertising: true } } } })
    form.submit({ email: 'grace@example.com' })
    await vi.waitFor(() => expect(recording.events).toHaveLength(3))
    expect(recording.events.map(({ type, event, traits, properties }) => [type, event ?? traits, properties])).toEqual([
      ['track', 'Consent Given', {}],
      ['identify', { email: 'grace@example.com' }, undefined],
      ['track', FORM_SUBMITTED, { form_id: FORM }],
    ])
  })
})

describe('malformed messages and events: ignored, with at most a debug message; nothing throws at the page', () => {
  function postRaw(data: unknown, origin = location.origin): void {
    window.dispatchEvent(new MessageEvent('message', { data, origin }))
  }

  it.each([
    ['null', null],
    ['a string', 'hsFormCallback'],
    ['JSON text', JSON.stringify({ type: 'hsFormCallback', eventName: 'onFormSubmitted', id: FORM, data: { submissionValues: { email: 'a@b.co' } } })],
    ['a number', 42],
    ['a list', [{ type: 'hsFormCallback' }]],
    ['another library', { type: 'webpackOk' }],
    ['another form event', { type: 'hsFormCallback', eventName: 'onFormReady', id: FORM }],
    ['onFormSubmit (not yet stored)', { type: 'hsFormCallback', eventName: 'onFormSubmit', id: FORM, data: [{ name: 'email', value: 'a@b.co' }] }],
    ['a type getter that throws', Object.defineProperty({}, 'type', { get: boom, enumerable: true })],
    ['a revoked Proxy', revokedProxy()],
    ['a Proxy whose every trap throws', new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom })],
  ])('%s: silently ignored; the next submission is sent as usual', async (_, data) => {
    const { calls, debug } = listen()
    postRaw(data)
    await settle()
    expect(calls).toEqual([])
    expect(debug).toEqual([])
    postRaw({ type: 'hsFormCallback', eventName: 'onFormSubmitted', id: FORM, data: { redirectUrl: '', submissionValues: { email: 'ada@example.com' } } })
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
    ])
  })

  it.each([
    ['no id', { type: 'hsFormCallback', eventName: 'onFormSubmitted', data: { submissionValues: { email: 'ada@example.com' } } }],
    ['an id that is not a form id', { type: 'hsFormCallback', eventName: 'onFormSubmitted', id: '../../admin?x=1', data: {} }],
    ['an id that is an object', { type: 'hsFormCallback', eventName: 'onFormSubmitted', id: { toString: (): string => FORM }, data: {} }],
    ['an id getter that throws', Object.defineProperty({ type: 'hsFormCallback', eventName: 'onFormSubmitted' }, 'id', { get: boom, enumerable: true })],
  ])('an onFormSubmitted message with %s: a debug message, nothing sent', async (_, data) => {
    const { calls, debug } = listen()
    postRaw(data)
    await settle()
    expect(calls).toEqual([])
    expect(debug).toEqual(['HubSpot form submission not sent to Segment: an onFormSubmitted message without a form id'])
  })

  it.each([
    ['no data', undefined],
    ['null data', null],
    ['text data', 'email=ada@example.com'],
    ['submissionValues that are text', { submissionValues: 'email=ada@example.com' }],
    ['a submissionValues getter that throws', Object.defineProperty({}, 'submissionValues', { get: boom, enumerable: true })],
    ['values whose getters throw', { submissionValues: Object.defineProperty({}, 'email', { get: boom, enumerable: true }) }],
    ['a revoked Proxy as values', { submissionValues: revokedProxy() }],
  ])('an onFormSubmitted message with %s: Form Submitted with the form id only', async (_, submitted) => {
    const { calls } = listen({ formFields: ['firstname'] })
    postRaw({ type: 'hsFormCallback', eventName: 'onFormSubmitted', id: FORM, data: submitted })
    await settle()
    expect(calls).toEqual([['track', FORM_SUBMITTED, { form_id: FORM }, MARKED]])
  })

  it(`reads ${MAX_FIELDS} fields at most, of a list or of an object`, async () => {
    const { calls } = listen({ formFields: ['early', 'late'] })
    const many = Array.from({ length: 100_000 }, (_, i) => ({ name: `field${i}`, value: i }))
    const list = [{ name: 'email', value: 'ada@example.com' }, { name: 'early', value: 'kept' }, ...many.slice(0, 300), { name: 'late', value: 'not read' }, ...many]
    postRaw({ type: 'hsFormCallback', eventName: 'onFormSubmitted', id: FORM, data: list })
    const object: Record<string, unknown> = { email: 'grace@example.com', early: 'kept' }
    for (let i = 0; i < 300; i++) object[`field${i}`] = i
    object.late = 'not read'
    postRaw({ type: 'hsFormCallback', eventName: 'onFormSubmitted', id: OTHER_FORM, data: { submissionValues: object } })
    await settle()
    expect(calls).toEqual([
      ['identify', { email: 'ada@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: FORM, early: 'kept' }, MARKED],
      ['identify', { email: 'grace@example.com' }, MARKED],
      ['track', FORM_SUBMITTED, { form_id: OTHER_FORM, early: 'kept' }, MARKED],
    ])
  })

  it("never changes a submission's values", async () => {
    const { calls } = listen({ formFields: ['interests', 'password'] })
    const standIn = forms()
    const legacyValues = { email: ' ada@example.com ', interests: 'math', password: 'hunter2' }
    const freshValues = { '0-1/email': ' ada@example.com ', '0-1/interests': ['math', 'poetry'], '0-1/password': 'hunter2' }
    const before = JSON.stringify([legacyValues, freshValues])
    standIn.legacyForm(FORM).submit(legacyValues)
    const fresh = standIn.newForm(OTHER_FORM)
    fresh.submit(freshValues)
    // What the listeners are handed: a frozen message, and the form's list of values, frozen too.
    const frozen = Object.freeze({ type: 'hsFormCallback', eventName: 'onFormSubmitted', id: FORM, data: Object.freeze({ submissionValues: Object.freeze({ ...legacyValues }) }) })
    postRaw(frozen)
    await settle()
    expect(JSON.stringify([legacyValues, freshValues])).toBe(before)
    expect(calls).toHaveLength(6)
    const tracked = calls.filter((call) => call[0] === 'track').map((call) => call[2] as Record<string, unknown>)
    const sent = tracked.find((properties) => properties.form_id === OTHER_FORM)!
    // The frozen message first (dispatched at once), then the stand-in's message, then the new form's values.
    expect(tracked).toEqual([{ form_id: FORM, interests: 'math' }, { form_id: FORM, interests: 'math' }, { form_id: OTHER_FORM, interests: ['math', 'poetry'] }])
    // The list sent is a copy: changing it changes nothing on the form.
    ;(sent.interests as string[]).push('changed')
    expect(freshValues['0-1/interests']).toEqual(['math', 'poetry'])
  })

  describe('new forms', () => {
    /** A Proxy that revokes itself when a promise resolves it (which reads its `then`). */
    function revokedOnceResolved(): object {
      const { proxy, revoke } = Proxy.revocable([], {
        get: (target, key) => {
          if (key === 'then') revoke()
          return key === 'then' ? undefined : Reflect.get(target, key)
        },
      })
      return proxy
    }

    function success(detail: unknown): void {
      window.dispatchEvent(new CustomEvent(NEW_FORM_SUBMITTED, { detail }))
    }

    it('an event without a form id, and no form behind it: a debug message, nothing sent', async () => {
      const { calls, debug } = listen()
      window.dispatchEvent(new Event(NEW_FORM_SUBMITTED))
      success(null)
      success({ formId: 42 })
      success({ formId: '<script>' })
      success(Object.defineProperty({}, 'formId', { get: boom, enumerable: true }))
      await settle()
      expect(calls).toEqual([])
      expect(debug).toEqual(Array(5).fill('HubSpot form submission not sent to Segment: a hs-form-event:on-submission:success event without a form id'))
    })

    it.each([
      ['there is no HubSpotFormsV4', undefined],
      ['HubSpotFormsV4 is not an object', 'forms'],
      ['getFormFromEvent throws', { getFormFromEvent: boom }],
      ['getFormFromEvent finds no form', { getFormFromEvent: () => null }],
      ['the form has no getFormFieldValues', { getFormFromEvent: () => ({}) }],
      ['getFormFieldValues throws', { getFormFromEvent: () => ({ getFormFieldValues: boom }) }],
      ['getFormFieldValues rejects', { getFormFromEvent: () => ({ getFormFieldValues: () => Promise.reject(new Error('offline')) }) }],
      ['getFormFieldValues gives no list', { getFormFromEvent: () => ({ getFormFieldValues: () => Promise.resolve('email=ada@example.com') }) }],
      ['a getter of HubSpotFormsV4 throws', new Proxy({}, { get: boom })],
      ['getFormFieldValues gives a Proxy revoked once resolved', { getFormFromEvent: () => ({ getFormFieldValues: () => Promise.resolve(revokedOnceResolved()) }) }],
    ])('when %s: Form Submitted with the form id of the event only, and a debug message', async (_, api) => {
      const { calls, debug } = listen()
      loose.HubSpotFormsV4 = api
      success({ formId: FORM, instanceId: 'i-1' })
      await settle()
      expect(calls).toEqual([['track', FORM_SUBMITTED, { form_id: FORM }, MARKED]])
      expect(debug).toHaveLength(1)
      expect(debug[0]).toMatch(new RegExp(`^HubSpot form ${FORM}: its values could not be read \\(.+\\); sent with its form id only$`))
    })

    it('values that never come: after a while, Form Submitted with the form id only; a late answer sends nothing more', async () => {
      vi.useFakeTimers()
      const { calls } = listen()
      let answer: (values: unknown) => void = () => {}
      loose.HubSpotFormsV4 = { getFormFromEvent: () => ({ getFormFieldValues: () => new Promise((resolve) => (answer = resolve)) }) }
      success({ formId: FORM })
      await vi.advanceTimersByTimeAsync(VALUES_TIMEOUT_MS - 1)
      expect(calls).toEqual([])
      await vi.advanceTimersByTimeAsync(1)
      expect(calls).toEqual([['track', FORM_SUBMITTED, { form_id: FORM }, MARKED]])
      answer([{ name: '0-1/email', value: 'ada@example.com' }])
      await vi.advanceTimersByTimeAsync(10)
      expect(calls).toHaveLength(1)
    })

    it("the form's id when the event has none; hostile entries of the list are skipped", async () => {
      const { calls } = listen({ formFields: ['firstname'] })
      const entries = [
        null,
        'email',
        Object.defineProperty({}, 'name', { get: boom, enumerable: true }),
        { name: '0-1/firstname', get value() {
          return boom()
        } },
        { name: '0-1/email', value: 'ada@example.com' },
        { name: 42, value: 'x' },
      ]
      loose.HubSpotFormsV4 = { getFormFromEvent: () => ({ getFormId: () => FORM, getFormFieldValues: () => Promise.resolve(entries) }) }
      success({})
      await settle()
      expect(calls).toEqual([
        ['identify', { email: 'ada@example.com' }, MARKED],
        ['track', FORM_SUBMITTED, { form_id: FORM }, MARKED],
      ])
    })
  })

  it('an analytics whose calls throw or reject: a debug message each, nothing reaches the page', async () => {
    const debug: string[] = []
    const stop = trackFormSubmissions({
      win: page(),
      settings: settingsWith({ trackFormSubmissions: true }),
      analytics: { identify: boom, track: () => Promise.reject(new Error('offline')) },
      push: () => {},
      consented: () => true,
      log: { debug: (message) => debug.push(message), warn: boom, error: boom },
    })
    stops.push(stop)
    forms().legacyForm(FORM).submit({ email: 'ada@example.com' })
    await settle()
    expect(debug).toEqual(['analytics.identify failed for a HubSpot form submission: hostile input'])
  })
})

describe('stop', () => {
  it('removes every listener it added; a submission after it sends nothing, one on its way neither', async () => {
    const added: unknown[][] = []
    const removed: unknown[][] = []
    // jsdom's own methods (Node has an EventTarget of its own).
    const realAdd = window.addEventListener
    const realRemove = window.removeEventListener
    const add = vi.spyOn(window, 'addEventListener').mockImplementation(function (this: Window, ...args: Parameters<Window['addEventListener']>) {
      added.push(args)
      return realAdd.apply(this, args)
    })
    const remove = vi.spyOn(window, 'removeEventListener').mockImplementation(function (this: Window, ...args: Parameters<Window['removeEventListener']>) {
      removed.push(args)
      return realRemove.apply(this, args)
    })
    const { calls, stop } = listen()
    expect(added.map((args) => args[0])).toEqual(['message', NEW_FORM_SUBMITTED])
    const standIn = forms()
    const fresh = standIn.newForm(FORM)
    // Listening after the feature: the success event has reached it, and its values are on their way, when it stops.
    const stopNow = (): void => stop()
    realAdd.call(window, NEW_FORM_SUBMITTED, stopNow, { once: true })
    fresh.submit({ '0-1/email': 'ada@example.com' })
    await settle()
    add.mockRestore()
    remove.mockRestore()
    expect(removed).toEqual(added)
    standIn.legacyForm(OTHER_FORM).submit({ email: 'grace@example.com' })
    fresh.submit({ '0-1/email': 'grace@example.com' })
    await settle()
    expect(calls).toEqual([])
  })
})

// With the real analytics-next: the plugin of hubspot-destination/full starts the listening from its load.

/** A destination that records the events analytics-next hands to destinations. */
function recorder(): Plugin & { events: Array<Record<string, unknown>> } {
  const events: Array<Record<string, unknown>> = []
  const record = (ctx: Context): Context => {
    events.push(JSON.parse(JSON.stringify(ctx.event)) as Record<string, unknown>)
    return ctx
  }
  return { name: 'Recorder', type: 'destination', version: '1.0.0', isLoaded: () => true, load: () => Promise.resolve(), identify: record, track: record, page: record, events }
}

async function loadAnalytics(plugins: Plugin[]): Promise<Analytics> {
  const [analytics] = await AnalyticsBrowser.load(
    { writeKey: 'test', cdnSettings: { integrations: { 'Segment.io': { apiKey: 'test' } } }, plugins },
    { integrations: { 'Segment.io': false } },
  )
  return analytics
}

describe('with analytics-next and the plugin of hubspot-destination/full', () => {
  it.each(['legacy', 'new'] as const)(
    'a %s form submission reaches the other destinations, marked HubSpot: false, and never HubSpot',
    async (kind) => {
      const hsq = trackerRunning()
      const recording = recorder()
      const analytics = await loadAnalytics([hubspot({ portalId: '62515', trackFormSubmissions: true, formFields: ['firstname'] }), recording])
      const before = [...hsq]
      const standIn = forms()
      if (kind === 'legacy') standIn.legacyForm(FORM).submit({ email: 'ada@example.com', firstname: 'Ada', phone: '555' })
      else standIn.newForm(FORM).submit({ '0-1/email': 'ada@example.com', '0-1/firstname': 'Ada', '0-1/phone': '555' })
      await vi.waitFor(() => expect(recording.events).toHaveLength(2))
      await settle()
      expect(recording.events.map(({ type, event, traits, properties, integrations }) => ({ type, event, traits, properties, integrations }))).toEqual([
        // `Segment.io: false` is this test's load option (no Segment API here); `HubSpot: false` is the call's.
        { type: 'identify', event: undefined, traits: { email: 'ada@example.com' }, properties: undefined, integrations: { 'Segment.io': false, HubSpot: false, 'HubSpot Cloud Mode (Actions)': false } },
        { type: 'track', event: FORM_SUBMITTED, traits: undefined, properties: { form_id: FORM, firstname: 'Ada' }, integrations: { 'Segment.io': false, HubSpot: false, 'HubSpot Cloud Mode (Actions)': false } },
      ])
      expect(recording.events[0]!.userId).toBeNull()
      // HubSpot has the submission already: nothing of it went to _hsq.
      expect(hsq).toEqual(before)
      // The plugin itself is on: an ordinary call still reaches HubSpot.
      await analytics.track('Signed Up')
      expect(hsq).toEqual([...before, ['trackCustomBehavioralEvent', { name: 'pe62515_signed_up', properties: {} }]])
    },
  )

  it('a plugin taken off with analytics.deregister() stops listening', async () => {
    trackerRunning()
    const recording = recorder()
    const analytics = await loadAnalytics([hubspot({ portalId: '62515', trackFormSubmissions: true }), recording])
    const form = forms().legacyForm(FORM)
    form.submit({ firstname: 'Ada' })
    await vi.waitFor(() => expect(recording.events).toHaveLength(1))
    await analytics.deregister('HubSpot')
    form.submit({ firstname: 'Grace' })
    await settle()
    expect(recording.events.map(({ event, properties }) => [event, properties])).toEqual([[FORM_SUBMITTED, { form_id: FORM }]])
  })

  it('trackFormSubmissions off (the default): nothing is listened to', async () => {
    trackerRunning()
    const recording = recorder()
    await loadAnalytics([hubspot({ portalId: '62515' }), recording])
    const standIn = forms()
    standIn.legacyForm(FORM).submit({ email: 'ada@example.com' })
    standIn.newForm(OTHER_FORM).submit({ '0-1/email': 'ada@example.com' })
    await settle()
    expect(recording.events).toEqual([])
  })
})
