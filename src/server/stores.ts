// What the server half keeps between runs, at the edges (DESIGN.md): which email each userId's identify
// gave (so a later group associates the right contact, also after a restart), and which events were
// delivered (so a resumed run does not send them again). In memory, or in files for the CLI.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { KnownContacts } from './requests'

/** `KnownContacts` that also learns. */
export interface ContactStore extends KnownContacts {
  remember(userId: string, email: string): void
}

/** Which events were delivered. */
export interface CheckpointStore {
  has(id: string): boolean
  delivered(id: string): void
}

export function memoryContacts(): ContactStore {
  const emails = new Map<string, string>()
  return { emailOf: (userId) => emails.get(userId), remember: (userId, email) => void emails.set(userId, email) }
}

/** Contacts in a JSON file (`{ "<userId>": "<email>" }`), written after each change. */
export function fileContacts(path: string): ContactStore {
  const emails = new Map<string, string>(existsSync(path) ? Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : [])
  return {
    emailOf: (userId) => emails.get(userId),
    remember(userId, email) {
      if (emails.get(userId) === email) return
      emails.set(userId, email)
      writeFileSync(path, `${JSON.stringify(Object.fromEntries(emails))}\n`)
    },
  }
}

export function memoryCheckpoint(): CheckpointStore {
  const done = new Set<string>()
  return { has: (id) => done.has(id), delivered: (id) => void done.add(id) }
}

/** Delivered ids, one a line, appended as they are delivered: an interruption loses none of them. */
export function fileCheckpoint(path: string): CheckpointStore {
  const done = new Set<string>(existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [])
  return {
    has: (id) => done.has(id),
    delivered(id) {
      if (done.has(id)) return
      done.add(id)
      appendFileSync(path, `${id}\n`)
    },
  }
}
