import { hasOwn } from '../core/keys'
import { collectProperties } from '../core/normalize'
import { isTrackerField, survivesEmptying } from './tracker-fields'
import type { HubSpotCommand, HubSpotProperties } from '../core/types'

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** The legacy custom event: `{ id, value?, ...properties }`; no property may take one of the tracker's own fields. */
export function trackEventPayload(id: string, properties: unknown, notes: string[]): HubSpotProperties & { id: string; value?: number | string } {
  const { out: props, notes: leftOut } = collectProperties(properties)
  notes.push(...leftOut)
  const { value, revenue } = props
  const amount = isFiniteNumber(value) ? value : isFiniteNumber(revenue) ? revenue : undefined
  const payload: HubSpotProperties & { id: string; value?: number | string } =
    amount === undefined ? { id } : { id, value: survivesEmptying(amount) }
  for (const key of Object.keys(props)) {
    // revenue stays a property unless it became the value.
    if (key === 'value' || (key === 'revenue' && amount === revenue && value !== revenue)) continue
    const moved = key === 'id' || isTrackerField(key)
    if (moved && hasOwn(props, `_${key}`)) notes.push(__DEV__ ? `property "${key}" left out: it is a field of HubSpot's beacon and "_${key}" is taken` : `"${key}" left out`)
    else if (moved && key !== 'id') notes.push(__DEV__ ? `property "${key}" sent as "_${key}": "${key}" is a field of HubSpot's beacon` : `"${key}" sent as "_${key}"`)
    if (!moved) payload[key] = props[key]!
    else if (!hasOwn(props, `_${key}`)) payload[`_${key}`] = props[key]!
  }
  return payload
}

/** `['trackEvent', …]`: HubSpot's legacy custom event, for `useCustomBehavioralEvents: false`. */
export const legacyEvent = (id: string, properties: unknown, notes: string[]): HubSpotCommand => ['trackEvent', trackEventPayload(id, properties, notes)]
