// One suite for every source (DESIGN: same-shaped adapters pass one contract suite), over
// HTTP on an embedded Tally (chDB, PGlite, the same event sink as the gateway) against a
// throwaway database of the real server, or files the test writes (CSV, NDJSON, Parquet):
// connect, test, discover, refuse bad input without storing anything, sync with per-row
// rejects, re-read the lateness window without counting twice, detect a cursor that is not
// monotonic, and resync in full.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { openHarness, REFERENCE_ORG, seed, type Harness } from '../support/tallyHarness.ts'
import type { SyncSource } from './sourceDatabases.ts'

export const SECRET_KEY = 'a'.repeat(64)

/** `(id, account, at, tokens, updated_at)` rows as SQL literals: ids and quoted texts only, so both dialects read them alike. */
export function insertUsage(rows: Array<[number, string | null, string, string, string]>): string {
  const literal = (v: string | null) => (v === null ? 'NULL' : `'${v}'`)
  return `INSERT INTO usage_rows (id, account, at, tokens, updated_at) VALUES ${rows.map(([id, account, at, tokens, updated]) => `(${id}, ${literal(account)}, '${at}', ${tokens}, '${updated}')`).join(', ')}`
}

/** Events stored for the organisation's raw metric: count, distinct ids and the sum of `tokens`. */
export async function storedEvents(h: Harness, rawMetric: string): Promise<{ n: number; ids: number; tokens: string }> {
  await h.tally.settled()
  const result = await h.tally.clickhouse.client.query({
    query: `SELECT count() AS n, uniqExact(event_id) AS ids, toString(sum(toDecimal128(JSONExtractString(data, 'tokens'), 6))) AS tokens
            FROM events WHERE org_id = {org:String} AND raw_metric = {metric:String}`,
    query_params: { org: REFERENCE_ORG, metric: rawMetric },
    format: 'JSONEachRow',
  })
  const [row] = await result.json<{ n: string; ids: string; tokens: string }>()
  return { n: Number(row!.n), ids: Number(row!.ids), tokens: row!.tokens }
}

export const USAGE_SYNC = {
  name: 'usage',
  raw_metric: 'tokens',
  table: 'usage_rows',
  mapping: { customer_id: 'account', timestamp: 'at', key_columns: ['id'], data: { tokens: { column: 'tokens', type: 'number' } } },
  cursor: { column: 'updated_at', lateness: '60' },
}

