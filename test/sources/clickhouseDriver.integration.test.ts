// The ClickHouse driver against ClickHouse's HTTP interface over chDB: every value the server's
// text (a Decimal(38, 9), a UInt64 past 2^53, a Float64), a time cursor in UTC whatever the
// column's zone, `readonly=1` on sync reads and remote queries alike, a table name that is SQL
// read as a name, batches of at most `batchRows`, and a reader that stops early.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openClickHouseSource } from '../../connectors/sources/clickhouse/clickhouseSource.ts'
import { remoteQueryOf } from '../../connectors/sources/remote/remoteErrors.ts'
import type { ReadRequest, SourceDriver } from '../../connectors/sources/sourceDriver.ts'
import { clickhouseDatabase, type ClickHouseSource } from './clickhouseDatabase.ts'

const BIG = '12345678901234567890.123456789'
const HOSTILE_TABLE = 'it`s; DROP TABLE x; --'

let db: ClickHouseSource
let driver: SourceDriver

beforeAll(async () => {
  db = await clickhouseDatabase()
  await db.exec("CREATE TABLE digits (id UInt64, qty Decimal(38, 9), ratio Float64, at DateTime64(3, 'Asia/Kolkata')) ENGINE = MergeTree ORDER BY id")
  // Row 2's local 15:00 in Kolkata (+05:30) is 09:30Z: before row 1 (10:00Z) in cursor order.
  await db.exec(`INSERT INTO digits VALUES (18446744073709551615, '${BIG}', 0.1, '2026-03-01 15:30:00.123'), (2, '0.000000001', 1e-7, '2026-03-01 15:00:00')`)
  await db.exec('CREATE TABLE `it\\`s; DROP TABLE x; --` (id Int32) ENGINE = MergeTree ORDER BY id')
  await db.exec('INSERT INTO `it\\`s; DROP TABLE x; --` SELECT number FROM numbers(12345)')
  driver = openClickHouseSource(db.connection)
})

afterAll(async () => {
  await db?.close()
})

async function readAll(request: Omit<ReadRequest, 'batchRows'> & { batchRows?: number }) {
  const batches: Array<Array<Array<string | null>>> = []
  for await (const batch of driver.read({ batchRows: 5_000, ...request })) batches.push(batch)
  return batches
}

describe('clickhouse source', () => {
  it("reads every value as the server's text and a time cursor as UTC, in cursor order", async () => {
    const rows = (
      await readAll({ from: { table: 'digits' }, columns: ['id', 'qty', 'ratio', 'at'], cursor: { column: 'at', type: 'time', from: null } })
    ).flat()
    expect(rows).toEqual([
      ['2', '0.000000001', '1e-7', '2026-03-01 09:30:00.000000'],
      ['18446744073709551615', BIG, '0.1', '2026-03-01 10:00:00.123000'],
    ])
    // The bound is UTC too: 09:45Z leaves row 2 (09:30Z) out.
    const later = (
      await readAll({ from: { table: 'digits' }, columns: ['id'], cursor: { column: 'at', type: 'time', from: '2026-03-01 09:45:00.000000' } })
    ).flat()
    expect(later).toEqual([['18446744073709551615']])
    expect(await driver.countBelow({ table: 'digits' }, { column: 'at', type: 'time', bound: '2026-03-01 09:45:00.000000' })).toBe('1')
    // A job by query: its columns as the server types them.
    expect(await driver.columns({ query: 'SELECT id, qty * 2 AS twice, at FROM digits' })).toEqual([
      { name: 'id', type: 'UInt64', cursorType: 'number' },
      { name: 'twice', type: 'Decimal(38, 9)', cursorType: 'number' },
      { name: 'at', type: "DateTime64(3, 'Asia/Kolkata')", cursorType: 'time' },
    ])
  })

  it('sends readonly=1 with sync reads and remote queries alike', async () => {
    expect((await readAll({ from: { query: "SELECT getSetting('readonly') AS r" }, columns: ['r'] })).flat()).toEqual([['1']])
    const remote = await remoteQueryOf(driver)({ query: "SELECT getSetting('readonly') AS quantity", values: {}, timeoutMs: 5000, rowLimit: 1 })
    expect(remote).toEqual({ columns: ['quantity'], rows: [['1']] })
  })

  it('reads a table whose name is SQL as a name, in batches of at most batchRows, and lets a reader stop early', async () => {
    const columns = await driver.columns({ table: HOSTILE_TABLE })
    expect(columns).toEqual([{ name: 'id', type: 'Int32', cursorType: 'number' }])
    const batches = await readAll({ from: { table: HOSTILE_TABLE }, columns: ['id'], cursor: { column: 'id', type: 'number', from: '100' }, batchRows: 5_000 })
    // 12,345 ids from 0; from 100: 12,245 rows = 5,000 + 5,000 + 2,245.
    expect(batches.map((b) => b.length)).toEqual([5_000, 5_000, 2_245])
    expect(batches[0]![0]).toEqual(['100'])
    let seen = 0
    for await (const batch of driver.read({ from: { table: HOSTILE_TABLE }, columns: ['id'], batchRows: 1_000 })) {
      seen += batch.length
      break
    }
    expect(seen).toBe(1_000)
    // The source still answers after the early stop.
    expect(await driver.countBelow({ table: HOSTILE_TABLE }, { column: 'id', type: 'number', bound: '10' })).toBe('10')
  })
})
