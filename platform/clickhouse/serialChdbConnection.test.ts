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

  describe('the order of waiting statements', () => {
    /** A statement that records when it was served; the session serves one at a time, so this is the serve order. */
    const served: string[] = []
    const select = (label: string) =>
      h.client
        .query({ query: 'SELECT {label:String} AS label', query_params: { label }, format: 'JSONEachRow' })
        .then((rs) => rs.json())
        .then(() => void served.push(label))
    // NOTE: no timing involved: a chDB statement completes in a later macrotask, so everything
    // called in the same tick as the first statement is queued before it finishes.
    const occupy = (orgId: string) =>
      h.templateWork(orgId, () => h.client.query({ query: 'SELECT count() FROM numbers(20000000)', format: 'JSONEachRow' }).then((rs) => rs.json()))

    it("serves an ingest write queued behind a template query before the next template query, and org B before org A's backlog", async () => {
      served.length = 0
      await h.client.command({ query: 'CREATE TABLE IF NOT EXISTS fair_writes (v UInt32) ENGINE = MergeTree ORDER BY v' })
      const running = occupy('org-a')
      const aBacklog = Array.from({ length: 10 }, (_, i) => h.templateWork('org-a', () => select(`a${i + 1}`)))
      const b = h.templateWork('org-b', () => select('b1'))
      const write = h.client.insert({ table: 'fair_writes', values: [{ v: 1 }], format: 'JSONEachRow' }).then(() => void served.push('write'))
      const usageRead = select('usage-read')
      await Promise.all([running, ...aBacklog, b, write, usageRead])
      expect(served).toEqual(['write', 'usage-read', 'a1', 'b1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10'])
    })

    it('lets one template statement through after 16 of Tally’s own in a row, so writes cannot starve rating', async () => {
      served.length = 0
      const running = occupy('org-a')
      const template = h.templateWork('org-a', () => select('template'))
      const own = Array.from({ length: 20 }, (_, i) => select(`own${i + 1}`))
      await Promise.all([running, template, ...own])
      expect(served.indexOf('template')).toBe(16)
      expect(served.filter((s) => s !== 'template')).toEqual(Array.from({ length: 20 }, (_, i) => `own${i + 1}`))
    })

    it('keeps a failing template statement from handing its output to the write behind it', async () => {
      const failing = h
        .templateWork('org-a', () => h.client.query({ query: FAILS_MID_OUTPUT, format: 'JSON' }))
        .then(
          () => 'unexpected success',
          () => 'failed',
        )
      const own = h.client.query({ query: 'SELECT 7 AS x', format: 'JSONEachRow' }).then((rs) => rs.json())
      expect(await Promise.all([failing, own])).toEqual(['failed', [{ x: 7 }]])
    })
  })

  it('classifies chDB errors by their ClickHouse code, though they are not instances of the client class', async () => {
    const syntax = await h.client.query({ query: 'SELEC 1' }).catch((e: unknown) => e)
    expect(syntax).toMatchObject({ code: '62', type: 'SYNTAX_ERROR' })
    expect(isClickHouseUnavailable(syntax)).toBe(false)
    const memory = await h.client.query({ query: 'SELECT groupArray(number) FROM numbers(1000000) SETTINGS max_memory_usage = 1000' }).catch((e: unknown) => e)
    expect(memory).toMatchObject({ code: '241' })
    expect(isClickHouseUnavailable(memory)).toBe(true)
  })
})
