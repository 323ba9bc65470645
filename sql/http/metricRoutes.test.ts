// The billable-metric endpoints over real stores: chDB for events, PGlite for the ledger.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ledger } from '../../ledger/ledger.ts'
import { createTestLedger, testNow } from '../../test/support/testLedger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { createEventWriter } from '../../metering/eventWriter.ts'
import type { AppEnv } from '../../platform/http/appEnv.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { openTestClickHouse, type TestClickHouse } from '../../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../../test/support/eventRows.ts'
import { metricTestApp } from '../../test/support/metricTestApp.ts'

let ch: TestClickHouse
let pgDir: string
let db: DatabaseHandle
let ledger: Ledger
let app: Hono<AppEnv>
let orgId: string

const COUNT_SQL = [
  'SELECT count() AS quantity',
  'FROM raw.api_calls',
  'WHERE customer_id = {customer_id:String}',
  '  AND timestamp >= {period_start:DateTime64(3)}',
  '  AND timestamp < {period_end:DateTime64(3)}',
].join('\n')

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await app.request(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-routes-')
  pgDir = mkdtempSync(join(tmpdir(), 'tally-sql-routes-pg-'))
  db = await openDatabase({ dataDir: pgDir })
  await migrateDatabase(db, ledgerMigrationsFolder)
  ledger = createTestLedger(db.db)
  orgId = (await ledger.organisations.create({ now: testNow(), name: 'Metrics' })).id
  await ledger.rawMetrics.create({ now: testNow(), orgId, name: 'api_calls' })
  const writer = createEventWriter(ch.handle)
  await writer.write([
    eventRow({ event_id: 'a1', org_id: orgId, raw_metric: 'api_calls', customer_id: 'acme', timestamp: '2024-03-05 10:00:00.000', data: '{"region":"eu"}' }),
    eventRow({ event_id: 'a2', org_id: orgId, raw_metric: 'api_calls', customer_id: 'acme', timestamp: '2024-03-06 10:00:00.000', data: '{"region":"us"}' }),
    eventRow({ event_id: 'a3', org_id: orgId, raw_metric: 'api_calls', customer_id: 'zeta', timestamp: '2024-03-07 10:00:00.000', data: '{"region":"eu"}' }),
    eventRow({ event_id: 'a4', org_id: orgId, raw_metric: 'api_calls', customer_id: 'acme', timestamp: '2024-04-01 00:00:00.000', data: '{"region":"eu"}' }),
  ])
  await writer.close()
  app = metricTestApp({ handle: ch.handle, ledger, orgId })
})
afterAll(async () => {
  await db?.close()
  await ch?.destroy()
  if (pgDir?.startsWith(tmpdir())) rmSync(pgDir, { recursive: true, force: true })
})