export function sourceContractSuite(kind: string, openDatabase: () => Promise<SyncSource>): void {
  describe(`source contract: ${kind}`, () => {
    let db: SyncSource
    let h: Harness
    let sourceId = ''
    let syncId = ''
    const run = async (full = false) => (await h.json('POST', `/v1/sources/${sourceId}/syncs/${syncId}/run`, { body: { full } })).body

    beforeAll(async () => {
      db = await openDatabase()
      await db.exec(db.usageTable)
      // 20 rows of c1/c2, one minute apart from 10:00; row 21 names a customer Tally does not know.
      const rows: Array<[number, string | null, string, string, string]> = []
      for (let i = 1; i <= 20; i++) {
        const t = `2026-03-01 10:${String(i).padStart(2, '0')}:00.000001`
        rows.push([i, i % 2 === 0 ? 'c2' : 'c1', t, `${i}.000001`, t])
      }
      rows.push([21, 'ghost', '2026-03-01 10:21:00', '5', '2026-03-01 10:21:00'])
      await db.exec(insertUsage(rows))
      h = await openHarness({ TALLY_SECRET_KEY: SECRET_KEY, TALLY_ACCEPT_UNKNOWN_CUSTOMERS: 'false', ...db.env }, { clock: fixedClock('2026-03-01T10:31:00Z') })
      await seed(h, { rawMetrics: ['tokens'], customers: ['c1', 'c2'] })
    }, 120_000)

    afterAll(async () => {
      await h?.close()
      await db?.close()
    })

    it('refuses what cannot be read (an unreachable host, a refused login, a missing database; a missing file, an unknown format…) with its status and code, storing nothing', async () => {
      const answers = []
      for (const r of db.refused) {
        const { status, body } = await h.json('POST', '/v1/sources', { body: { ...r.body, name: 'x' } })
        answers.push({ why: r.why, status, code: body.error?.code })
      }
      expect(answers).toEqual(db.refused.map((r) => ({ why: r.why, status: r.status, code: r.code })))
      expect((await h.json('GET', '/v1/sources')).body.data).toEqual([])
    })

    it('connects after a read-only test, seals the password (if it has one) and never answers it', async () => {
      const created = await h.json('POST', '/v1/sources', { body: { ...db.body, name: 'app-db' } })
      expect(created.status).toBe(201)
      expect(created.body.test).toMatchObject({ ok: true, read_only_transaction: true })
      expect(JSON.stringify(created.body)).not.toContain('password')
      if (db.secret !== undefined) expect(JSON.stringify(created.body)).not.toContain(db.secret)
      sourceId = created.body.id
      const stored = (await h.tally.database.db.execute(`SELECT credentials FROM source_connections WHERE id = '${sourceId}'`)) as unknown as {
        rows: Array<{ credentials: string }>
      }
      const sealed = stored.rows[0]!.credentials
      if (db.sealsPassword) {
        expect(sealed.startsWith('v1:')).toBe(true)
        expect(sealed).not.toContain(String(db.secret ?? (db.body['password'] || 'unused')))
      } else expect(sealed).toBe('')
      expect((await h.json('GET', `/v1/sources/${sourceId}`)).body).toMatchObject({ name: 'app-db', ...db.shown })
      expect((await h.json('POST', `/v1/sources/${sourceId}/test`)).body).toMatchObject({ ok: true })
    })

    it('discovers the table with its columns, types and which can be a cursor', async () => {
      const { body } = await h.json('GET', `/v1/sources/${sourceId}/discover`)
      const usage = body.tables.find((t: { name: string }) => t.name === 'usage_rows')
      expect(usage.columns.map((c: { name: string; cursor: string | null }) => [c.name, c.cursor])).toEqual([
        ['id', 'number'],
        ['account', null],
        ['at', 'time'],
        ['tokens', 'number'],
        ['updated_at', 'time'],
      ])
    })

    it('refuses a mapping that names a missing column (a detail per field) and a text cursor, storing no job', async () => {
      const bad = await h.json('POST', `/v1/sources/${sourceId}/syncs`, {
        body: { ...USAGE_SYNC, mapping: { ...USAGE_SYNC.mapping, customer_id: 'customer', data: { tokens: { column: 'qty', type: 'number' } } } },
      })
      expect([bad.status, bad.body.error.code]).toEqual([422, 'mapping_column_missing'])
      expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['mapping.customer_id', 'mapping.data.tokens.column'])
      const textCursor = await h.json('POST', `/v1/sources/${sourceId}/syncs`, { body: { ...USAGE_SYNC, cursor: { column: 'account', lateness: '0' } } })
      expect([textCursor.status, textCursor.body.error.code]).toEqual([422, 'cursor_column_type'])
      expect((await h.json('GET', `/v1/sources/${sourceId}/syncs`)).body.data).toEqual([])
    })

    it('syncs every row once through the event sink, rejecting a row by its key, and checkpoints at the last row', async () => {
      const created = await h.json('POST', `/v1/sources/${sourceId}/syncs`, { body: USAGE_SYNC })
      expect(created.status).toBe(201)
      syncId = created.body.id
      const first = await run()
      expect(first).toMatchObject({ status: 'succeeded', rows_read: 21, rows_accepted: 20, rows_duplicate: 0, rows_rejected: 1, error: null })
      expect(first.rejects).toEqual([expect.objectContaining({ key: '21', code: 'customer_not_found', field: 'customer_id' })])
      expect(first.checkpoint_to).toMatch(/^2026-03-01 10:21:00/)
      // 1.000001 + … + 20.000001 = 210.00002
      expect(await storedEvents(h, 'tokens')).toEqual({ n: 20, ids: 20, tokens: '210.00002' })
      // Lag: the clock (10:31) − the checkpoint (10:21).
      expect(first.lag_ms).toBe(600_000)
    })

    it('re-reads the lateness window: a late row is picked up once, rows read again never count twice', async () => {
      // Within 60 s of the checkpoint (10:21): a new row and an update of row 20 (same key, same event).
      await db.exec(insertUsage([[22, 'c1', '2026-03-01 10:20:30', '100', '2026-03-01 10:20:30']]))
      await db.exec(`UPDATE usage_rows SET tokens = 999, updated_at = '2026-03-01 10:20:45' WHERE id = 20`)
      const second = await run()
      expect(second).toMatchObject({ status: 'succeeded', rows_accepted: 1, rows_rejected: 1 })
      expect(second.rows_duplicate).toBe(second.rows_read - 2)
      expect(await storedEvents(h, 'tokens')).toEqual({ n: 21, ids: 21, tokens: '310.00002' })
      const again = await run()
      expect(again).toMatchObject({ status: 'succeeded', rows_accepted: 0 })
      expect(await storedEvents(h, 'tokens')).toEqual({ n: 21, ids: 21, tokens: '310.00002' })
    })

    it('reports a cursor that is not monotonic, then a full resync picks the missed row up once', async () => {
      await db.exec(insertUsage([[23, 'c2', '2026-03-01 09:00:00', '7', '2026-03-01 09:00:00']]))
      const failed = await run()
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'cursor_not_monotonic' } })
      expect(failed.error.message).toContain('1 row(s)')
      const full = await run(true)
      expect(full).toMatchObject({ status: 'succeeded', full: true, rows_read: 23, rows_accepted: 1, rows_rejected: 1 })
      expect(await storedEvents(h, 'tokens')).toEqual({ n: 22, ids: 22, tokens: '317.00002' })
      const runs = (await h.json('GET', `/v1/sources/${sourceId}/runs`)).body.data
      expect(runs.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'failed', 'succeeded', 'succeeded', 'succeeded'])
    })

    it('deletes the connection with its jobs', async () => {
      expect((await h.request('DELETE', `/v1/sources/${sourceId}`)).status).toBe(204)
      expect((await h.json('GET', `/v1/sources/${sourceId}`)).body.error.code).toBe('source_connection_not_found')
    })
  })
}
