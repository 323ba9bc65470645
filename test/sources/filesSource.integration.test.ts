// The files source passes the shared contract suite in its three formats and layouts (CSV named
// outright, NDJSON parts by a glob, a directory of Parquet parts), and over HTTP refuses what only
// a files source can get wrong: no TALLY_SOURCE_FILES_ROOT (503), a job by query or naming
// another table (422), storing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'
import { filesDatabase, type SyncSource } from './sourceDatabases.ts'
import { sourceContractSuite, USAGE_SYNC } from './sourceContractSuite.ts'

sourceContractSuite('files (CSV, one file)', () => filesDatabase('csv'))
sourceContractSuite('files (NDJSON, parts by a glob)', () => filesDatabase('ndjson'))
sourceContractSuite('files (Parquet, a directory of parts)', () => filesDatabase('parquet'))

describe('files source over HTTP: what only files get wrong', () => {
  let files: SyncSource
  let h: Harness | undefined
  beforeAll(async () => {
    files = await filesDatabase('csv')
    await files.exec(files.usageTable)
    await files.exec(`INSERT INTO usage_rows VALUES (1, 'c1', '2026-03-01 10:00:00', 1.5, '2026-03-01 10:00:00')`)
  })
  afterAll(async () => {
    await h?.close()
    await files?.close()
  })

  it('refuses a files source while TALLY_SOURCE_FILES_ROOT is not set: 503, nothing stored', async () => {
    h = await openHarness()
    const refused = await h.json('POST', '/v1/sources', { body: { ...files.body, name: 'exports' } })
    expect([refused.status, refused.body.error.code]).toEqual([503, 'source_files_root_missing'])
    expect((await h.json('GET', '/v1/sources')).body.data).toEqual([])
    await h.close()
    h = undefined
  })

  it('refuses a job by query or naming another table with 422, storing no job', async () => {
    h = await openHarness(files.env)
    await seed(h, { rawMetrics: ['tokens'], customers: ['c1'] })
    const created = await h.json('POST', '/v1/sources', { body: { ...files.body, name: 'exports' } })
    expect(created.body).toMatchObject({
      kind: 'files',
      path: files.body['path'],
      test: { ok: true, server_version: expect.stringMatching(/^DuckDB v.*, 1 csv file$/) },
    })
    expect(created.body).not.toHaveProperty('host')
    const id = created.body.id as string
    const { table: _table, ...byQuery } = USAGE_SYNC
    const query = await h.json('POST', `/v1/sources/${id}/syncs`, { body: { ...byQuery, query: "SELECT * FROM read_csv('/etc/passwd')" } })
    expect([query.status, query.body.error.code]).toEqual([422, 'source_query_unsupported'])
    const other = await h.json('POST', `/v1/sources/${id}/syncs`, { body: { ...USAGE_SYNC, table: 'other' } })
    expect([other.status, other.body.error.code]).toEqual([422, 'source_table_not_found'])
    expect((await h.json('GET', `/v1/sources/${id}/syncs`)).body.data).toEqual([])
  })
})
