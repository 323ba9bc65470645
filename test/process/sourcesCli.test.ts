// `tally sources add|list|test|discover|add-sync|sync|status` through the real binary against a
// real `tally start` and a throwaway MariaDB database: the connection read from a file (the
// password never printed), a refused login with the API's code, discovery, a job and a sync
// whose rows become events; a files source given by flags (`--kind files --path`) under
// the server's TALLY_SOURCE_FILES_ROOT, end to end the same way; and a ClickHouse database (its
// HTTP interface over chDB) from a file, `--kind clickhouse` without one refused.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertUsage, USAGE_SYNC } from '../sources/sourceContractSuite.ts'
import { clickhouseDatabase } from '../sources/clickhouseDatabase.ts'
import { mariadbDatabase, type SourceDatabase } from '../sources/sourceDatabases.ts'
import { useTallyCli } from '../support/tallyCli.ts'

const filesRoot = mkdtempSync(join(tmpdir(), 'tally-cli-files-'))
const t = useTallyCli({
  org: '5b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  env: { TALLY_SECRET_KEY: randomBytes(32).toString('base64'), TALLY_SOURCE_FILES_ROOT: filesRoot },
})
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
  rmSync(filesRoot, { recursive: true, force: true })
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

  it('adds a files source by flags, discovers it, syncs a job from it and shows its status', async () => {
    mkdirSync(join(filesRoot, 'exports'))
    const header = 'id,account,at,tokens,updated_at\n'
    writeFileSync(join(filesRoot, 'exports', 'usage_rows-1.csv'), `${header}101,c1,2026-03-01 10:00:00,1.5,2026-03-01 10:00:00\n`)
    writeFileSync(join(filesRoot, 'exports', 'usage_rows-2.csv'), `${header}102,c2,2026-03-01 10:01:00,12345678901234567890.25,2026-03-01 10:01:00\n`)
    const missing = await cli(['sources', 'add', '--kind', 'files', '--path', 'nowhere/*.csv'])
    expect([missing.code, `${missing.stdout}${missing.stderr}`.includes('source_file_not_found')]).toEqual([1, true])

    const added = await cli(['sources', 'add', '--kind', 'files', '--path', 'exports/*.csv', '--name', 'exports'])
    expect(added.code).toBe(0)
    const id = /^Connected files exports\/\*\.csv as (\S+) \(DuckDB v[^,]+, 2 csv files, 1 readable table\)/m.exec(added.stdout)?.[1]
    expect(id).toBeDefined()
    expect((await cli(['sources', 'list'])).stdout).toMatch(/files\s+exports\s+exports\/\*\.csv/)
    expect((await cli(['sources', 'test', '--source', id!])).stdout).toMatch(/^OK: DuckDB v/m)
    const discovered = await cli(['sources', 'discover', '--source', id!])
    expect(discovered.stdout).toContain('csv.exports')
    expect(discovered.stdout).toMatch(/updated_at\s+TIMESTAMP\s+time/)

    const jobFile = join(t.dir, 'files-job.json')
    writeFileSync(jobFile, JSON.stringify({ ...USAGE_SYNC, name: 'exported', table: 'exports' }))
    const job = await cli(['sources', 'add-sync', '--source', id!, '--file', jobFile])
    const jobId = /^Sync job exported \((\S+)\)/m.exec(job.stdout)?.[1]
    expect(jobId).toBeDefined()
    const synced = await cli(['sources', 'sync', '--source', id!, '--job', jobId!])
    expect([synced.code, synced.stdout]).toEqual([0, expect.stringMatching(/succeeded: 2 read, 2 accepted, 0 duplicate, 0 rejected/)])
    const status = await cli(['sources', 'status', '--source', id!])
    expect(status.stdout).toContain('2026-03-01 10:01:00')
  })

  it('adds a ClickHouse source from a file (never printing its password), syncs a job from it; --kind clickhouse without a file is refused', async () => {
    const ch = await clickhouseDatabase()
    try {
      await ch.exec(ch.usageTable)
      await ch.exec(insertUsage([[201, 'c1', '2026-03-01 10:00:00', '12345678901234.000001', '2026-03-01 10:02:00']]))
      const flags = await cli(['sources', 'add', '--kind', 'clickhouse', '--path', 'x'])
      expect([flags.code, `${flags.stdout}${flags.stderr}`.includes('--kind clickhouse takes --file SOURCE.json')]).toEqual([2, true])
      const file = join(t.dir, 'clickhouse.json')
      writeFileSync(file, JSON.stringify({ ...ch.connection, name: 'warehouse' }))
      const added = await cli(['sources', 'add', '--file', file])
      expect(`${added.stdout}${added.stderr}`).not.toContain(ch.connection.password)
      const id = new RegExp(
        `^Connected clickhouse tally_reader@${ch.connection.url.replace(/[.]/g, '\\.')}/${ch.name} as (\\S+) \\(ClickHouse 26\\.`,
        'm',
      ).exec(added.stdout)?.[1]
      expect(id).toBeDefined()
      expect((await cli(['sources', 'list'])).stdout).toContain(ch.connection.url)
      // The raw metric may exist already (the first test makes it): either way it is there after.
      await cli(['raw-metrics', 'create', 'tokens'])
      const jobFile = join(t.dir, 'clickhouse-job.json')
      writeFileSync(jobFile, JSON.stringify({ ...USAGE_SYNC, name: 'warehouse-usage' }))
      const jobId = /^Sync job warehouse-usage \((\S+)\)/m.exec((await cli(['sources', 'add-sync', '--source', id!, '--file', jobFile])).stdout)?.[1]
      const synced = await cli(['sources', 'sync', '--source', id!, '--job', jobId!])
      expect(synced.stdout).toMatch(/succeeded: 1 read, 1 accepted, 0 duplicate, 0 rejected.*checkpoint 2026-03-01 10:02:00\.000000/)
    } finally {
      await ch.close()
    }
  })
})
