// Page script of the self-hosted CDN test: analytics-next only, nothing from this package.
// The HubSpot destination must come from the CDN folder (dist/next-integrations/...).
import { AnalyticsBrowser } from '@segment/analytics-next'

window.e2e = { AnalyticsBrowser }
