import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

// dist/server.*: the server half, for Node, built after the library (whose type step clears dist/*.d.ts).
// @hubspot/api-client, an optional peer dependency, stays external.
export default defineConfig({
  entry: { server: 'src/server/index.ts' },
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node18',
  outDir: 'dist',
  dts: true,
  clean: false,
  splitting: false,
  sourcemap: true,
  define: { __VERSION__: JSON.stringify(version), __DEV__: 'true' },
})
