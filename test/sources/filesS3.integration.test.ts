// The files source on an S3-compatible bucket passes the shared contract suite in the three
// layouts the local files pass it in, against a local s3rver the test starts and stops itself
// (s3Server.ts), with signed requests and no TALLY_SOURCE_FILES_ROOT; and a driver lists and
// fetches the objects once, at its first use, and removes its copies when closed.
import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openFilesSource } from '../../connectors/sources/files/filesSource.ts'
import { s3FilesDatabase } from './s3FilesDatabase.ts'
import { startLocalS3, type LocalS3 } from './s3Server.ts'
import { sourceContractSuite } from './sourceContractSuite.ts'

sourceContractSuite('files on S3 (CSV, one object)', () => s3FilesDatabase('csv'))
sourceContractSuite('files on S3 (NDJSON, parts by a glob)', () => s3FilesDatabase('ndjson'))
sourceContractSuite('files on S3 (Parquet, a prefix of parts)', () => s3FilesDatabase('parquet'))

describe('files on S3: one listing and one fetch per driver', () => {
  let s3: LocalS3
  beforeAll(async () => {
    s3 = await startLocalS3()
    await s3.put('usage/part-0.csv', 'id,account,at\n1,c1,2026-03-01 10:00:00\n2,c2,2026-03-01 10:01:00\n')
  })
  afterAll(() => s3?.close())

  it('reads what it listed at its first use until closed, then removes its copies', async () => {
    const address = {
      path: `s3://${s3.bucket}/usage/`,
      root: undefined,
      s3: { endpoint: s3.endpoint, region: 'us-east-1', credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } },
    }
    const copies = () => readdirSync(tmpdir()).filter((d) => d.startsWith('tally-s3-objects-')).length
    const before = copies()
    const driver = openFilesSource(address)
    expect((await driver.columns({ table: 'usage' })).map((c) => c.name)).toEqual(['id', 'account', 'at'])
    expect(copies()).toBe(before + 1)
    // Gone from the bucket after the first use: this driver still reads its copy, a new one finds nothing.
    await s3.remove('usage/part-0.csv')
    const rows: Array<Array<string | null>> = []
    for await (const batch of driver.read({ from: { table: 'usage' }, columns: ['id', 'account'], batchRows: 10 })) rows.push(...batch)
    expect(rows).toEqual([
      ['1', 'c1'],
      ['2', 'c2'],
    ])
    await driver.close()
    expect(copies()).toBe(before)
    const fresh = openFilesSource(address)
    await expect(fresh.columns({ table: 'usage' })).rejects.toMatchObject({ code: 'source_file_not_found' })
    await fresh.close()
  })
})
