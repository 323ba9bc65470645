import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateClickHouse, splitStatements } from './migrateClickHouse.ts'
import { openClickHouse, type ClickHouseHandle } from './openClickHouse.ts'

let root: string
let handle: ClickHouseHandle

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tally-ch-migrate-'))
  handle = await openClickHouse({ dataDir: join(root, 'data'), database: 'migrate_test' })
})
afterAll(async () => {
  await handle.close()
  rmSync(root, { recursive: true, force: true })
})

async function rows<T>(query: string): Promise<T[]> {
  return (await handle.client.query({ query, format: 'JSONEachRow' })).json<T>()
}

describe('migrateClickHouse', () => {
  it('applies each migration once, in order, and records it', async () => {
    const dir = join(root, 'm1')
    mkdirSync(dir)
    writeFileSync(
      join(dir, '0001_first.sql'),
      '-- two statements in one file\nCREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;\n\nINSERT INTO a VALUES (1);\n',
    )
    writeFileSync(join(dir, '0002_second.sql'), 'INSERT INTO a VALUES (2);\n')
    writeFileSync(join(dir, 'README.md'), 'not a migration')

    const first = await migrateClickHouse(handle, dir)
    expect(first.applied).toEqual([
      { version: 1, name: 'first' },
      { version: 2, name: 'second' },
    ])
    const second = await migrateClickHouse(handle, dir)
    expect(second.applied).toEqual([])
    expect(second.skipped.map((m) => m.version)).toEqual([1, 2])

    // Applied once each: the INSERTs ran once.
    expect(await rows<{ x: number }>('SELECT x FROM a ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }])
    const recorded = await rows<{ version: number; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
    expect(recorded.map((r) => [r.version, r.name])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ])
    expect(recorded[0]?.checksum).toMatch(/^[0-9a-f]{64}$/)
    // The handle's database is the one the tables went into.
    expect(await rows<{ database: string }>("SELECT database FROM system.tables WHERE name = 'a'")).toEqual([{ database: 'migrate_test' }])
  })

  it('rejects an applied migration whose file changed', async () => {
    const dir = join(root, 'm2')
    mkdirSync(dir)
    writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;\n')
    // m1 recorded version 1 with different text.
    await expect(migrateClickHouse(handle, dir)).rejects.toThrow(/changed after it was applied/)
  })

  it('rejects badly named files', async () => {
    const dir = join(root, 'm3')
    mkdirSync(dir)
    writeFileSync(join(dir, '1_bad.sql'), 'SELECT 1;\n')
    await expect(migrateClickHouse(handle, dir)).rejects.toThrow(/NNNN_name\.sql/)
  })
})

describe('splitStatements', () => {
  it('splits at ; ending a line and drops comment-only chunks', () => {
    expect(splitStatements("SELECT 'a;b';\nSELECT 2 ;  \n-- trailing comment\n")).toEqual(["SELECT 'a;b'", 'SELECT 2'])
  })
})

describe('openClickHouse', () => {
  it('pings, and a closed handle reports unavailable', async () => {
    const other = await openClickHouse({ dataDir: join(root, 'data'), database: 'second_db' })
    await other.ping()
    expect(other.mode).toBe('chdb')
    await other.close()
    await other.close()
    await expect(other.ping()).rejects.toMatchObject({ code: 'clickhouse_unavailable' })
    // Closing one handle leaves another on the same path working.
    await handle.ping()
  })
})
