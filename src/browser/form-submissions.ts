import type { FeatureContext } from './features'
import { MAX_ARRAY_LENGTH, MAX_VALUE_LENGTH, field, isRecord } from '../core/flatten'
import { hasOwn, isForbiddenKey } from '../core/keys'
import { reason } from '../core/log'

// HubSpot's documented browser events for a successful submission (test/fixtures/hubspot-form-events-stand-in.js
// lists the pages and models both):
// - legacy embeds post `{ type: 'hsFormCallback', eventName: 'onFormSubmitted', id: <form id>,
//   data: { redirectUrl, submissionValues: { <field>: <value> } } }` on the window once HubSpot has the submission
//   (`onBeforeFormSubmit` and `onFormSubmit` come before it is stored, so they are not submissions);
// - new forms dispatch `hs-form-event:on-submission:success` on the window (`detail: { formId, instanceId }`);
//   `HubSpotFormsV4.getFormFromEvent(event).getFormFieldValues()` resolves to `[{ name: '0-1/email', value }]`.
const LEGACY_TYPE = 'hsFormCallback'
const LEGACY_SUBMITTED = 'onFormSubmitted'
export const NEW_FORM_SUBMITTED = 'hs-form-event:on-submission:success'

/** The Segment event a submission becomes. */
export const FORM_SUBMITTED = 'Form Submitted'
/** Fields read from one submission at most: a hostile message must not make the work grow with it. */
export const MAX_FIELDS = 200
/** How long a new form's values may take; after that the submission is sent with its form id only. */
export const VALUES_TIMEOUT_MS = 3000
/** The same form reported by both kinds of event within this time is one submission. */
export const SAME_SUBMISSION_MS = 2000


// Legacy embeds render in the page, so their messages come from its own origin; a form HubSpot hosts in a frame
// posts from HubSpot's forms hosts. Any other frame can forge the message: it is not listened to.
const HUBSPOT_ORIGIN = /^https:\/\/(?:[a-z0-9-]+\.)*(?:hsforms\.com|hsforms\.net|hubspot\.com)$/
// Form ids are GUIDs; nothing else becomes `form_id`.
const FORM_ID = /^[A-Za-z0-9_-]{1,100}$/
// `0-1/email` (new forms: object type, then the property): the property is the field's name.
const OBJECT_TYPE = /^\d+-\d+\//
const EMAIL = /^[^\s@"<>,;:()[\]\\]{1,64}@(?:[^\s@"<>,;:()[\]\\.]+\.)+[^\s@"<>,;:()[\]\\.]{2,}$/u

// Names that hold a secret or payment data, whatever the allow-list says: words inside a name, and whole words.
const SECRET_PARTS = /password|passwd|passphrase|passcode|creditcard|debitcard|cardnumber|cardno|ccnum|cardholder|securitycode|cardexp|ccexp|expirydate|expirationdate|socialsecurity|routingnumber|routing|accountnumber|bankaccount|sortcode|nationalid|nationalinsurance|passport|taxid|taxnumber|socialinsurance|driverslicen[cs]e/
const SECRET_WORDS = new Set([
  'pwd', 'pass', 'pin', 'secret', 'otp', 'token',
  'card', 'cc', 'pan', 'cvc', 'cvv', 'cvc2', 'cvv2', 'cvn', 'csc', 'exp', 'expiry', 'expiration',
  'iban', 'bic', 'swift', 'ssn', 'sin',
])

interface FormField {
  name: string
  value: unknown
}
type Kind = 'legacy' | 'new'
type Value = string | number | boolean | Array<string | number | boolean>

/** The property a field's name stands for: without the object type new forms put in front. */
const bare = (name: string): string => name.replace(OBJECT_TYPE, '')

/** Whether a field's name says it holds a password, a card or a bank account, an expiry, a national id… */
export function isSecretName(name: string): boolean {
  const compact = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  if (SECRET_PARTS.test(compact)) return true
  // Words: split at separators and at camelCase boundaries (`cardCvc`, `card_cvc`, `card-cvc`).
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/)
  return words.some((word) => SECRET_WORDS.has(word))
}

/** A card number (13 to 19 digits, spaces or dashes between, passing the Luhn check) or an IBAN (passing mod 97). */
export function isPaymentValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isPaymentValue)
  if (typeof value !== 'string' && typeof value !== 'number') return false
  const text = String(value).trim()
  if (/^[\d -]+$/.test(text)) {
    const digits = text.replace(/\D/g, '')
    return digits.length >= 13 && digits.length <= 19 && luhn(digits)
  }
  const iban = text.replace(/ /g, '').toUpperCase()
  return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban) && mod97(iban)
}

function luhn(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2
    sum += digit
  }
  return sum % 10 === 0
}

