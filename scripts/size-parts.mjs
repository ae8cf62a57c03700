// What each source module costs the plugin path (`import { hubspot }`), gzipped: the whole bundle as
// size-limit builds it, then the same bundle without that module's code (leave-one-out). Run from the repo.
import { build, transform } from 'esbuild'
import { gzipSync } from 'node:zlib'

const entry = process.argv[2] ?? "export { hubspot } from './src/browser/plugin.ts'"
const define = { __VERSION__: '"0.0.0"', __DEV__: 'false', global: 'globalThis' }
const common = { stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2020', define, treeShaking: true }

const gz = (text) => gzipSync(text, { level: 9 }).length
const min = await build({ ...common, minify: true })
const whole = min.outputFiles[0].text
// Unminified whitespace keeps esbuild's `// src/<file>` markers, which split the bundle by module.
const marked = (await build({ ...common, minifySyntax: true, minifyIdentifiers: true })).outputFiles[0].text
const slices = marked.split(/^\/\/ (\S+)\n/m)
const parts = []
for (let i = 1; i < slices.length; i += 2) parts.push({ file: slices[i], code: (await transform(slices[i + 1], { minifyWhitespace: true })).code })
const total = gz(parts.map((p) => p.code).join(''))
console.log(`plugin path: ${whole.length} B minified, ${gz(whole)} B gzipped`)
for (const part of parts.sort((a, b) => b.code.length - a.code.length)) {
  const without = gz(parts.filter((p) => p !== part).map((p) => p.code).join(''))
  console.log(`${part.file.padEnd(28)} ${String(part.code.length).padStart(6)} B min  ${String(total - without).padStart(5)} B gz`)
}
