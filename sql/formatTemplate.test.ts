// The formatter never changes meaning: every shipped example and test template is formatted
// through the API, the formatted text is previewed (so validated) and must give the quantities
// the original gives, which are worked out by hand below. Real chDB and PGlite.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createTestLedger, testNow } from '../test/support/testLedger.ts'
import { ledgerMigrationsFolder } from '../ledger/ledgerMigrationsFolder.ts'
import { createEventWriter } from '../metering/eventWriter.ts'
import type { AppEnv } from '../platform/http/appEnv.ts'
import { openDatabase, type DatabaseHandle } from '../platform/postgres/database.ts'
import { migrateDatabase } from '../platform/postgres/migrate.ts'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { metricTestApp } from '../test/support/metricTestApp.ts'
import { builderSpecSchema, buildQuery } from './builder.ts'

const example = (file: string) => readFileSync(join(import.meta.dirname, 'examples', file), 'utf8')
const PERIOD = { period_start: '2024-03-01', period_end: '2024-04-01' }

let ch: TestClickHouse
let pgDir: string
let db: DatabaseHandle
let app: Hono<AppEnv>

async function call(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function format(sql: string, extra: Record<string, unknown> = {}) {
  return call('/v1/billable-metrics/format', { sql, ...extra })
}

/** acme's quantity (and rows) from a draft preview: the draft is validated first, so a template that stopped validating fails here. */
async function preview(definition: Record<string, unknown>) {
  const res = await call('/v1/billable-metrics/preview', { definition, customer_id: 'acme', ...PERIOD })
  expect(res.json).not.toHaveProperty('error')
  const customer = (res.json.customers as Array<{ quantity: string; rows: unknown[] }>)[0]!
  return { quantity: customer.quantity, rows: customer.rows }
}

beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-format-')
  pgDir = mkdtempSync(join(tmpdir(), 'tally-sql-format-pg-'))
  db = await openDatabase({ dataDir: pgDir })
  await migrateDatabase(db, ledgerMigrationsFolder)
  const ledger = createTestLedger(db.db)
  const orgId = (await ledger.organisations.create({ now: testNow(), name: 'Format' })).id
  for (const name of ['api_calls', 'logins', 'instances', 'seats', 'storage', 'requests']) await ledger.rawMetrics.create({ now: testNow(), orgId, name })
  let n = 0
  const ev = (raw_metric: string, timestamp: string, data: Record<string, string>) =>
    eventRow({ event_id: `f${n++}`, org_id: orgId, raw_metric, customer_id: 'acme', timestamp, data: JSON.stringify(data) })
  const writer = createEventWriter(ch.handle)
  await writer.write([
    ev('api_calls', '2024-03-02 10:00:00.000', { bytes: '1.5' }),
    ev('api_calls', '2024-03-03 10:00:00.000', { bytes: '2.25' }),
    ev('api_calls', '2024-03-31 23:59:59.999', { bytes: '4' }),
    ev('api_calls', '2024-04-01 00:00:00.000', { bytes: '100' }),
    ev('logins', '2024-03-02 10:00:00.000', { user_id: 'u1' }),
    ev('logins', '2024-03-05 10:00:00.000', { user_id: 'u1' }),
    ev('logins', '2024-03-06 10:00:00.000', { user_id: 'u2' }),
    ev('instances', '2024-03-01 00:00:00.000', { instance_id: 'i-1', action: 'start', gb: '2' }),
    ev('instances', '2024-03-01 01:30:00.000', { instance_id: 'i-1', action: 'stop', gb: '2' }),
    ev('instances', '2024-03-31 23:00:00.000', { instance_id: 'i-2', action: 'start', gb: '4' }),
    ev('seats', '2024-03-03 09:00:00.000', { seats: '10' }),
    ev('seats', '2024-03-03 17:00:00.000', { seats: '14' }),
    ev('seats', '2024-03-20 09:00:00.000', { seats: '12' }),
    ev('storage', '2024-03-01 08:00:00.000', { gb: '100' }),
    ev('storage', '2024-03-01 20:00:00.000', { gb: '50' }),
    ev('storage', '2024-03-02 08:00:00.000', { gb: '31' }),
    ev('requests', '2024-03-02 08:00:00.000', { region: 'eu', tier: 'gold' }),
    ev('requests', '2024-03-03 08:00:00.000', { region: 'eu', tier: 'gold' }),
    ev('requests', '2024-03-04 08:00:00.000', { region: 'us', tier: 'silver' }),
  ])
  await writer.close()
  app = metricTestApp({ handle: ch.handle, ledger, orgId })
})
afterAll(async () => {
  await db?.close()
  await ch?.destroy()
  if (pgDir?.startsWith(tmpdir())) rmSync(pgDir, { recursive: true, force: true })
})

