// Remote-mode billable metrics over HTTP on an embedded Tally against a throwaway database of the
// real server: stored after validation at the source, previewed equal to a recount with a hostile
// customer id bound, a write refused at creation (422, nothing stored), a source that is down
// refused at creation and failing a preview loudly (never a zero).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../platform/clock.ts'
import { openHarness, seed, type Harness } from '../support/tallyHarness.ts'
import { insertUsage, SECRET_KEY } from './sourceContractSuite.ts'
import type { QueryableSource } from './sourceDatabases.ts'
import type { RemoteDialectQueries } from './remoteQuerySuite.ts'

const HOSTILE = "x'; DROP TABLE usage_rows; --"
const MARCH = { period_start: '2024-03-01T00:00:00Z', period_end: '2024-04-01T00:00:00Z' }

export function remoteMetricHttpSuite(kind: string, openDatabase: () => Promise<QueryableSource>, q: RemoteDialectQueries): void {
  describe(`remote metric over HTTP: ${kind}`, () => {
    let db: QueryableSource
    let h: Harness
    let sourceId = ''
    const remote = (over: Record<string, unknown> = {}) => ({
      unit: 'token',
      mode: 'remote',
      source_id: sourceId,
      customer_query: q.customer,
      grouped_query: q.grouped,
      ...over,
    })

    beforeAll(async () => {
      db = await openDatabase()
      await db.exec(db.usageTable)
      await db.exec(
        insertUsage([
          [1, HOSTILE.replace(/'/g, "''"), '2024-03-02 00:00:00', '1.5', '2024-03-02 00:00:00'],
          [2, HOSTILE.replace(/'/g, "''"), '2024-03-31 23:59:59.999999', '2.25', '2024-03-02 00:00:00'],
          [3, 'c1', '2024-03-05 00:00:00', '7', '2024-03-05 00:00:00'],
          [4, HOSTILE.replace(/'/g, "''"), '2024-04-01 00:00:00', '100', '2024-04-01 00:00:00'],
        ]),
      )
      h = await openHarness({ TALLY_SECRET_KEY: SECRET_KEY }, { clock: fixedClock('2024-04-02T00:00:00Z') })
      await seed(h, { rawMetrics: [], customers: [] })
      sourceId = (await h.json('POST', '/v1/sources', { body: { ...db.connection, name: 'usage_db' } })).body.id as string
    })
    afterAll(async () => {
      await h?.close()
      await db?.close()
    })

    it('stores a remote metric and previews the recount for a hostile customer id (bound, the table still there)', async () => {
      const created = await h.json('POST', '/v1/billable-metrics', { body: { name: 'tokens_remote', ...remote() } })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ mode: 'remote', source_id: sourceId, customer_query: q.customer, grouped_query: q.grouped, raw_metrics: [] })
      const preview = await h.json('POST', '/v1/billable-metrics/tokens_remote/preview', { body: { customer_id: HOSTILE, ...MARCH } })
      expect(preview.status).toBe(200)
      expect(preview.body.customers).toEqual([{ customer_id: HOSTILE, quantity: '3.75', rows: [{ quantity: '3.75' }] }])
      expect(preview.body.stats).toMatchObject({ queries: 1, form: 'grouped' })
    })

    it('refuses a write statement at creation: 422 with remote_query_read_only, nothing stored', async () => {
      const res = await h.json('POST', '/v1/billable-metrics', { body: { name: 'writer', ...remote({ customer_query: q.write, grouped_query: null }) } })
      expect(res.status).toBe(422)
      expect(res.body.error.details).toContainEqual(expect.objectContaining({ code: 'remote_query_read_only' }))
      expect((await h.json('GET', '/v1/billable-metrics/writer')).status).toBe(404)
    })

    it('refuses an unknown source and an unknown parameter at creation', async () => {
      const unknown = await h.json('POST', '/v1/billable-metrics', {
        body: { name: 'nowhere', ...remote({ source_id: '00000000-0000-4000-8000-000000000000' }) },
      })
      expect(unknown.body.error.details).toContainEqual(expect.objectContaining({ code: 'source_not_found' }))
      const param = await h.json('POST', '/v1/billable-metrics', {
        body: { name: 'badparam', ...remote({ customer_query: 'SELECT 1 AS quantity WHERE {org_id} IS NULL', grouped_query: null }) },
      })
      expect(param.body.error.details).toContainEqual(expect.objectContaining({ code: 'remote_query_unknown_parameter' }))
    })

    it('a source that is down fails the run loudly (source_unreachable), never a zero', async () => {
      // The stored connection's database goes away.
      await db.close()
      const preview = await h.json('POST', '/v1/billable-metrics/tokens_remote/preview', { body: { customer_id: 'c1', ...MARCH } })
      expect(preview.status).toBe(422)
      expect(['source_database_not_found', 'source_unreachable', 'source_query_failed']).toContain(preview.body.error.code)
      db = undefined as unknown as QueryableSource
    })
  })
}
