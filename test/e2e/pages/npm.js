// Page script of the e2e tests, bundled by esbuild in test/e2e/harness.ts the way a site's bundler
// would: the real @segment/analytics-next from npm and this package's built ESM (dist/index.js, and
// dist/full.js for the settings that need it, as a site imports hubspot-destination/full for them).
// Plain JS so that `tsc --noEmit` does not need dist/ to exist.
import { AnalyticsBrowser } from '@segment/analytics-next'
import { HubSpot, hubspot as main } from '../../../dist/index.js'
import { hubspot as full } from '../../../dist/full.js'

const ON = ['loadFormsSdk', 'loadFormsSDK', 'trackFormSubmissions', 'attachUserToken', 'consentFromHubSpotBanner']
const needsFull = (options) =>
  !!options && (ON.some((name) => options[name] === true) || options.useCustomBehavioralEvents === false || (!!options.mappings && Object.keys(options.mappings).length > 0))
const hubspot = (options) => (needsFull(options) ? full : main)(options)

window.e2e = { AnalyticsBrowser, hubspot, HubSpot }