const sqlMetric = (raw: string, customer_query: string, extra: Record<string, unknown> = {}) => ({
  unit: 'u',
  mode: 'sql',
  raw_metrics: [raw],
  customer_query,
  ...extra,
})
/** The builder's SQL for `spec`, as an SQL-mode definition (what "fork into SQL" gives the user). */
const built = (spec: { raw_metric: string } & Record<string, unknown>) => {
  const q = buildQuery(builderSpecSchema.parse(spec))
  return sqlMetric(spec.raw_metric, q.customerQuery, { parameters: q.parameters, dimensions: q.dimensions })
}

// [name, definition, acme's quantity in March, worked out by hand]
const TEMPLATES: Array<[string, Record<string, unknown>, string]> = [
  // 3 calls in [03-01, 04-01); the one at 04-01 00:00 is outside.
  ['api_calls_per_month.sql', sqlMetric('api_calls', example('api_calls_per_month.sql')), '3'],
  // u1, u1, u2 → 2 distinct.
  ['unique_active_users.sql', sqlMetric('logins', example('unique_active_users.sql')), '2'],
  // i-1: 2 GB × 1.5 h = 3; i-2: 4 GB × 1 h (23:00 to the period end) = 4; 3 + 4 = 7.
  ['gb_hours.sql', sqlMetric('instances', example('gb_hours.sql')), '7'],
  // daily peaks 14 (03-03) and 12 (03-20) → 14.
  ['peak_seats.sql', sqlMetric('seats', example('peak_seats.sql'), { aggregate_query: example('peak_seats.aggregate.sql') }), '14'],
  // day means (100 + 50) / 2 = 75 and 31; (75 + 31) / 31 days = 106 / 31 = 3.419354838 (9 places, truncated).
  ['storage_average.sql', sqlMetric('storage', example('storage_average.sql')), '3.419354838'],
  // eu×gold 2 + us×silver 1 = 3.
  ['requests_by_region_tier.sql', sqlMetric('requests', example('requests_by_region_tier.sql'), { dimensions: ['region', 'tier'] }), '3'],
  // `data` and `fields` are keywords elsewhere: 1.5 + 2.25 + 4 = 7.75.
  [
    'data and fields as identifiers',
    sqlMetric(
      'api_calls',
      "SELECT sum(toDecimal128OrZero(JSONExtractString(data, 'bytes'), 9)) + sum(toDecimal128OrZero(fields['bytes'], 9)) * 0 AS quantity\nFROM raw.api_calls\nWHERE customer_id = {customer_id:String} AND timestamp >= {period_start:DateTime64(3)} AND timestamp < {period_end:DateTime64(3)}",
    ),
    '7.75',
  ],
  // Declared Array parameter, lambda, IN: eu requests only → 2.
  [
    'array parameter, lambda and IN',
    sqlMetric(
      'requests',
      "select countIf(arrayExists(r -> r = fields['region'], {regions:Array(String)})) as quantity from raw.requests where customer_id = {customer_id:String} and fields['tier'] in ('gold', 'silver') and timestamp >= {period_start:DateTime64(3)} and timestamp < {period_end:DateTime64(3)}",
      { parameters: [{ name: 'regions', type: 'Array(String)', default: '["eu"]' }] },
    ),
    '2',
  ],
  // Builder output with filters: bytes ≥ 2 → 2.25 + 4 = 6.25.
  [
    'builder SUM with a gte filter',
    built({ raw_metric: 'api_calls', usage_field: 'bytes', aggregation: 'SUM', filters: [{ field: 'bytes', op: 'gte', value: '2' }] }),
    '6.25',
  ],
  // Builder COUNT grouped by region and tier: 3 rows' worth, 3 requests.
  ['builder COUNT by region and tier', built({ raw_metric: 'requests', aggregation: 'COUNT', group_by: ['region', 'tier'] }), '3'],
]