describe('billable metric endpoints', () => {
  it('creates an SQL metric, then edits it into a new version; both stay readable and diffable', async () => {
    const created = await call('POST', '/v1/billable-metrics', {
      name: 'api_calls',
      unit: 'API call',
      mode: 'sql',
      raw_metrics: ['api_calls'],
      customer_query: COUNT_SQL,
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ name: 'api_calls', version: 1, mode: 'sql', customer_query: COUNT_SQL, dimensions: [], parameters: [] })

    const edited = await call('POST', '/v1/billable-metrics/api_calls/versions', {
      unit: 'API call',
      mode: 'sql',
      raw_metrics: ['api_calls'],
      customer_query: COUNT_SQL + "\n  AND fields['region'] = {region:String}",
      parameters: [{ name: 'region', type: 'String', default: 'eu' }],
    })
    expect(edited.status).toBe(201)
    expect(edited.json).toMatchObject({ version: 2 })

    expect((await call('GET', '/v1/billable-metrics/api_calls?version=1')).json).toMatchObject({ version: 1, customer_query: COUNT_SQL })
    expect((await call('GET', '/v1/billable-metrics/api_calls')).json).toMatchObject({ version: 2 })
    const versions = await call('GET', '/v1/billable-metrics/api_calls/versions')
    expect((versions.json.data as Array<{ version: number }>).map((v) => v.version)).toEqual([1, 2])
    const list = await call('GET', '/v1/billable-metrics')
    expect(list.json.data).toEqual([expect.objectContaining({ name: 'api_calls', latest_version: 2, unit: 'API call' })])

    const diff = await call('GET', '/v1/billable-metrics/api_calls/diff?from=1&to=2')
    expect(diff.json).toEqual({
      name: 'api_calls',
      from: 1,
      to: 2,
      changes: [
        { field: 'parameters', from: [], to: [{ name: 'region', type: 'String', default: 'eu' }] },
        {
          field: 'customer_query',
          from: COUNT_SQL,
          to: COUNT_SQL + "\n  AND fields['region'] = {region:String}",
          diff: [...COUNT_SQL.split('\n').map((l) => `  ${l}`), "+   AND fields['region'] = {region:String}"],
        },
      ],
    })
  })

  it('previews a stored version for one customer and for all customers, with stats', async () => {
    const one = await call('POST', '/v1/billable-metrics/api_calls/preview', {
      version: 1,
      customer_id: 'acme',
      period_start: '2024-03-01',
      period_end: '2024-04-01',
    })
    expect(one.status).toBe(200)
    // a4 is at 2024-04-01 00:00, outside the half-open period.
    expect(one.json).toMatchObject({ version: 1, customers: [{ customer_id: 'acme', quantity: '2', rows: [{ quantity: '2' }] }], truncated: false })
    const stats = one.json.stats as { queries: number; rows_read: number; elapsed_ms: number; form: string }
    expect(stats.queries).toBe(1)
    // The SQL template, one aggregation over raw.api_calls: grouped by customer (sql/groupedTemplate.ts).
    expect(stats.form).toBe('grouped')
    expect(stats.rows_read).toBeGreaterThan(0)

    const all = await call('POST', '/v1/billable-metrics/api_calls/preview', {
      period_start: '2024-03-01',
      period_end: '2024-04-01',
      parameters: { region: 'eu' },
    })
    expect((all.json.customers as unknown[]).length).toBe(2)
    expect(all.json.customers).toEqual([
      { customer_id: 'acme', quantity: '1', rows: [{ quantity: '1' }] },
      { customer_id: 'zeta', quantity: '1', rows: [{ quantity: '1' }] },
    ])
  })

  it('creates a builder metric whose generated SQL is returned, and previews a draft', async () => {
    const created = await call('POST', '/v1/billable-metrics', {
      name: 'by_region',
      unit: 'call',
      mode: 'builder',
      builder: { raw_metric: 'api_calls', aggregation: 'COUNT', group_by: ['region'] },
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ mode: 'builder', dimensions: ['region'], raw_metrics: ['api_calls'] })
    expect(created.json.customer_query).toContain('GROUP BY region')
    const draft = await call('POST', '/v1/billable-metrics/preview', {
      customer_id: 'acme',
      period_start: '2024-03-01 00:00:00.000',
      period_end: '2024-04-01T00:00:00Z',
      definition: { unit: 'call', mode: 'sql', raw_metrics: ['api_calls'], customer_query: created.json.customer_query, dimensions: ['region'] },
    })
    expect(draft.json.customers).toEqual([
      {
        customer_id: 'acme',
        quantity: '2',
        rows: [
          { region: 'eu', quantity: '1' },
          { region: 'us', quantity: '1' },
        ],
      },
    ])
  })

  it('refuses a hostile template with 422 and the line and column; validate explains without storing', async () => {
    const bad = await call('POST', '/v1/billable-metrics', {
      name: 'evil',
      unit: 'x',
      mode: 'sql',
      raw_metrics: ['api_calls'],
      customer_query: 'SELECT 1 AS quantity\n;DROP TABLE events',
    })
    expect(bad.status).toBe(422)
    expect(bad.json.error).toMatchObject({ code: 'invalid_template', issues: [{ query: 'customer_query', code: 'multiple_statements', line: 2, column: 1 }] })
    expect((await call('GET', '/v1/billable-metrics/evil')).status).toBe(404)

    const syntax = await call('POST', '/v1/billable-metrics/validate', {
      unit: 'x',
      mode: 'sql',
      raw_metrics: ['api_calls'],
      customer_query: 'SELECT count() AS quantity\nFROM raw.api_calls\nWHERE customer_id = = 1',
    })
    expect(syntax.status).toBe(200)
    expect(syntax.json).toMatchObject({ valid: false, issues: [{ query: 'customer_query', code: 'syntax_error', line: 3 }] })
    expect((syntax.json.issues as Array<{ column: number }>)[0]!.column).toBeGreaterThan(0)

    const good = await call('POST', '/v1/billable-metrics/validate', { unit: 'x', mode: 'builder', builder: { raw_metric: 'api_calls', aggregation: 'COUNT' } })
    expect(good.json).toMatchObject({ valid: true, issues: [], columns: [{ name: 'quantity', type: 'UInt64' }] })

    const missing = await call('POST', '/v1/billable-metrics/validate', {
      unit: 'x',
      mode: 'sql',
      raw_metrics: ['nope'],
      customer_query: 'SELECT count() AS quantity FROM raw.nope',
    })
    expect(missing.json).toMatchObject({ valid: false, issues: [{ code: 'raw_metric_not_found' }] })
  })

  it('formats SQL keeping parameters whole', async () => {
    const res = await call('POST', '/v1/billable-metrics/format', {
      sql: 'select count() as quantity from raw.api_calls where customer_id={customer_id:String}',
    })
    expect(res.json).toEqual({ sql: 'SELECT count() AS quantity\nFROM raw.api_calls\nWHERE customer_id = {customer_id:String}' })
  })

  it('archives a metric (hidden from the list, still readable) and deletes one only while no product uses it', async () => {
    const define = { unit: 'x', mode: 'sql', raw_metrics: ['api_calls'], customer_query: COUNT_SQL }
    await call('POST', '/v1/billable-metrics', { name: 'retired', ...define })
    await call('POST', '/v1/billable-metrics', { name: 'scratch', ...define })
    const archived = await call('POST', '/v1/billable-metrics/retired/archive')
    expect(archived).toMatchObject({ status: 200, json: { name: 'retired', archived_at: expect.any(String) } })
    const names = async (query = '') => ((await call('GET', `/v1/billable-metrics${query}`)).json.data as Array<{ name: string }>).map((m) => m.name)
    expect(await names()).not.toContain('retired')
    expect(await names('?include_archived=true')).toContain('retired')
    expect((await call('GET', '/v1/billable-metrics/retired?version=1')).json).toMatchObject({ name: 'retired', version: 1 })
    expect((await call('GET', '/v1/billable-metrics?include_archived=yes')).status).toBe(400)

    await ledger.products.create({ now: testNow(), orgId, name: 'Retired API', kind: 'metered', metricName: 'retired', metricVersion: 1 })
    expect(await call('DELETE', '/v1/billable-metrics/retired')).toMatchObject({
      status: 409,
      json: { error: { code: 'billable_metric_in_use', products: ['Retired API'] } },
    })
    const deleted = await app.request('/v1/billable-metrics/scratch', { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect(await call('GET', '/v1/billable-metrics/scratch')).toMatchObject({ status: 404, json: { error: { code: 'billable_metric_not_found' } } })
    expect(await call('POST', '/v1/billable-metrics/nope/archive')).toMatchObject({ status: 404, json: { error: { code: 'billable_metric_not_found' } } })
  })

  it('answers 400, 404 and 409 with codes', async () => {
    expect((await call('POST', '/v1/billable-metrics', { name: 'Bad Name', unit: 'x', mode: 'sql' })).json).toMatchObject({
      error: { code: 'invalid_request' },
    })
    expect(
      (await call('POST', '/v1/billable-metrics', { name: 'api_calls', unit: 'x', mode: 'sql', raw_metrics: ['api_calls'], customer_query: COUNT_SQL })).status,
    ).toBe(409)
    expect((await call('GET', '/v1/billable-metrics/nope')).json).toMatchObject({ error: { code: 'billable_metric_not_found' } })
    expect((await call('GET', '/v1/billable-metrics/api_calls?version=9')).json).toMatchObject({ error: { code: 'billable_metric_version_not_found' } })
    const period = await call('POST', '/v1/billable-metrics/api_calls/preview', { period_start: '2024-04-01', period_end: '2024-03-01' })
    expect(period).toMatchObject({ status: 400, json: { error: { code: 'invalid_period' } } })
    const param = await call('POST', '/v1/billable-metrics/api_calls/preview', {
      period_start: '2024-03-01',
      period_end: '2024-04-01',
      parameters: { nope: 'x' },
    })
    expect(param).toMatchObject({ status: 400, json: { error: { code: 'unknown_parameter', details: [{ field: 'parameters.nope' }] } } })
  })
})
