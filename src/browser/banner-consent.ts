import type { FeatureContext } from './features'
import { ensureQueue } from './queue'

interface PrivacyConsent {
  allowed?: unknown
  categories?: { analytics?: unknown }
}

/**
 * `consentFromHubSpotBanner`: HubSpot's cookie banner decides. Its privacy consent listener (on `_hsp`)
 * is called with each decision; like HubSpot's own tracker, analytics cookies allowed means tracking is.
 */
export function listenToBanner({ win, allow }: FeatureContext): void {
  if (!allow) return
  ensureQueue(win, '_hsp').push([
    'addPrivacyConsentListener',
    (consent: PrivacyConsent | undefined) => allow(!!consent && (consent.allowed === true || consent.categories?.analytics === true)),
  ])
}
