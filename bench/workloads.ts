// The payloads every benchmark uses: a realistic identify (about 30 traits) and a 15-property track.

/** About 30 traits as a SaaS sign-up flow sends them: spaces and periods in keys, nested company and address, dates, flags, numbers. */
export function identifyTraits(): Record<string, unknown> {
  return {
    email: 'ada.lovelace@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: '+44 20 7946 0000',
    title: 'Head of Analytics',
    'Favorite Color': 'green',
    'Lead Source': 'Webinar',
    'plan.tier': 'enterprise',
    'utm.campaign': 'spring-launch',
    'utm.medium': 'email',
    company: { name: 'Analytical Engines Ltd', industry: 'Computing', employees: 120, plan: { tier: 'enterprise', seats: 25 } },
    address: { street: "12 St James's Square", city: 'London', state: 'Greater London', postalCode: 'SW1Y 4JH', country: 'UK' },
    createdAt: new Date(Date.UTC(2024, 2, 1, 12, 30)),
    trialEndsAt: '2024-04-01',
    lastLogin: '2024-03-15T09:30:00+01:00',
    isPaying: true,
    emailOptIn: false,
    seats: 25,
    mrr: 499.5,
    logins: 42,
    lifecycleStage: 'customer',
    website: '  https://example.com  ',
    timezone: 'Europe/London',
    language: 'en-GB',
    referrer: 'https://www.google.com/',
    'NPS Score': 9,
    avatar: 'https://example.com/ada.png',
    role: 'admin',
    interests: ['analytics', 'engines', 'poetry'],
    description: 'Wrote the first published algorithm.',
  }
}

/** Fifteen properties of an e-commerce style event. */
export function trackProperties(): Record<string, unknown> {
  return {
    id: 'order-1001',
    revenue: 499.5,
    currency: 'GBP',
    'Plan Name': 'Enterprise',
    'previous.plan': 'pro',
    billingCycle: 'annual',
    seats: 25,
    coupon: 'SPRING24',
    discount: 50,
    isTrial: false,
    renewsOn: '2025-03-01',
    purchasedAt: new Date(Date.UTC(2024, 2, 1, 12, 30)),
    source: { medium: 'email', campaign: 'spring-launch' },
    features: ['sso', 'audit-log'],
    'Sales Rep': 'Grace Hopper',
  }
}

export const IDENTIFY_EVENT = { type: 'identify', userId: 'user-42', traits: identifyTraits() }
export const TRACK_EVENT = { type: 'track', event: 'Order Completed', properties: trackProperties() }

/** The floor: a plain loop that copies the same object with lower-cased keys (one level, values as they are). */
export function lowerCaseCopy(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key in source) out[key.toLowerCase()] = source[key]
  return out
}