function mod97(iban: string): boolean {
  let rest = 0
  for (const char of iban.slice(4) + iban.slice(0, 4)) {
    const code = char.charCodeAt(0)
    const number = code >= 65 ? code - 55 : code - 48
    rest = (number > 9 ? rest * 100 + number : rest * 10 + number) % 97
  }
  return rest === 1
}

/** A value as it may leave the page: text, a finite number, a boolean, or a short list of those (a copy). */
function sendable(value: unknown): Value | undefined {
  if (typeof value === 'string') return value.length <= MAX_VALUE_LENGTH ? value : undefined
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'boolean') return value
  if (!Array.isArray(value) || value.length > MAX_ARRAY_LENGTH) return undefined
  const items: Array<string | number | boolean> = []
  for (let i = 0; i < value.length; i++) {
    const item = sendable(value[i])
    if (item === undefined || Array.isArray(item)) return undefined
    items.push(item)
  }
  return items
}

/** An email-shaped string, trimmed; anything else is not an email. */
function emailFrom(value: unknown): string | undefined {
  const email = typeof value === 'string' ? value.trim() : ''
  return email.length <= 254 && EMAIL.test(email) ? email : undefined
}

const formIdFrom = (value: unknown): string | undefined => (typeof value === 'string' && FORM_ID.test(value) ? value : undefined)

/** `[{ name, value }]`, at most MAX_FIELDS of it. */
function fromList(list: unknown[]): FormField[] {
  const fields: FormField[] = []
  for (let i = 0; i < Math.min(list.length, MAX_FIELDS); i++) {
    const name = field(list[i], 'name')
    if (typeof name === 'string') fields.push({ name, value: field(list[i], 'value') })
  }
  return fields
}

/** `{ <name>: <value> }`, at most MAX_FIELDS of it. */
function fromRecord(record: Record<string, unknown>): FormField[] {
  const fields: FormField[] = []
  for (const name in record) {
    if (fields.length >= MAX_FIELDS) break
    if (hasOwn(record, name)) fields.push({ name, value: field(record, name) })
  }
  return fields
}

/** The submitted values, as a list (`getFormFieldValues`, `onBeforeFormSubmit`) or an object (`submissionValues`). */
function fieldsFrom(values: unknown): FormField[] {
  try {
    return Array.isArray(values) ? fromList(values) : isRecord(values) ? fromRecord(values) : []
  } catch {
    return [] // a revoked Proxy, a throwing trap: no values
  }
}

function isList(value: unknown): boolean {
  try {
    return Array.isArray(value)
  } catch {
    return false // a revoked Proxy
  }
}

/** The method `name` of `object`, called on it; undefined when there is none or it throws. */
function call(object: unknown, name: string): unknown {
  try {
    const method = (object as Record<string, unknown> | null | undefined)?.[name]
    return typeof method === 'function' ? (method as () => unknown).call(object) : undefined
  } catch {
    return undefined
  }
}

/**
 * `trackFormSubmissions`: each successful HubSpot form submission on the page becomes Segment calls:
 * `identify({ email })` when the form holds an email-shaped one, then `track('Form Submitted', { form_id, … })`
 * with the fields `formFields` lists (never one whose name or value looks like a secret or payment data).
 * Both are marked `integrations: { HubSpot: false, 'HubSpot Cloud Mode (Actions)': false }`: HubSpot has the submission already. Nothing is sent
 * without consent, and nothing here throws at the page. Returns what stops listening.
 */
