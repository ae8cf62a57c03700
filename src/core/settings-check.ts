// What every settings parser shares: the error that names the setting, and how a bad value is shown.

/** A setting that cannot be used; `setting` names it. */
export class HubSpotSettingsError extends Error {
  readonly setting: string
  constructor(setting: string, problem: string) {
    super(`HubSpot setting "${setting}" ${problem}`)
    this.name = 'HubSpotSettingsError'
    this.setting = setting
  }
}

/** A short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'object' && value !== null) {
    try {
      return Array.isArray(value) ? 'an array' : 'an object'
    } catch {
      return 'an object' // a revoked Proxy
    }
  }
  return typeof value === 'function' || typeof value === 'symbol' ? `a ${typeof value}` : String(value)
}

/** Throws the settings error; `problem` is the development build's explanation, production's is shorter. */
export function fail(setting: string, problem: string, value: unknown): never {
  throw new HubSpotSettingsError(setting, `${problem}; got ${describe(value)}`)
}

export const INVALID = 'is invalid'

/** A list of names (`consentCategories`, `formFields`), trimmed. */
export function parseNames(setting: string, value: unknown): string[] {
  if (value == null) return []
  const names = Array.isArray(value) ? Array.from(value as unknown[]) : []
  if (!Array.isArray(value) || names.some((c) => typeof c !== 'string' || !c.trim())) {
    fail(setting, __DEV__ ? `must be a list of ${setting === 'formFields' ? 'form field' : 'consent category'} names` : INVALID, value)
  }
  return names.map((c) => (c as string).trim())
}
