// Script-tag build (dist/hubspot.iife.js): `<script src=".../hubspot.iife.js">` gives
// `window.HubSpotDestination.hubspot` (analytics-next plugin) and `.HubSpot` (classic integration).
// globalThis, not window: loaded in a worker (importScripts), it must not throw; the plugin is inert there.
import { HubSpot } from '../classic'
import { hubspot } from '../full'

;(globalThis as typeof globalThis & { HubSpotDestination?: { hubspot: typeof hubspot; HubSpot: typeof HubSpot } }).HubSpotDestination = {
  hubspot,
  HubSpot,
}
