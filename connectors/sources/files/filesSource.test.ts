// The files driver on files written here: digits kept (CSV, NDJSON, Parquet), a time cursor in
// UTC whatever the offsets, names that are SQL read as names, globs confined to the root (a
// symlink out is refused), batches of at most `batchRows`, and a reader that stops early.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UnavailableError } from '../../../platform/errors.ts'
import type { ReadRequest } from '../sourceDriver.ts'
import { openFilesSource } from './filesSource.ts'

let root: string
let outside: string

const BIG = '12345678901234567890.123456789'

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tally-files-unit-'))
  outside = mkdtempSync(join(tmpdir(), 'tally-files-unit-out-'))
  mkdirSync(join(root, 'json'))
  writeFileSync(join(root, 'digits.csv'), `id,qty,at\n1,${BIG},2026-03-01 10:00:00\n2,0.1,2026-03-01 10:00:01\n`)
  // Offsets: row 2 (11:30+02:00 = 09:30Z) comes before row 1 (10:00Z) in cursor order.
  writeFileSync(
    join(root, 'json', 'a.ndjson'),
    `{"id":1,"qty":${BIG},"at":"2026-03-01T10:00:00Z","flag":true,"tags":{"a":1}}\n{"id":2,"qty":1e3,"at":"2026-03-01T11:30:00+02:00","flag":false}\n`,
  )
  writeFileSync(join(root, "it's; DROP TABLE x; --.csv"), 'id,qty\n7,7.5\n')
  writeFileSync(join(outside, 'secret.csv'), 'secret\nhunter2\n')
  mkdirSync(join(root, 'globbed'))
  writeFileSync(join(root, 'globbed', 'in.csv'), 'id\n1\n')
  symlinkSync(join(outside, 'secret.csv'), join(root, 'globbed', 'out.csv'))
  const instance = await DuckDBInstance.create(':memory:')
  const duck = await instance.connect()
  const file = join(root, 'big.parquet').split("'").join("''")
  await duck.run(
    `COPY (SELECT i AS id, CAST('${BIG}' AS DECIMAL(38,9)) AS qty, TIMESTAMP '2026-03-01 00:00:00' + i * INTERVAL 1 SECOND AS at FROM range(1, 50001) t(i)) TO '${file}' (FORMAT parquet)`,
  )
  duck.closeSync()
  instance.closeSync()
})

afterAll(() => {
  for (const d of [root, outside]) if (d?.startsWith(tmpdir())) rmSync(d, { recursive: true, force: true })
})

async function readAll(path: string, request: Omit<ReadRequest, 'batchRows'> & { batchRows?: number }) {
  const driver = openFilesSource({ path, root })
  const batches: Array<Array<Array<string | null>>> = []
  for await (const batch of driver.read({ batchRows: 5_000, ...request })) batches.push(batch)
  return batches
}

describe('files source', () => {
  it('reads every value as its text: a quantity keeps its digits in CSV, NDJSON and Parquet', async () => {
    expect((await readAll('digits.csv', { from: { table: 'digits' }, columns: ['id', 'qty'] })).flat()).toEqual([
      ['1', BIG],
      ['2', '0.1'],
    ])
    const json = (await readAll('json', { from: { table: 'json' }, columns: ['id', 'qty', 'flag', 'tags', 'missing'] })).flat()
    expect(json).toEqual([
      ['1', BIG, 'true', '{"a":"1"}', null],
      ['2', '1e3', 'false', null, null],
    ])
    const parquet = await readAll('big.parquet', {
      from: { table: 'big' },
      columns: ['qty'],
      cursor: { column: 'at', type: 'time', from: '2026-03-01 13:53:20' },
    })
    expect(parquet.flat()[0]).toEqual([BIG])
  })

  it('orders and answers a time cursor in UTC whatever the offsets', async () => {
    const rows = (await readAll('json/*.ndjson', { from: { table: 'json' }, columns: ['at', 'id'], cursor: { column: 'at', type: 'time', from: null } })).flat()
    expect(rows).toEqual([
      ['2026-03-01 09:30:00+00', '2'],
      ['2026-03-01 10:00:00+00', '1'],
    ])
    const driver = openFilesSource({ path: 'json', root })
    expect(await driver.countBelow({ table: 'json' }, { column: 'at', type: 'time', bound: '2026-03-01 10:00:00.000000' })).toBe('1')
    expect((await driver.discover())[0]!.columns.find((c) => c.name === 'at')).toEqual({ name: 'at', type: 'VARCHAR', cursorType: 'time' })
  })

  it('reads a file whose name is SQL as a name (the list of files is a bound parameter)', async () => {
    const driver = openFilesSource({ path: "it's; DROP TABLE x; --.csv", root })
    expect(await driver.discover()).toEqual([{ schema: 'csv', name: "it's; DROP TABLE x; --", columns: expect.any(Array) }])
    expect((await readAll("it's; DROP TABLE x; --.csv", { from: { table: "it's; DROP TABLE x; --" }, columns: ['qty'] })).flat()).toEqual([['7.5']])
  })

  it('refuses a glob that reaches a symlink out of the root', async () => {
    await expect(openFilesSource({ path: 'globbed/*.csv', root }).test()).rejects.toMatchObject({ code: 'source_path_outside_root' })
    await expect(openFilesSource({ path: 'globbed/in.csv', root }).test()).resolves.toMatchObject({ readableTables: 1 })
  })

  it('refuses everything without a root, a query, and a table that is not this one', async () => {
    await expect(openFilesSource({ path: 'digits.csv', root: undefined }).test()).rejects.toBeInstanceOf(UnavailableError)
    const driver = openFilesSource({ path: 'digits.csv', root })
    await expect(driver.columns({ query: 'SELECT 1' })).rejects.toMatchObject({ code: 'source_query_unsupported' })
    await expect(driver.columns({ table: 'other' })).rejects.toMatchObject({ code: 'source_table_not_found' })
    expect((await driver.columns({ table: 'csv.digits' })).map((c) => c.name)).toEqual(['id', 'qty', 'at'])
  })

  it('streams in batches of at most batchRows, in cursor order, and lets a reader stop early', async () => {
    const sizes: number[] = []
    let last = ''
    let ordered = true
    const driver = openFilesSource({ path: 'big.parquet', root })
    for await (const batch of driver.read({ from: { table: 'big' }, columns: ['at'], cursor: { column: 'at', type: 'time', from: null }, batchRows: 3_000 })) {
      sizes.push(batch.length)
      for (const [at] of batch) {
        ordered &&= at! > last
        last = at!
      }
    }
    expect(sizes.length).toBe(17)
    expect(Math.max(...sizes)).toBe(3_000)
    expect(sizes.reduce((a, b) => a + b)).toBe(50_000)
    expect(ordered).toBe(true)
    for await (const batch of driver.read({ from: { table: 'big' }, columns: ['id'], batchRows: 100 })) {
      expect(batch.length).toBe(100)
      break
    }
  })
})
