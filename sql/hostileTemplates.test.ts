// The hostile corpus (DESIGN invariant 5): each template is refused with a specific code, and
// nothing of it executes. Every call this file's ClickHouse handle receives is recorded; while
// the corpus is validated the only statements allowed through are parse-only `EXPLAIN AST`
// and Tally's own table listing. A canary table and the events table must survive intact.
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventWriter } from '../metering/eventWriter.ts'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { significant, tokenize } from './lexer.ts'
import { resolveMetricVersion } from './metricDefinition.ts'
import { metricQuantities } from './metricQuantities.ts'
import { validateMetricVersion } from './validateTemplate.ts'

let ch: TestClickHouse
const sent: string[] = []

beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-hostile-')
  const writer = createEventWriter(ch.handle)
  await writer.write([
    eventRow({ event_id: 'a1', org_id: 'org-a', raw_metric: 'api_calls', customer_id: 'c1' }),
    eventRow({ event_id: 'b1', org_id: 'org-b', raw_metric: 'api_calls', customer_id: 'c1' }),
  ])
  await writer.close()
  await ch.handle.client.command({ query: 'CREATE TABLE canary (x UInt8) ENGINE = MergeTree ORDER BY x' })
  await ch.handle.client.insert({ table: 'canary', values: [{ x: 1 }], format: 'JSONEachRow' })
  // Record every statement from here on.
  const client = ch.handle.client
  for (const method of ['query', 'command', 'exec', 'insert'] as const) {
    const original = (client[method] as (...args: unknown[]) => unknown).bind(client)
    ;(client as unknown as Record<string, unknown>)[method] = (params: { query?: string; table?: string }) => {
      sent.push(params.query ?? `INSERT INTO ${params.table}`)
      return original(params)
    }
  }
})
afterAll(async () => {
  await ch?.destroy()
})

const FROM = 'FROM raw.api_calls WHERE customer_id = {customer_id:String}'

