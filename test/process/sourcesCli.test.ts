// `tally sources add|list|test|discover|add-sync|sync|status` through the real binary against a
// real `tally start` and a throwaway MariaDB database: the connection read from a file (the
// password never printed), a refused login with the API's code, discovery, a job and a sync
// whose rows become events.
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertUsage, USAGE_SYNC } from '../sources/sourceContractSuite.ts'
import { mariadbDatabase, type SourceDatabase } from '../sources/sourceDatabases.ts'
import { useTallyCli } from '../support/tallyCli.ts'

const t = useTallyCli({ org: '5b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e', env: { TALLY_SECRET_KEY: randomBytes(32).toString('base64') } })
const { cli } = t

let db: SourceDatabase
beforeAll(async () => {
  db = await mariadbDatabase()
  await db.exec(db.usageTable)
  await db.exec(
    insertUsage([
      [1, 'c1', '2026-03-01 10:00:00', '1.5', '2026-03-01 10:00:00'],
      [2, 'c2', '2026-03-01 10:01:00', '2.5', '2026-03-01 10:01:00'],
    ]),
  )
})
afterAll(async () => {
  await db?.close()
})

describe('tally sources', () => {
  it('adds a source from a file, discovers it, syncs a job and shows its status; never prints the password', async () => {
    const file = join(t.dir, 'source.json')
    writeFileSync(file, JSON.stringify({ ...db.badLogin, name: 'app-db' }))
    const refused = await cli(['sources', 'add', '--file', file])
    expect([refused.code, `${refused.stdout}${refused.stderr}`.includes('source_auth_failed')]).toEqual([1, true])
    expect(`${refused.stdout}${refused.stderr}`).not.toContain('wrong-password')

    writeFileSync(file, JSON.stringify({ ...db.connection, name: 'app-db' }))
    const added = await cli(['sources', 'add', '--file', file])
    expect(added.code).toBe(0)
    const id = new RegExp(`^Connected mysql root@127\\.0\\.0\\.1:3306/${db.name} as (\\S+) `, 'm').exec(added.stdout)?.[1]
    expect(id).toBeDefined()
    expect((await cli(['sources', 'list'])).stdout).toContain(db.name)
    expect((await cli(['sources', 'test', '--source', id!])).stdout).toMatch(/^OK: .*read-only transaction/m)
    const discovered = await cli(['sources', 'discover', '--source', id!])
    expect(discovered.stdout).toContain(`${db.name}.usage_rows`)
    expect(discovered.stdout).toMatch(/updated_at\s+datetime\(6\)\s+time/)

    expect((await cli(['raw-metrics', 'create', 'tokens'])).code).toBe(0)
    const jobFile = join(t.dir, 'job.json')
    writeFileSync(jobFile, JSON.stringify(USAGE_SYNC))
    const job = await cli(['sources', 'add-sync', '--source', id!, '--file', jobFile])
    const jobId = /^Sync job usage \((\S+)\)/m.exec(job.stdout)?.[1]
    expect(jobId).toBeDefined()
    const synced = await cli(['sources', 'sync', '--source', id!, '--job', jobId!])
    expect([synced.code, synced.stdout]).toEqual([0, expect.stringMatching(/succeeded: 2 read, 2 accepted, 0 duplicate, 0 rejected/)])
    const status = await cli(['sources', 'status', '--source', id!])
    expect(status.stdout).toContain('2026-03-01 10:01:00')
  })
})