describe('POST /v1/billable-metrics/format', () => {
  it.each(TEMPLATES)('%s: the formatted template validates and bills what the original bills', async (_name, definition, quantity) => {
    const original = await preview(definition)
    expect(original.quantity).toBe(quantity)
    const formatted: Record<string, unknown> = { ...definition }
    for (const key of ['customer_query', 'aggregate_query'] as const) {
      const text = definition[key]
      if (typeof text !== 'string') continue
      const res = await format(text)
      expect(res.status).toBe(200)
      formatted[key] = res.json.sql
      // Parameters and raw metric references survive whole.
      for (const ref of text.match(/\{[^{}]+\}|raw\.\w+/g) ?? []) expect(res.json.sql).toContain(ref)
    }
    expect(await preview(formatted)).toEqual(original)
  })

  it('keeps the comments above and below the query verbatim', async () => {
    const res = await format(example('gb_hours.sql'))
    const header = example('gb_hours.sql').split('\nWITH')[0]!
    expect(String(res.json.sql).startsWith(`${header}\nWITH`)).toBe(true)
    expect((await format('-- top\nselect 1 as quantity -- end\n/* last */')).json.sql).toBe('-- top\nSELECT 1 AS quantity\n-- end\n/* last */')
    expect((await format('select 1 as quantity;\n-- after the semicolon')).json.sql).toBe('SELECT 1 AS quantity\n-- after the semicolon')
  })

  it('refuses to drop a comment inside the query, naming where it is, unless asked to', async () => {
    const sql = 'SELECT count() AS quantity\nFROM raw.api_calls\n  -- only paid calls\nWHERE customer_id = {customer_id:String}'
    const refused = await format(sql)
    expect(refused).toMatchObject({ status: 422, json: { error: { code: 'format_would_drop_comments', line: 3, column: 3 } } })
    const dropped = await format(sql, { drop_comments: true })
    expect(dropped).toEqual({ status: 200, json: { sql: 'SELECT count() AS quantity\nFROM raw.api_calls\nWHERE customer_id = {customer_id:String}' } })
  })

  it('answers a syntax error with 422 format_failed and where it is, and runs nothing of a second statement', async () => {
    const bad = await format('SELECT count() AS quantity\nFROM raw.api_calls\nWHERE customer_id = = 1')
    expect(bad).toMatchObject({ status: 422, json: { error: { code: 'format_failed', clickhouse_code: 'SYNTAX_ERROR', line: 3, column: 21 } } })
    const hidden = await format("SELECT ‘a'’; CREATE TABLE format_canary (v Int8) ENGINE = Memory; SELECT ‘'’ AS q WHERE 0")
    expect(hidden).toMatchObject({ status: 422, json: { error: { code: 'format_failed', line: 1, column: 12 } } })
    const tables = await ch.handle.client.query({ query: "SELECT count() AS n FROM system.tables WHERE name = 'format_canary'", format: 'JSONEachRow' })
    expect(await tables.json()).toEqual([{ n: 0 }])
    expect((await format('')).status).toBe(400)
  })
})
