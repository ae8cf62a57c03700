import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

// The `hubspot-destination` command: one file for Node, added to dist/ after the library build.
export default defineConfig({
  entry: { cli: 'src/cli/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node18',
  outDir: 'dist',
  clean: false,
  dts: false,
  splitting: false,
  sourcemap: false,
  banner: { js: '#!/usr/bin/env node' },
  // The CLI is a developer's tool: the long explanations.
  define: { __VERSION__: JSON.stringify(version), __DEV__: 'true' },
})
