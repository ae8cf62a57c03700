import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

export default defineConfig({
  // Classic and plugin are entries of their own so that bundlers can drop the one a site doesn't import.
  entry: { index: 'src/index.ts', normalize: 'src/normalize.ts', classic: 'src/classic.ts', plugin: 'src/plugin.ts' },
  format: ['esm', 'cjs'],
  platform: 'browser',
  target: 'es2020',
  dts: true,
  clean: true,
  splitting: true,
  sourcemap: true,
  // Bundled so that its `window`-reading module runs only when the classic integration is first used.
  noExternal: ['@segment/analytics.js-integration'],
  define: { __VERSION__: JSON.stringify(version) },
})
