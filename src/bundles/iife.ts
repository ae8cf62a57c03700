// Script-tag build (dist/hubspot.iife.js): `<script src=".../hubspot.iife.js">` gives
// `window.HubSpotDestination.hubspot` (analytics-next plugin) and `.HubSpot` (classic integration).
import { HubSpot } from '../classic'
import { hubspot } from '../plugin'

;(window as Window & { HubSpotDestination?: { hubspot: typeof hubspot; HubSpot: typeof HubSpot } }).HubSpotDestination = {
  hubspot,
  HubSpot,
}
