import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve } from 'node:path'

export type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | void

export interface LocalServer {
  url: string
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
  '.map': 'application/json',
  '.ndjson': 'application/x-ndjson',
}

/** Sends a file below `root`, never outside it; a `.gz` file goes out gzip-encoded, as a CDN serves it. */
export function serveFile(root: string, urlPath: string, res: ServerResponse): boolean {
  const path = normalize(join(root, decodeURIComponent(urlPath)))
  if (!path.startsWith(resolve(root))) return false
  let file = path
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html')
    statSync(file)
  } catch {
    return false
  }
  const gz = file.endsWith('.gz')
  const type = TYPES[extname(gz ? file.slice(0, -3) : file)] ?? 'application/octet-stream'
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...(gz ? { 'content-encoding': 'gzip' } : {}) })
  createReadStream(file).pipe(res)
  return true
}

/**
 * A server on 127.0.0.1 and a free port: each handler may answer; then files under `roots`
 * (URL prefix → folder); else 404.
 */
export async function startServer(options: { handlers?: Handler[]; roots?: Record<string, string>; port?: number } = {}): Promise<LocalServer> {
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    for (const handler of options.handlers ?? []) if (handler(req, res)) return
    for (const [prefix, root] of Object.entries(options.roots ?? {})) {
      if (pathname.startsWith(prefix) && serveFile(root, pathname.slice(prefix.length) || '/', res)) return
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
  })
  // A port in use is an error to report, not an unhandled 'error' event that crashes with a stack.
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', fail)
      done()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
