import { readFileSync } from 'node:fs'
import { defineConfig, type Options } from 'tsup'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

const define = {
  __VERSION__: JSON.stringify(version),
  // Production: short messages (src/globals.d.ts). The development build below sets it to true.
  __DEV__: 'false',
  // @segment/analytics.js-integration (bundled, see noExternal) reads Node's `global` (in @segment/fmt);
  // browsers and bundlers such as Vite and esbuild have no `global`, so the classic integration threw a ReferenceError.
  global: 'globalThis',
}

// domify (bundled with @segment/analytics.js-integration) assigns innerHTML when its module runs, which a
// Trusted Types policy forbids; only `.tag()` templates use it, and this package declares none.
const esbuildOptions: Options['esbuildOptions'] = (options) => {
  options.alias = { ...options.alias, domify: './src/browser/bundles/domify.cjs' }
  // Folds `__DEV__ ? long : short` so the files hold only the build's own messages; names and lines stay readable.
  options.minifySyntax = true
}

// Files other builds write into dist/. tsup runs the configs below in parallel, and the CLI's own
// build (tsup.cli.config.ts, also run by its test) may run beside this one, so the library's clean
// must leave them alone or it could delete them after they are written.
const BUNDLE_FILES = ['!hubspot.iife.js', '!hubspot.iife.js.map', '!hubspot.dynamic.js', '!next-integrations/**', '!cli.js', '!development/**']

/** A self-contained, minified browser script: everything bundled, nothing imported at run time. */
const browserScript = (entry: Record<string, string>, options: Options = {}): Options => ({
  entry,
  format: ['iife'],
  platform: 'browser',
  target: 'es2020',
  minify: true,
  clean: false,
  dts: false,
  splitting: false,
  noExternal: [/.*/],
  outExtension: () => ({ js: '.js' }),
  define,
  esbuildOptions,
  ...options,
})

// Classic and plugin are entries of their own so that bundlers can drop the one a site doesn't import.
const LIBRARY_ENTRIES = {
  index: 'src/index.ts',
  full: 'src/browser/full.ts',
  normalize: 'src/core/normalize.ts',
  classic: 'src/browser/classic.ts',
  plugin: 'src/browser/plugin.ts',
}

export default defineConfig([
  {
    entry: LIBRARY_ENTRIES,
    format: ['esm', 'cjs'],
    platform: 'browser',
    target: 'es2020',
    dts: true,
    clean: BUNDLE_FILES,
    splitting: true,
    sourcemap: true,
    // Bundled so that its `window`-reading module runs only when the classic integration is first used.
    noExternal: ['@segment/analytics.js-integration'],
    define,
    esbuildOptions,
  },
  // dist/development/: the same entries with long messages, for the `development` export condition.
  {
    entry: { index: 'src/index.ts', full: 'src/browser/full.ts' },
    outDir: 'dist/development',
    format: ['esm', 'cjs'],
    platform: 'browser',
    target: 'es2020',
    dts: false,
    clean: true,
    splitting: true,
    sourcemap: true,
    noExternal: ['@segment/analytics.js-integration'],
    define: { ...define, __DEV__: 'true' },
    esbuildOptions,
  },
  // dist/hubspot.iife.js: `<script>` build exposing window.HubSpotDestination = { hubspot, HubSpot }.
  browserScript({ 'hubspot.iife': 'src/browser/bundles/iife.ts' }, { sourcemap: true }),
  // dist/hubspot.dynamic.js: gzipped by scripts/build-cdn.mjs into the self-hosted CDN layout
  // (dist/next-integrations/integrations/hubspot/<version>/hubspot.dynamic.js.gz).
  browserScript({ 'hubspot.dynamic': 'src/browser/bundles/dynamic.ts' }),
])
