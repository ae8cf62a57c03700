// Lays out dist/hubspot.dynamic.js (built by tsup) the way analytics-next's loader fetches a classic
// destination from a self-hosted CDN:
//   <cdnURL>/next-integrations/integrations/hubspot/<version>/hubspot.dynamic.js.gz
// <version> is the integration settings' versionSettings.override ?? versionSettings.version ?? 'latest'
// (resolveVersion in @segment/analytics-next), so both 'latest' and this package's version are written.
// The files are gzip data; the server must send them with `Content-Encoding: gzip`.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { gzipSync, constants } from 'node:zlib'

const dist = new URL('../dist/', import.meta.url)
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

const script = readFileSync(new URL('hubspot.dynamic.js', dist))
const gzipped = gzipSync(script, { level: constants.Z_BEST_COMPRESSION })

const root = new URL('next-integrations/integrations/hubspot/', dist)
rmSync(root, { recursive: true, force: true })
for (const folder of ['latest', version]) {
  const dir = new URL(`${folder}/`, root)
  mkdirSync(dir, { recursive: true })
  writeFileSync(new URL('hubspot.dynamic.js.gz', dir), gzipped)
  console.log(`CDN dist/next-integrations/integrations/hubspot/${folder}/hubspot.dynamic.js.gz ${gzipped.length} B (${script.length} B unzipped)`)
}
