// `hubspot-destination preview`: the `_hsq` commands that Segment events become, from the same pure core;
// `hubspot-destination send`: the events to HubSpot's API through the server half.
import { run } from './run'

// A reader that goes away (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code
    // Interrupted (send): calls abandoned by a second Ctrl-C may still hold the event loop.
    if (code === 130 || code === 143) process.exit(code)
  },
  (error: unknown) => {
    process.stderr.write(`hubspot-destination: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = 70
  },
)
