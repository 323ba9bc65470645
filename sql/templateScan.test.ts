// Text-level checks and the scope rewrite: no ClickHouse involved.
import { describe, expect, it } from 'vitest'
import { composeAggregateQuery, composeCustomerQuery } from './composeQuery.ts'
import { DEFAULT_LIMITS } from './sandbox.ts'
import { rewriteTemplate, scanTemplate } from './templateScan.ts'

const scan = (text: string, role: 'aggregate_query' | 'customer_query' = 'customer_query') =>
  scanTemplate({ role, text, rawMetrics: ['api_calls', 'seats'], declaredParameters: new Map([['tier', 'String']]) })
const codes = (text: string, role?: 'aggregate_query' | 'customer_query') => scan(text, role).issues.map((i) => i.code)

describe('scanTemplate', () => {
  it('accepts a template and lists its parameters, raw references and CTEs', () => {
    const s = scan(
      "WITH per_day AS (SELECT toDate(timestamp) AS d, count() AS n FROM raw.seats WHERE customer_id = {customer_id:String} GROUP BY d)\nSELECT max(n) AS quantity FROM per_day -- peak: not a separator\nWHERE {tier:String} != 'x,y'",
    )
    expect(s.issues).toEqual([])
    expect(s.placeholders.map((p) => `${p.name}:${p.type}`)).toEqual(['customer_id:String', 'tier:String'])
    expect(s.rawReferences.map((r) => r.metric)).toEqual(['seats'])
    expect(s.cteNames).toEqual(['per_day'])
  })

  it('reports the line and column of a separator and of a character outside ASCII', () => {
    expect(scan('SELECT 1 AS quantity\n  ; DROP TABLE events').issues).toEqual([
      { query: 'customer_query', code: 'multiple_statements', message: expect.any(String), line: 2, column: 3 },
    ])
    expect(scan("SELECT 'ok ‘’' AS x,\n  ‘a’ AS quantity").issues).toEqual([
      { query: 'customer_query', code: 'non_ascii_character', message: expect.stringContaining('U+2018'), line: 2, column: 3 },
      { query: 'customer_query', code: 'non_ascii_character', message: expect.stringContaining('U+2019'), line: 2, column: 5 },
    ])
  })

  it.each([
    ['SELECT 1;', ['multiple_statements']],
    ['SELECT 1; SELECT 2', ['multiple_statements']],
    ["SELECT 'a;b' -- ;", ['multiple_statements', 'multiple_statements']],
    ['SELECT ‘a’', ['non_ascii_character', 'non_ascii_character']],
    ['SELECT 1 AS “q”', ['non_ascii_character', 'non_ascii_character']],
    ['SELECT count() FROM rаw.api_calls', ['non_ascii_character']],
    ['SELECT count()\u200b FROM raw.api_calls', ['non_ascii_character']],
    ["SELECT 'é' AS x -- é\n/* é */", []],
    ['SELECT `é` AS x', ['non_ascii_character']],
    ['SELECT $$é$$ AS x', ['non_ascii_character']],
    ['SELECT 1 AS __tally_customer', ['reserved_name']],
    ['SELECT 1 AS `__TALLY_x`', ['reserved_name']],
    ['WITH __tally_raw_api_calls AS (SELECT 1) SELECT 1', ['reserved_name']],
    ['SELECT 1 AS `a\\nb`', ['invalid_identifier']],
    ['SELECT 1 AS `a\nb`', ['invalid_identifier']],
    ['WITH history AS (SELECT 1) SELECT 1', ['cte_name_reserved']],
    ['SELECT count() FROM history.other_metric', ['raw_metric_not_declared']],
    ['DROP TABLE events', ['statement_not_select']],
    ['SHOW TABLES', ['statement_not_select']],
    ['SELECT 1) SETTINGS readonly = 0 --', ['unbalanced_parentheses', 'settings_forbidden']],
    ["SELECT 'unterminated", ['syntax_error']],
    ['SELECT 1 /* never closed', ['syntax_error']],
    ['SELECT {t:Identifier}', ['parameter_type_forbidden']],
    ['SELECT {nope:String}', ['unknown_parameter']],
    ['SELECT {customer_id:UInt64}', ['parameter_type_mismatch']],
    ['SELECT {__tally_org_id:String}', ['parameter_reserved']],
    ['SELECT count() FROM raw.other_metric', ['raw_metric_not_declared']],
    ['WITH aggregates AS (SELECT 1) SELECT 1', ['cte_name_reserved']],
    ['', ['empty_query']],
  ])('%s → %j', (text, expected) => {
    expect(codes(text)).toEqual(expected)
  })

  it('refuses customer_id in the aggregate query', () => {
    expect(codes('SELECT count() FROM raw.api_calls WHERE customer_id = {customer_id:String}', 'aggregate_query')).toEqual(['customer_in_aggregate'])
  })

  it('rewrites raw references and parameters outside strings and comments only', () => {
    const s = scan("SELECT count() AS quantity FROM raw.api_calls -- raw.api_calls\nWHERE customer_id = {customer_id:String} AND 'raw.api_calls' != ''")
    expect(rewriteTemplate(s, (p) => `x_${p}`)).toBe(
      "SELECT count() AS quantity FROM __tally_raw_api_calls -- raw.api_calls\nWHERE customer_id = {x_customer_id:String} AND 'raw.api_calls' != ''",
    )
  })
})

