// The sandbox escapes of issue 11, each replayed as the attacker would: validate, then run for
// every customer. Every statement this file's ClickHouse handle receives is recorded; what the
// user wrote may reach the engine only as the bound parameter of `formatQuery`, and a canary
// table and another organisation's marker event must never move or appear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventWriter } from '../metering/eventWriter.ts'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { resolveMetricVersion } from './metricDefinition.ts'
import { metricQuantities } from './metricQuantities.ts'
import { validateMetricVersion } from './validateTemplate.ts'

let ch: TestClickHouse
const sent: Array<{ query: string; params: Record<string, unknown> }> = []
const PERIOD = { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') }
/** Another organisation's event: its id must never come back to org-a. */
const MARKER = 'marker-of-org-b'

beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-escapes-')
  const writer = createEventWriter(ch.handle)
  await writer.write([
    eventRow({ event_id: 'a1', org_id: 'org-a', raw_metric: 'api_calls', customer_id: 'c1', timestamp: '2024-03-02 00:00:00.000' }),
    eventRow({ event_id: 'a2', org_id: 'org-a', raw_metric: 'api_calls', customer_id: 'c2', timestamp: '2024-03-02 00:00:00.000' }),
    eventRow({ event_id: 'a3', org_id: 'org-a', raw_metric: 'api_calls', customer_id: 'c2', timestamp: '2024-03-03 00:00:00.000' }),
    eventRow({ event_id: MARKER, org_id: 'org-b', raw_metric: 'api_calls', customer_id: 'c1', timestamp: '2024-03-02 00:00:00.000' }),
  ])
  await writer.close()
  await ch.handle.client.command({ query: 'CREATE TABLE canary (x UInt8) ENGINE = MergeTree ORDER BY x' })
  await ch.handle.client.insert({ table: 'canary', values: [{ x: 1 }], format: 'JSONEachRow' })
  const client = ch.handle.client
  for (const method of ['query', 'command', 'exec', 'insert'] as const) {
    const original = (client[method] as (...args: unknown[]) => unknown).bind(client)
    ;(client as unknown as Record<string, unknown>)[method] = (p: { query?: string; table?: string; query_params?: Record<string, unknown> }) => {
      sent.push({ query: p.query ?? `INSERT INTO ${p.table}`, params: p.query_params ?? {} })
      return original(p)
    }
  }
})
afterAll(async () => {
  await ch?.destroy()
})

async function tables(): Promise<string[]> {
  const rs = await ch.handle.client.query({
    query: 'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
    query_params: { db: ch.handle.database },
    format: 'JSONEachRow',
  })
  return (await rs.json<{ name: string }>()).map((r) => r.name)
}

async function attempt(customerQuery: string) {
  sent.length = 0
  const version = resolveMetricVersion({ unit: 'x', mode: 'sql', raw_metrics: ['api_calls'], customer_query: customerQuery })
  const outcome = await validateMetricVersion({ handle: ch.handle, orgId: 'org-a', version })
  const run = await metricQuantities({ handle: ch.handle, orgId: 'org-a', version, customerIds: ['c1', 'c2'], period: PERIOD }).catch((e: unknown) => e)
  return { outcome, run, sent: [...sent] }
}

/** No statement text holds `fragment`: the user's words travelled only as a bound value. */
function expectNotSentAsSql(log: Array<{ query: string }>, fragment: string): void {
  for (const s of log) expect(s.query).not.toContain(fragment)
}

describe('Unicode quotes cannot hide a second statement', () => {
  it('the hidden CREATE TABLE never runs, at validation or at run time', async () => {
    const before = await tables()
    const { outcome, run, sent: log } = await attempt("SELECT ‘a'’; CREATE TABLE hidden_by_quotes (v Int8) ENGINE = Memory; SELECT ‘'’ AS quantity WHERE 0")
    expect(await tables()).toEqual(before)
    expectNotSentAsSql(log, 'hidden_by_quotes')
    expect(outcome.valid).toBe(false)
    expect(run).toMatchObject({ code: 'invalid_template' })
  })
})

describe('a quoted, dotted CTE name does not whitelist the real table', () => {
  it('another organisation’s events are refused, and never returned', async () => {
    const { outcome, run } = await attempt(
      "SELECT toUInt64(count()) AS quantity FROM (WITH `tally.events` AS (SELECT 1 AS x) SELECT 1) AS s CROSS JOIN tally.events AS e WHERE e.event_id = 'marker-of-org-b'",
    )
    expect(outcome.valid).toBe(false)
    expect(outcome.issues.map((i) => i.code)).toContain('table_not_allowed')
    expect(run).toMatchObject({ code: 'invalid_template', details: [expect.objectContaining({ code: 'table_not_allowed' })] })
  })
})

describe('reserved columns', () => {
  it('a template returning its own __tally_customer is refused and attributes nothing', async () => {
    const { outcome, run } = await attempt(
      'SELECT count() AS quantity, toUInt8(0) AS __tally_customer FROM raw.api_calls WHERE customer_id = {customer_id:String}',
    )
    expect(outcome.valid).toBe(false)
    expect(outcome.issues.map((i) => i.code)).toContain('reserved_name')
    expect(run).toMatchObject({ code: 'invalid_template' })
  })
})
