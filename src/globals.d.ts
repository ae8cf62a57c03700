/**
 * A development build: messages explain at length. Production builds (the package's default files, the
 * script-tag and CDN bundles) keep short ones that still name the setting, the key or the value.
 * Every build defines it (tsup, vitest, scripts/size-parts.mjs); the condition folds away.
 */
declare const __DEV__: boolean