/** [template, expected code]. Grouped by what the template tries. */
const CORPUS: Array<[string, string]> = [
  // Other organisations' rows and tables it was not given.
  ['SELECT count() AS quantity FROM events', 'table_not_allowed'],
  ["SELECT count() AS quantity FROM events WHERE org_id = 'org-b'", 'table_not_allowed'],
  ['SELECT count() AS quantity FROM tally.events', 'table_not_allowed'],
  ['SELECT count() AS quantity FROM `tally`.`events`', 'table_not_allowed'],
  ['SELECT count() AS quantity FROM event_keys', 'table_not_allowed'],
  ['SELECT count() AS quantity FROM usage_hour', 'table_not_allowed'],
  ['SELECT count() AS quantity FROM canary', 'table_not_allowed'],
  [`SELECT count() AS quantity ${FROM} AND customer_id IN event_keys`, 'table_not_allowed'],
  [`SELECT count() AS quantity ${FROM} UNION ALL SELECT count() FROM events`, 'table_not_allowed'],
  ['SELECT count() AS quantity FROM raw.api_calls AS a JOIN events AS e ON a.event_id = e.event_id', 'table_not_allowed'],
  ['SELECT count() AS quantity FROM raw.other_metric', 'raw_metric_not_declared'],
  ['WITH event_keys AS (SELECT 1 AS x) SELECT count() AS quantity FROM event_keys', 'cte_name_reserved'],
  ['WITH aggregates AS (SELECT * FROM events) SELECT count() AS quantity FROM aggregates', 'cte_name_reserved'],
  ['SELECT count() AS quantity FROM __tally_raw_api_calls', 'table_not_allowed'],
  // System tables.
  ['SELECT count() AS quantity FROM system.tables', 'system_table_forbidden'],
  ['SELECT name AS quantity FROM system.users', 'system_table_forbidden'],
  ['SELECT count() AS quantity FROM INFORMATION_SCHEMA.TABLES', 'system_table_forbidden'],
  ['SELECT count() AS quantity FROM raw.api_calls AS a, system.one', 'system_table_forbidden'],
  [`SELECT count() AS quantity ${FROM} AND customer_id GLOBAL IN system.users`, 'system_table_forbidden'],
  ['WITH (SELECT count() FROM system.tables) AS x SELECT x AS quantity', 'system_table_forbidden'],
  ['SELECT count() AS quantity FROM raw.api_calls ARRAY JOIN (SELECT groupArray(name) FROM system.tables) AS t', 'system_table_forbidden'],
  // Table functions.
  ["SELECT count() AS quantity FROM file('/etc/passwd')", 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM url('http://127.0.0.1:1/x', CSV)", 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM s3('http://127.0.0.1:1/b/x.csv')", 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM remote('127.0.0.1', system.one)", 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM mysql('127.0.0.1:3306', 'db', 't', 'u', 'p')", 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM postgresql('127.0.0.1:5432', 'db', 't', 'u', 'p')", 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM executable('x.sh', 'TSV', 'a String')", 'table_function_forbidden'],
  ['SELECT count() AS quantity FROM numbers(1000000000000)', 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM merge('tally', '.*')", 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM mergeTreeIndex('tally', 'events')", 'table_function_forbidden'],
  ['SELECT count() AS quantity FROM view(SELECT * FROM events)', 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM generateRandom('a String')", 'table_function_forbidden'],
  ["SELECT count() AS quantity FROM raw.api_calls JOIN url('http://127.0.0.1:1/x', CSV, 'a String') AS u ON 1", 'table_function_forbidden'],
  ["SELECT (SELECT count() FROM s3('http://127.0.0.1:1/x')) AS quantity", 'table_function_forbidden'],
  [`SELECT count() AS quantity ${FROM} AND 1 = (SELECT 1 FROM remote('127.0.0.1', system.one))`, 'table_function_forbidden'],
  // Dictionaries and functions that read outside the scope.
  ["SELECT dictGet('d', 'a', toUInt64(1)) AS quantity", 'dictionary_forbidden'],
  ["SELECT dictHas('d', toUInt64(1)) AS quantity", 'dictionary_forbidden'],
  ["SELECT joinGet('events', 'data', 'x') AS quantity", 'function_forbidden'],
  ["SELECT length(file('/etc/passwd')) AS quantity", 'function_forbidden'],
  ["SELECT getSetting('readonly') AS quantity", 'function_forbidden'],
  ['SELECT length(currentDatabase()) AS quantity', 'function_forbidden'],
  ['SELECT length(hostName()) AS quantity', 'function_forbidden'],
  ["SELECT hasColumnInTable('system', 'users', 'name') AS quantity", 'function_forbidden'],
  [`SELECT sum(sleepEachRow(3)) AS quantity ${FROM}`, 'function_forbidden'],
  ["SELECT __getScalar('x') AS quantity", 'function_forbidden'],
  ["SELECT length(aiGenerate('leak', 'x')) AS quantity", 'function_forbidden'],
  ["SELECT length(showCertificate()) AS quantity", 'function_forbidden'],
  // Settings.
  ['SELECT 1 AS quantity SETTINGS readonly = 0', 'settings_forbidden'],
  [`SELECT count() AS quantity ${FROM} SETTINGS max_rows_to_read = 0, max_execution_time = 0`, 'settings_forbidden'],
  ['SELECT * FROM (SELECT 1 AS quantity SETTINGS readonly = 0)', 'settings_forbidden'],
  ['SET readonly = 0', 'statement_not_select'],
  // Writes, DDL and other statements.
  ['INSERT INTO events SELECT * FROM events', 'statement_not_select'],
  ['CREATE TABLE x (a Int8) ENGINE = Memory', 'statement_not_select'],
  ['DROP TABLE events', 'statement_not_select'],
  ['ALTER TABLE events DELETE WHERE 1', 'statement_not_select'],
  ['TRUNCATE TABLE events', 'statement_not_select'],
  ['OPTIMIZE TABLE events FINAL', 'statement_not_select'],
  ['RENAME TABLE events TO e2', 'statement_not_select'],
  ['DETACH TABLE events', 'statement_not_select'],
  ['SYSTEM DROP MARK CACHE', 'statement_not_select'],
  ['KILL QUERY WHERE 1', 'statement_not_select'],
  ["GRANT ALL ON *.* TO default", 'statement_not_select'],
  ['EXPLAIN SELECT 1', 'statement_not_select'],
  ['DESCRIBE TABLE events', 'statement_not_select'],
  // Several statements, hidden in comments, strings and parentheses.
  ['SELECT 1 AS quantity; DROP TABLE events', 'multiple_statements'],
  ['SELECT 1 AS quantity /* ; */ ; DROP TABLE canary', 'multiple_statements'],
  ['SELECT 1 AS quantity -- x\n; TRUNCATE TABLE canary', 'multiple_statements'],
  ["SELECT 'a' AS x; INSERT INTO canary VALUES (2)", 'multiple_statements'],
  ['SELECT 1 AS quantity) SETTINGS readonly = 0 --', 'unbalanced_parentheses'],
  // Output clauses and parameter tricks.
  ["SELECT 1 AS quantity INTO OUTFILE '/tmp/tally-x'", 'output_clause_forbidden'],
  ['SELECT 1 AS quantity FORMAT CSV', 'output_clause_forbidden'],
  ['SELECT count() AS quantity FROM {t:Identifier}', 'parameter_type_forbidden'],
  ['SELECT {c:Identifier} AS quantity', 'parameter_type_forbidden'],
  ['SELECT count() AS quantity FROM raw.api_calls WHERE org_id = {__tally_org_id:String}', 'parameter_reserved'],
]

describe('hostile templates', () => {
  it(`the corpus has ${CORPUS.length} templates`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(70)
  })

  it.each(CORPUS)('%s → %s, nothing executed', async (template, code) => {
    sent.length = 0
    const version = resolveMetricVersion({ unit: 'x', mode: 'sql', raw_metrics: ['api_calls'], customer_query: template })
    const outcome = await validateMetricVersion({ handle: ch.handle, orgId: 'org-a', version })
    expect(outcome.valid).toBe(false)
    expect(outcome.issues.map((i) => i.code)).toContain(code)
    for (const statement of sent) {
      expect(statement.startsWith('EXPLAIN AST\n') || statement.startsWith('SELECT name FROM system.tables')).toBe(true)
    }
  })

  it('the same templates as aggregate queries are refused too', async () => {
    // (Templates binding {customer_id} are refused there for that first: customer_in_aggregate.)
    for (const [template, code] of CORPUS.filter(([t, c]) => c !== 'cte_name_reserved' && !t.includes('{customer_id'))) {
      const version = resolveMetricVersion({ unit: 'x', mode: 'sql', raw_metrics: ['api_calls'], aggregate_query: template, customer_query: 'SELECT count() AS quantity FROM aggregates' })
      const outcome = await validateMetricVersion({ handle: ch.handle, orgId: 'org-a', version })
      expect(outcome.issues.map((i) => `${i.query}:${i.code}`)).toContain(`aggregate_query:${code}`)
    }
  })

  it('left the events and the canary untouched', async () => {
    const rs = await ch.handle.client.query({ query: 'SELECT toString((SELECT count() FROM events)) AS e, toString((SELECT count() FROM canary)) AS c', format: 'JSONEachRow' })
    expect(await rs.json()).toEqual([{ e: '2', c: '1' }])
    expect(existsSync('/tmp/tally-x')).toBe(false)
  })

  it('cannot name another organisation: org_id is not a column of raw.<metric>', async () => {
    const version = resolveMetricVersion({ unit: 'x', mode: 'sql', raw_metrics: ['api_calls'], customer_query: "SELECT count() AS quantity FROM raw.api_calls WHERE org_id = 'org-b'" })
    const outcome = await validateMetricVersion({ handle: ch.handle, orgId: 'org-a', version })
    expect(outcome.issues).toEqual([{ query: 'customer_query', code: 'query_failed', message: expect.stringContaining('org_id') }])
  })
})

