// Stands in for `domify` in the bundles. @segment/analytics.js-integration uses it only for `.tag()`
// templates, which this package never declares (it adds HubSpot's scripts itself), and domify
// assigns innerHTML as soon as its module runs, which a Trusted Types policy (`require-trusted-types-for
// 'script'`) turns into an exception that made AnalyticsBrowser.load() reject.
module.exports = function domify() {
  throw new Error('hubspot-destination: analytics.js-integration .tag() templates are not used')
}