describe('composeCustomerQuery (golden)', () => {
  it("scopes raw metrics to the org, the period and each copy's customer, Tally settings last", () => {
    const customer = scan('SELECT count() AS quantity FROM raw.api_calls WHERE customer_id = {customer_id:String}')
    const composed = composeCustomerQuery({
      scope: { orgId: 'org-1', rawMetrics: ['api_calls'], period: { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') } },
      customer,
      aggregates: { kind: 'table', table: '__tally_agg_00', byCustomer: true },
      customerIds: ['a', 'b'],
      limits: DEFAULT_LIMITS,
    })
    // Each copy has its own scope: the customer's events of the period, the customer's aggregates.
    const copy = (i: number) =>
      (
        `SELECT ${i} AS __tally_customer, * FROM ( ` +
        'WITH __tally_raw_api_calls AS ( SELECT customer_id, timestamp, event_id, data, ' +
        "CAST(JSONExtractKeysAndValues(data, 'String'), 'Map(String, String)') AS fields FROM events " +
        'WHERE org_id = {__tally_org_id:String} AND raw_metric = {__tally_metric_0:String} AND customer_id = {__tally_customer_N:String} ' +
        'AND timestamp >= {__tally_period_start:DateTime64(3)} AND timestamp < {__tally_period_end:DateTime64(3)} ), ' +
        'aggregates AS (SELECT * FROM __tally_aggregates WHERE customer_id = {__tally_customer_N:String}) ' +
        'SELECT * FROM ( SELECT count() AS quantity FROM __tally_raw_api_calls WHERE customer_id = {__tally_customer_N:String} ) )'
      ).replaceAll('_N:', `_${i}:`)
    expect(composed.sql.replace(/\s+/g, ' ')).toBe(
      'WITH __tally_aggregates AS (SELECT * FROM __tally_agg_00) SELECT * FROM ( ' +
        `${copy(0)} UNION ALL ${copy(1)} ) ` +
        "SETTINGS readonly = 1, max_execution_time = 30, timeout_overflow_mode = 'throw', max_rows_to_read = 500000000, max_bytes_to_read = 50000000000, " +
        "read_overflow_mode = 'throw', max_memory_usage = 2000000000, session_timezone = 'UTC', max_result_rows = 100000, result_overflow_mode = 'throw', " +
        'optimize_arithmetic_operations_in_aggregate_functions = 0, ' +
        'output_format_json_quote_decimals = 1, output_format_json_quote_64bit_integers = 1',
    )
    expect(composed.params).toEqual({
      __tally_org_id: 'org-1',
      __tally_metric_0: 'api_calls',
      __tally_period_start: '2024-03-01 00:00:00.000',
      __tally_period_end: '2024-04-01 00:00:00.000',
      __tally_customer_0: 'a',
      __tally_customer_1: 'b',
    })
    expect(composed.scopeCtes).toEqual(['__tally_raw_api_calls'])
    expect(composed.scratch).toEqual({ cte: '__tally_aggregates', table: '__tally_agg_00' })
    expect(composed.eventsReads).toBe(2)
  })
})

describe('composeAggregateQuery', () => {
  it('scopes raw.<metric> to the org and the period, history.<metric> up to the period end only, no customer', () => {
    const aggregate = scan(
      'SELECT customer_id, count() AS n FROM raw.seats GROUP BY customer_id UNION ALL SELECT customer_id, count() FROM history.seats GROUP BY customer_id',
      'aggregate_query',
    )
    const composed = composeAggregateQuery({
      scope: { orgId: 'o', rawMetrics: ['api_calls', 'seats'], period: { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') } },
      aggregate,
      limits: DEFAULT_LIMITS,
    })
    const flat = composed.body.replace(/\s+/g, ' ')
    expect(flat).toContain('__tally_raw_seats AS ( SELECT customer_id, timestamp, event_id, data, ')
    expect(flat).toContain(
      'WHERE org_id = {__tally_org_id:String} AND raw_metric = {__tally_metric_1:String} AND timestamp >= {__tally_period_start:DateTime64(3)} AND timestamp < {__tally_period_end:DateTime64(3)} )',
    )
    expect(flat).toContain(
      'WHERE org_id = {__tally_org_id:String} AND raw_metric = {__tally_metric_1:String} AND timestamp < {__tally_period_end:DateTime64(3)} )',
    )
    expect(flat).not.toContain('customer_id = {')
    expect(composed.scopeCtes).toEqual(['__tally_raw_seats', '__tally_history_seats'])
    expect(composed.eventsReads).toBe(2)
  })
})
