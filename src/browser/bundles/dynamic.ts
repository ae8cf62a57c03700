// The file analytics-next's loader fetches for a classic destination from a self-hosted CDN:
// <cdnURL>/next-integrations/integrations/hubspot/<version>/hubspot.dynamic.js.gz
// (see loadIntegration in @segment/analytics-next). It reads `window[name + 'Deps']`
// (extra scripts to load first: none), calls `window[name + 'Loader']()`, then takes
// `window[name + 'Integration']`, where `name` is the integration name lower-cased ('hubspot').
import { HubSpot } from '../classic'

const page = window as Window & {
  hubspotDeps?: string[]
  hubspotLoader?: () => void
  hubspotIntegration?: typeof HubSpot
}

page.hubspotDeps = []
page.hubspotLoader = function () {
  page.hubspotIntegration = HubSpot
}