export function trackFormSubmissions(context: FeatureContext): () => void {
  const { win, settings, analytics, consented, log } = context
  const allowed = new Set(settings.formFields.map((name) => bare(name).toLowerCase()))
  const pageOrigin = ((): string => {
    try {
      return win.location.origin
    } catch {
      return ''
    }
  })()
  // The last submission of each form, and which kind of event told of it.
  const recent = new Map<string, { kind: Kind; at: number }>()
  let stopped = false

  const debug = (message: string): void => log.debug(message)
  const notSent = (why: string): void => debug(`${__DEV__ ? 'HubSpot form submission not sent to Segment' : 'form not sent'}: ${why}`)

  /** Sends a Segment call; a rejected promise or a throw stays here. */
  function send(method: 'identify' | 'track', ...args: unknown[]): void {
    try {
      const result = (analytics[method] as ((...args: unknown[]) => unknown) | undefined)?.apply(analytics, args)
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, () => {})
    } catch (error) {
      debug(`${__DEV__ ? `analytics.${method} failed for a HubSpot form submission` : method}: ${reason(error)}`)
    }
  }

  /** The submission may go: listening, consent granted, and not the same one told by the other kind of event. */
  function mayGo(formId: string, kind: Kind): boolean {
    if (stopped) return false
    if (!consented()) {
      notSent(__DEV__ ? 'consent for HubSpot is not granted' : 'no consent')
      return false
    }
    const now = Date.now()
    const last = recent.get(formId)
    if (recent.size > 100) recent.clear()
    recent.set(formId, { kind, at: now })
    if (last && last.kind !== kind && now - last.at < SAME_SUBMISSION_MS) {
      notSent(__DEV__ ? `form ${formId} was reported by both kinds of HubSpot form event; it is sent once` : 'duplicate')
      return false
    }
    return true
  }

  /** What a submission becomes: the email for identify, and the properties of the track. */
  function deliver(formId: string, fields: FormField[]): void {
    if (stopped) return
    // Consent may have been taken back while a new form's values were on their way.
    if (!consented()) return notSent(__DEV__ ? 'consent for HubSpot is not granted' : 'no consent')
    let email: string | undefined
    const properties: Record<string, Value> = { form_id: formId }
    const left: string[] = []
    for (const { name, value } of fields) {
      const key = bare(name)
      const lower = key.toLowerCase()
      if (lower === 'email') email ??= emailFrom(value)
      if (!allowed.has(lower) || isForbiddenKey(key) || hasOwn(properties, key)) continue
      // A listed field still never carries a secret or payment data, named so or shaped so.
      const kept = lower === 'email' ? emailFrom(value) : isSecretName(key) ? undefined : sendable(value)
      if (kept === undefined || isPaymentValue(kept)) left.push(key)
      else properties[key] = kept
    }
    if (left.length) debug(`${__DEV__ ? 'HubSpot form fields left out (a secret, payment data, or a value that cannot be sent)' : 'fields left out'}: ${left.slice(0, 10).join(', ')}`)
    // HubSpot has the submission: not to this destination, nor to Segment's cloud-mode HubSpot destinations.
    const options = () => ({ integrations: { HubSpot: false, 'HubSpot Cloud Mode (Actions)': false } })
    if (email) send('identify', { email }, options())
    send('track', FORM_SUBMITTED, properties, options())
  }

  function onMessage(event: MessageEvent): void {
    try {
      const data: unknown = event.data
      if (field(data, 'type') !== LEGACY_TYPE || field(data, 'eventName') !== LEGACY_SUBMITTED) return
      const origin = event.origin
      if (origin !== pageOrigin && !HUBSPOT_ORIGIN.test(origin)) return notSent(`${__DEV__ ? 'an hsFormCallback message from an origin that is neither the page nor HubSpot' : 'origin'} ${origin}`)
      const formId = formIdFrom(field(data, 'id'))
      if (!formId) return notSent(__DEV__ ? 'an onFormSubmitted message without a form id' : 'no form id')
      if (!mayGo(formId, 'legacy')) return
      const submitted = field(data, 'data')
      deliver(formId, fieldsFrom(isRecord(submitted) ? field(submitted, 'submissionValues') : submitted))
    } catch (error) {
      notSent(reason(error))
    }
  }

  function onNewForm(event: Event): void {
    try {
      const detail = (event as CustomEvent<unknown>).detail
      let form: unknown
      try {
        const forms = (win as unknown as { HubSpotFormsV4?: { getFormFromEvent?: unknown } }).HubSpotFormsV4
        const getFormFromEvent = forms?.getFormFromEvent
        form = typeof getFormFromEvent === 'function' ? (getFormFromEvent as (event: Event) => unknown).call(forms, event) : undefined
      } catch {
        form = undefined
      }
      const formId = formIdFrom(field(detail, 'formId')) ?? formIdFrom(call(form, 'getFormId'))
      if (!formId) return notSent(__DEV__ ? `a ${NEW_FORM_SUBMITTED} event without a form id` : 'no form id')
      if (!mayGo(formId, 'new')) return
      let done = false
      const finish = (values: unknown, why?: string): void => {
        if (done) return
        done = true
        clearTimeout(timer)
        try {
          if (why) debug(`${__DEV__ ? `HubSpot form ${formId}: its values could not be read (${why}); sent with its form id only` : `no values: ${why}`}`)
          deliver(formId, fieldsFrom(values))
        } catch (error) {
          notSent(reason(error))
        }
      }
      const timer = setTimeout(() => finish(undefined, __DEV__ ? `none after ${VALUES_TIMEOUT_MS} ms` : 'timeout'), VALUES_TIMEOUT_MS)
      const values = call(form, 'getFormFieldValues')
      if (values === undefined) return finish(undefined, __DEV__ ? 'HubSpotFormsV4 gave no form, or no getFormFieldValues, for the event' : 'no form')
      Promise.resolve(values).then(
        (list) => finish(list, isList(list) ? undefined : __DEV__ ? 'getFormFieldValues gave no list' : 'no list'),
        (error) => finish(undefined, reason(error)),
      )
    } catch (error) {
      notSent(reason(error))
    }
  }

  win.addEventListener('message', onMessage)
  win.addEventListener(NEW_FORM_SUBMITTED, onNewForm)
  return () => {
    stopped = true
    win.removeEventListener('message', onMessage)
    win.removeEventListener(NEW_FORM_SUBMITTED, onNewForm)
  }
}
