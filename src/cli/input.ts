// What both commands do with their input and output: open the file or standard input, tell text from binary,
// write with back-pressure.
import { once } from 'node:events'
import { open } from 'node:fs/promises'
import type { Readable, Writable } from 'node:stream'

export interface CliStreams {
  stdin: Readable
  stdout: Writable
  stderr: Writable
}

export const PROGRAM = 'hubspot-destination'

export async function write(stream: Writable, text: string): Promise<void> {
  // Respect back-pressure so a large file piped into a slow reader does not pile up in memory.
  if (!stream.write(text)) await once(stream, 'drain')
}

/** A NUL byte, or more than one character in ten a control character other than tab: no text file. */
export function looksBinary(text: string): boolean {
  let control = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0) return true
    if ((code < 32 && code !== 9 && code !== 13) || code === 0xfffd) control++
  }
  return control > 0 && control * 10 > text.length
}

export function binaryMessage(source: string, line: number): string {
  return `${PROGRAM}: ${source} looks binary (control bytes on line ${line}), not Segment events one JSON object a line\n`
}

/** The file (not a directory) as a text stream, or standard input; an error says why it can't be read. */
export async function openInput(file: string | undefined, io: CliStreams): Promise<{ input: Readable; close: () => Promise<void> } | { error: string }> {
  if (file === undefined) {
    if ((io.stdin as { isTTY?: boolean }).isTTY) {
      io.stderr.write(`${PROGRAM}: reading Segment events from the terminal, one JSON object a line; end with Ctrl-D\n`)
    }
    return { input: io.stdin, close: async () => {} }
  }
  try {
    const handle = await open(file, 'r')
    if ((await handle.stat()).isDirectory()) {
      await handle.close()
      throw new Error('it is a directory')
    }
    return { input: handle.createReadStream({ encoding: 'utf8' }), close: () => handle.close().catch(() => {}) }
  } catch (error) {
    return { error: `${PROGRAM}: cannot read ${file}: ${(error as Error).message}\n` }
  }
}
