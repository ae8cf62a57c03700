// Page script of the e2e tests, bundled by esbuild in test/e2e/harness.ts the way a site's bundler
// would: the real @segment/analytics-next from npm and this package's built ESM (dist/index.js).
// Plain JS so that `tsc --noEmit` does not need dist/ to exist.
import { AnalyticsBrowser } from '@segment/analytics-next'
import { HubSpot, hubspot } from '../../../dist/index.js'

window.e2e = { AnalyticsBrowser, hubspot, HubSpot }