describe('stored versions are checked again when they run', () => {
  it('a CTE named like a table created after validation is refused at run time', async () => {
    // Validated while no table `late_table` existed; a migration adds one later.
    const version = resolveMetricVersion({ unit: 'x', mode: 'sql', raw_metrics: ['api_calls'], customer_query: 'WITH late_table AS (SELECT count() AS n FROM raw.api_calls) SELECT sum(n) AS quantity FROM late_table' })
    expect((await validateMetricVersion({ handle: ch.handle, orgId: 'org-a', version })).valid).toBe(true)
    await ch.handle.client.command({ query: 'CREATE TABLE late_table (n UInt64) ENGINE = Memory' })
    const run = metricQuantities({ handle: ch.handle, orgId: 'org-a', version, customerIds: ['c1'], period: { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2025-01-01T00:00:00Z') } })
    await expect(run).rejects.toMatchObject({ code: 'cte_name_reserved' })
  })

  it('a stored template that no longer passes the text checks is refused before anything runs', async () => {
    const version = resolveMetricVersion({ unit: 'x', mode: 'sql', raw_metrics: ['api_calls'], customer_query: 'SELECT 1 AS quantity; DROP TABLE canary' })
    sent.length = 0
    const run = metricQuantities({ handle: ch.handle, orgId: 'org-a', version, customerIds: ['c1'], period: { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2025-01-01T00:00:00Z') } })
    await expect(run).rejects.toMatchObject({ code: 'invalid_template' })
    expect(sent).toEqual([])
  })
})

describe('the lexer agrees with ClickHouse on where code is', () => {
  // What the lexer calls string or comment must be inert for ClickHouse too, or a `;` hidden
  // from the lexer would run a second statement (chDB runs them all). Each text is sent raw
  // behind EXPLAIN AST on purpose; the hidden DROP must not happen.
  const HIDDEN = [
    'SELECT 1 /* /* */ ; DROP TABLE canary_N */',
    'SELECT 1 #abc; DROP TABLE canary_N',
    "SELECT 'a\\'; DROP TABLE canary_N; --'",
    'SELECT `a\\`; DROP TABLE canary_N; --` FROM x',
    'SELECT $$a; DROP TABLE canary_N$$',
    'SELECT $t$a; DROP TABLE canary_N$t$',
    'SELECT 1 --x\r; DROP TABLE canary_N',
    'SELECT 1 -- x\f; DROP TABLE canary_N',
    'SELECT "a""; DROP TABLE canary_N; --"',
    "SELECT 'a''; DROP TABLE canary_N; --'",
    'SELECT 1 /*/ ; DROP TABLE canary_N */',
  ]

  it.each(HIDDEN.map((t, i) => [i, t] as const))('#%i %j', async (i, template) => {
    const table = `canary_lex_${i}`
    const text = template.replace('canary_N', table)
    expect(significant(tokenize(text)).some((t) => t.text === ';')).toBe(false)
    await ch.handle.client.command({ query: `CREATE TABLE ${table} (x UInt8) ENGINE = Memory` })
    await ch.handle.client.query({ query: `EXPLAIN AST\n${text}\n`, format: 'TabSeparatedRaw' }).then((r) => r.text()).catch(() => '')
    const rs = await ch.handle.client.query({ query: 'SELECT toString(count()) AS n FROM system.tables WHERE database = {db:String} AND name = {t:String}', query_params: { db: ch.handle.database, t: table }, format: 'JSONEachRow' })
    expect(await rs.json()).toEqual([{ n: '1' }])
  })

  it('and sees the separator ClickHouse would act on after an escaped backslash', () => {
    expect(significant(tokenize("SELECT 'a\\\\'; DROP TABLE canary")).some((t) => t.text === ';')).toBe(true)
  })
})
