import { once } from 'node:events'
import { open } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { VERSION } from '../core/version'
import { HELP, UsageError, parseCommandLine, type PreviewOptions } from './args'
import { formatHeader, formatHuman, formatJson, formatSummary, type Totals } from './format'
import { createPreview } from './preview'

export interface CliStreams {
  stdin: Readable
  stdout: Writable
  stderr: Writable
}

/** Exit codes: every line was an event; a line was bad; bad usage or settings, or unreadable input. */
export const EXIT = { ok: 0, badLine: 1, usage: 2 } as const

const PROGRAM = 'hubspot-destination'

async function write(stream: Writable, text: string): Promise<void> {
  // Respect back-pressure so a large file piped into a slow reader does not pile up in memory.
  if (!stream.write(text)) await once(stream, 'drain')
}

/** A NUL byte, or more than one character in ten a control character other than tab: no text file. */
function looksBinary(text: string): boolean {
  let control = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0) return true
    if ((code < 32 && code !== 9 && code !== 13) || code === 0xfffd) control++
  }
  return control > 0 && control * 10 > text.length
}

async function preview(options: PreviewOptions, io: CliStreams): Promise<number> {
  const source = options.file ?? 'stdin'
  let input: Readable = io.stdin
  let close = async (): Promise<void> => {}
  if (options.file !== undefined) {
    try {
      const handle = await open(options.file, 'r')
      if ((await handle.stat()).isDirectory()) {
        await handle.close()
        throw new Error('it is a directory')
      }
      input = handle.createReadStream({ encoding: 'utf8' })
      close = () => handle.close().catch(() => {})
    } catch (error) {
      io.stderr.write(`${PROGRAM}: cannot read ${options.file}: ${(error as Error).message}\n`)
      return EXIT.usage
    }
  }
  if (options.file === undefined && (io.stdin as { isTTY?: boolean }).isTTY) {
    io.stderr.write(`${PROGRAM}: reading Segment events from the terminal, one JSON object a line; end with Ctrl-D\n`)
  }
  const mapper = createPreview(options.settings, options.state)
  const totals: Totals = { events: 0, commands: 0, silent: 0, bad: 0 }
  if (!options.json) await write(io.stdout, formatHeader(options.settings))
  let number = 0
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      // Binary input: one message, not one error per line of junk echoed to the terminal.
      if (looksBinary(text)) {
        io.stderr.write(`${PROGRAM}: ${source} looks binary (control bytes on line ${number + 1}), not Segment events one JSON object a line\n`)
        return EXIT.usage
      }
      const result = mapper.line(text, ++number)
      if (!result) continue
      if (result.error) {
        totals.bad++
        io.stderr.write(`${source}:${result.line}: ${result.error}\n`)
      } else {
        totals.events++
        totals.commands += result.commands.length
        if (result.commands.length === 0) totals.silent++
      }
      if (options.json) await write(io.stdout, formatJson(result))
      else if (!result.error) await write(io.stdout, formatHuman(result))
    }
  } catch (error) {
    io.stderr.write(`${PROGRAM}: cannot read ${source}: ${(error as Error).message}\n`)
    return EXIT.usage
  } finally {
    await close()
  }
  if (!options.json) await write(io.stdout, formatSummary(totals))
  return totals.bad > 0 ? EXIT.badLine : EXIT.ok
}

/** Runs the command line `argv` (without `node` and the script) and resolves to the exit code. */
export async function run(argv: readonly string[], io: CliStreams): Promise<number> {
  let command
  try {
    command = parseCommandLine(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`${PROGRAM}: ${error.message}\nTry "${PROGRAM} --help".\n`)
    return EXIT.usage
  }
  switch (command.kind) {
    case 'help':
      await write(io.stdout, HELP)
      return EXIT.ok
    case 'version':
      await write(io.stdout, `${VERSION}\n`)
      return EXIT.ok
    case 'preview':
      return preview(command.options, io)
  }
}
