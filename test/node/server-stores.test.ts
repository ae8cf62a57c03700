import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fileCheckpoint, fileContacts, memoryCheckpoint, memoryContacts } from '../../src/server/stores'

let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})
const temp = (name: string): string => join((dir ??= mkdtempSync(join(tmpdir(), 'hubspot-stores-'))), name)

describe('what the server half keeps between runs', () => {
  it('in memory: the email of each userId, and the delivered ids', () => {
    const contacts = memoryContacts()
    contacts.remember('u1', 'ada@example.com')
    expect([contacts.emailOf('u1'), contacts.emailOf('u2')]).toEqual(['ada@example.com', undefined])
    const checkpoint = memoryCheckpoint()
    checkpoint.delivered('m1')
    expect([checkpoint.has('m1'), checkpoint.has('m2')]).toEqual([true, false])
  })

  it('in files: a restart (a new store on the same file) knows what the last run learned', () => {
    const contactsFile = temp('contacts.json')
    fileContacts(contactsFile).remember('u1', 'ada@example.com')
    expect(fileContacts(contactsFile).emailOf('u1')).toBe('ada@example.com')
    const checkpointFile = temp('delivered.txt')
    const first = fileCheckpoint(checkpointFile)
    first.delivered('m1')
    first.delivered('m2')
    first.delivered('m1')
    expect(readFileSync(checkpointFile, 'utf8')).toBe('m1\nm2\n')
    const resumed = fileCheckpoint(checkpointFile)
    expect([resumed.has('m1'), resumed.has('m2'), resumed.has('m3')]).toEqual([true, true, false])
  })
})
