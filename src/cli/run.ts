import { createInterface } from 'node:readline'
import { VERSION } from '../core/version'
import { HELP, UsageError, parseCommandLine, type PreviewOptions } from './args'
import { formatHeader, formatHuman, formatJson, formatSummary, type Totals } from './format'
import { binaryMessage, looksBinary, openInput, PROGRAM, write, type CliStreams } from './input'
import { createPreview } from './preview'
import { send } from './send'

export type { CliStreams } from './input'

/** Exit codes: every line was an event; a line was bad; bad usage or settings, or unreadable input. */
export const EXIT = { ok: 0, badLine: 1, usage: 2 } as const

async function preview(options: PreviewOptions, io: CliStreams): Promise<number> {
  const source = options.file ?? 'stdin'
  const opened = await openInput(options.file, io)
  if ('error' in opened) {
    io.stderr.write(opened.error)
    return EXIT.usage
  }
  const { input, close } = opened
  const mapper = createPreview(options.settings, options.state)
  const totals: Totals = { events: 0, commands: 0, silent: 0, bad: 0 }
  if (!options.json) await write(io.stdout, formatHeader(options.settings))
  let number = 0
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      // Binary input: one message, not one error per line of junk echoed to the terminal.
      if (looksBinary(text)) {
        io.stderr.write(binaryMessage(source, number + 1))
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
    case 'send':
      return send(command.options, io)
  }
}
