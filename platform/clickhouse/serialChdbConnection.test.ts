import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isClickHouseUnavailable } from './clickHouseErrors.ts'
import { openClickHouse, type ClickHouseHandle } from './openClickHouse.ts'

// A statement that fails after chDB has already written part of its output: the JSON header
// and the first blocks of rows, then throwIf fires in a later block.
const FAILS_MID_OUTPUT = 'SELECT throwIf(number = 50000) AS z FROM numbers(100000) SETTINGS max_block_size = 1000'

describe('serialChdbConnection', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-serial-'))
  let h: ClickHouseHandle
  beforeAll(async () => {
    h = await openClickHouse({ dataDir })
  })
  afterAll(async () => {
    await h.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('gives the next query its own result after a query failed mid-output', async () => {
    await expect(h.client.query({ query: FAILS_MID_OUTPUT, format: 'JSON' })).rejects.toThrow()
    const rs = await h.client.query({ query: 'SELECT 42 AS x', format: 'JSONEachRow' })
    expect(await rs.json()).toEqual([{ x: 42 }])
  })

  it('keeps concurrent callers apart from a failing one', async () => {
    const calls = Array.from({ length: 20 }, (_, i) =>
      i % 4 === 0
        ? h.client.query({ query: FAILS_MID_OUTPUT, format: 'JSON' }).then(
            () => 'unexpected success',
            () => 'failed',
          )
        : h.client
            .query({ query: 'SELECT {i:UInt32} AS i', query_params: { i }, format: 'JSONEachRow' })
            .then((r) => r.json<{ i: number }>())
            .then((rows) => rows[0]!.i),
    )
    const results = await Promise.all(calls)
    results.forEach((r, i) => expect(r).toBe(i % 4 === 0 ? 'failed' : i))
  })

  it('classifies chDB errors by their ClickHouse code, though they are not instances of the client class', async () => {
    const syntax = await h.client.query({ query: 'SELEC 1' }).catch((e: unknown) => e)
    expect(syntax).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' })
    expect(isClickHouseUnavailable(syntax)).toBe(false)
    const memory = await h.client
      .query({ query: 'SELECT groupArray(number) FROM numbers(1000000) SETTINGS max_memory_usage = 1000' })
      .catch((e: unknown) => e)
    expect(memory).toMatchObject({ code: '241' })
    expect(isClickHouseUnavailable(memory)).toBe(true)
  })
})
