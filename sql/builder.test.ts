// Golden tests of the SQL the visual builder generates: normalised text and bound parameters.
// The same specs run against chDB in metricQuantities.test.ts.
import { describe, expect, it } from 'vitest'
import { builderSpecSchema, buildQuery } from './builder.ts'

/** Collapses whitespace so the golden text is about tokens, not indentation. */
const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim()
const build = (spec: unknown) => buildQuery(builderSpecSchema.parse(spec))

describe('builder golden SQL', () => {
  it('SUM of a field with an eq filter binds the filter value as a parameter', () => {
    const q = build({
      raw_metric: 'api_calls',
      usage_field: 'bytes',
      aggregation: 'SUM',
      filters: [{ field: 'region', op: 'eq', value: "eu'; DROP TABLE events --" }],
    })
    expect(normalise(q.customerQuery)).toBe(
      "SELECT coalesce(sum(toDecimal128OrNull(JSONExtractString(data, 'bytes'), 9)), toDecimal128(0, 9)) AS quantity " +
        'FROM raw.api_calls WHERE customer_id = {customer_id:String} AND timestamp >= {period_start:DateTime64(3)} ' +
        "AND timestamp < {period_end:DateTime64(3)} AND JSONExtractString(data, 'region') = {filter_0:String}",
    )
    // The hostile value is a parameter default, never SQL text.
    expect(q.parameters).toEqual([{ name: 'filter_0', type: 'String', default: "eu'; DROP TABLE events --" }])
    expect(q.customerQuery).not.toContain('DROP')
    expect(q.dimensions).toEqual([])
  })

  it('COUNT without a field counts events; with group_by it returns one row per dimension', () => {
    const q = build({ raw_metric: 'requests', aggregation: 'COUNT', group_by: ['region', 'tier'] })
    expect(normalise(q.customerQuery)).toBe(
      "SELECT JSONExtractString(data, 'region') AS region, JSONExtractString(data, 'tier') AS tier, count() AS quantity " +
        'FROM raw.requests WHERE customer_id = {customer_id:String} AND timestamp >= {period_start:DateTime64(3)} ' +
        'AND timestamp < {period_end:DateTime64(3)} GROUP BY region, tier ORDER BY region, tier',
    )
    expect(q.dimensions).toEqual(['region', 'tier'])
  })

  it.each([
    [
      'AVG',
      "coalesce(sum(toDecimal128OrNull(JSONExtractString(data, 'gb'), 9)), toDecimal128(0, 9)) / greatest(count(toDecimal128OrNull(JSONExtractString(data, 'gb'), 9)), 1)",
    ],
    ['MIN', "coalesce(min(toDecimal128OrNull(JSONExtractString(data, 'gb'), 9)), toDecimal128(0, 9))"],
    ['MAX', "coalesce(max(toDecimal128OrNull(JSONExtractString(data, 'gb'), 9)), toDecimal128(0, 9))"],
    ['UNIQUE_COUNT', "uniqExactIf(JSONExtractString(data, 'gb'), JSONHas(data, 'gb'))"],
    [
      'LATEST',
      "coalesce(argMaxIf(toDecimal128OrNull(JSONExtractString(data, 'gb'), 9), (timestamp, event_id), isNotNull(toDecimal128OrNull(JSONExtractString(data, 'gb'), 9))), toDecimal128(0, 9))",
    ],
  ])('%s aggregates exactly', (aggregation, expression) => {
    const q = build({ raw_metric: 'storage', usage_field: 'gb', aggregation })
    expect(normalise(q.customerQuery)).toBe(
      `SELECT ${expression} AS quantity FROM raw.storage WHERE customer_id = {customer_id:String} ` +
        'AND timestamp >= {period_start:DateTime64(3)} AND timestamp < {period_end:DateTime64(3)}',
    )
    expect(q.parameters).toEqual([])
  })

  it('in, not_in, numeric comparisons and exists, with a data field as the customer column', () => {
    const q = build({
      raw_metric: 'api_calls',
      customer_column: 'account',
      aggregation: 'COUNT',
      usage_field: 'ms',
      filters: [
        { field: 'region', op: 'in', values: ['eu', "o'hare"] },
        { field: 'plan', op: 'not_in', values: ['free'] },
        { field: 'ms', op: 'gte', value: '2.5' },
        { field: 'trace', op: 'exists' },
      ],
    })
    expect(normalise(q.customerQuery)).toBe(
      "SELECT countIf(JSONHas(data, 'ms')) AS quantity FROM raw.api_calls " +
        "WHERE JSONExtractString(data, 'account') = {customer_id:String} AND timestamp >= {period_start:DateTime64(3)} " +
        'AND timestamp < {period_end:DateTime64(3)} ' +
        "AND has({filter_0:Array(String)}, JSONExtractString(data, 'region')) " +
        "AND NOT has({filter_1:Array(String)}, JSONExtractString(data, 'plan')) " +
        "AND toDecimal128OrNull(JSONExtractString(data, 'ms'), 9) >= {filter_2:Decimal(38, 9)} " +
        "AND JSONHas(data, 'trace')",
    )
    expect(q.parameters).toEqual([
      { name: 'filter_0', type: 'Array(String)', default: '["eu","o\'hare"]' },
      { name: 'filter_1', type: 'Array(String)', default: '["free"]' },
      { name: 'filter_2', type: 'Decimal(38, 9)', default: '2.5' },
    ])
  })

  it("TIME_WEIGHTED_SUM holds each reading until the series' next one, over the history up to the period end", () => {
    const q = build({
      raw_metric: 'storage',
      usage_field: 'gb',
      aggregation: 'TIME_WEIGHTED_SUM',
      series_field: 'volume_id',
      filters: [{ field: 'tier', op: 'eq', value: 'ssd' }],
    })
    expect(normalise(q.customerQuery)).toBe(
      'WITH tws_readings AS ( SELECT ' +
        "JSONExtractString(data, 'volume_id') AS tws_series, " +
        "toDecimal128OrNull(JSONExtractString(data, 'gb'), 9) AS tws_value, " +
        'timestamp AS tws_at, ' +
        'ifNull(leadInFrame(toNullable(timestamp)) OVER w, {period_end:DateTime64(3)}) AS tws_next_at ' +
        'FROM history.storage ' +
        "WHERE customer_id = {customer_id:String} AND JSONExtractString(data, 'tier') = {filter_0:String} " +
        'AND timestamp < {period_end:DateTime64(3)} AND isNotNull(tws_value) ' +
        'WINDOW w AS (PARTITION BY tws_series ORDER BY timestamp, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) ) ' +
        "SELECT coalesce(sum(tws_value * toDecimal128(dateDiff('millisecond', greatest(tws_at, {period_start:DateTime64(3)}), least(tws_next_at, {period_end:DateTime64(3)})), 0)), toDecimal128(0, 9)) / 3600000 AS quantity " +
        'FROM tws_readings WHERE tws_next_at > {period_start:DateTime64(3)}',
    )
    expect(q.parameters).toEqual([{ name: 'filter_0', type: 'String', default: 'ssd' }])
  })

  it('TIME_WEIGHTED_SUM by dimension in days: the dimensions partition the readings and group the result', () => {
    const q = build({ raw_metric: 'storage', usage_field: 'gb', aggregation: 'TIME_WEIGHTED_SUM', group_by: ['region'], time_unit: 'day' })
    expect(normalise(q.customerQuery)).toContain("SELECT JSONExtractString(data, 'region') AS region, toDecimal128OrNull")
    expect(normalise(q.customerQuery)).toContain('WINDOW w AS (PARTITION BY region ORDER BY timestamp, event_id')
    expect(normalise(q.customerQuery)).toMatch(
      /SELECT region, coalesce\(.*\) \/ 86400000 AS quantity FROM tws_readings WHERE .* GROUP BY region ORDER BY region$/,
    )
    expect(q.dimensions).toEqual(['region'])
  })

  it.each([
    ['half_up', 'round(count(), 2)'],
    ['half_even', 'roundBankers(count(), 2)'],
    ['down', 'trunc(count(), 2)'],
    ['up', 'if(count() < 0, floor(count(), 2), ceil(count(), 2))'],
  ])('rounding %s wraps the quantity', (mode, expression) => {
    const q = build({ raw_metric: 'api_calls', aggregation: 'COUNT', rounding: { mode, decimals: 2 } })
    expect(normalise(q.customerQuery)).toMatch(new RegExp(`^SELECT ${expression.replace(/[()]/g, '\\$&')} AS quantity FROM raw.api_calls `))
  })

  it('refuses time-weighted options on other aggregations, and dimension names the time-weighted query uses', () => {
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', usage_field: 'gb', aggregation: 'SUM', time_unit: 'hour' }).success).toBe(false)
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', usage_field: 'gb', aggregation: 'MAX', series_field: 'id' }).success).toBe(false)
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', usage_field: 'gb', aggregation: 'TIME_WEIGHTED_SUM', group_by: ['tws_value'] }).success).toBe(false)
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', aggregation: 'TIME_WEIGHTED_SUM' }).success).toBe(false)
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', aggregation: 'COUNT', rounding: { mode: 'half_up', decimals: 10 } }).success).toBe(false)
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', aggregation: 'COUNT', rounding: { mode: 'ceiling', decimals: 1 } }).success).toBe(false)
  })

  it('refuses field names that could leave the string literal, and missing usage fields', () => {
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', usage_field: "x') OR 1=1 --", aggregation: 'SUM' }).success).toBe(false)
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', aggregation: 'SUM' }).success).toBe(false)
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', aggregation: 'COUNT', group_by: ['Region Name'] }).success).toBe(false)
    expect(builderSpecSchema.safeParse({ raw_metric: 'a', aggregation: 'COUNT', filters: [{ field: 'n', op: 'gt', value: '1e3; x' }] }).success).toBe(false)
  })

  it('takes as a comparison value every decimal text the Decimal(38, 9) parameter reads, and nothing else', () => {
    // The same notation as prices and as the rollups' numeric fields (platform/decimalText.ts);
    // ClickHouse reads "1e3" as 1000 and "+5" as 5, so the builder must not refuse them.
    const filter = (value: string) => builderSpecSchema.safeParse({ raw_metric: 'a', aggregation: 'COUNT', filters: [{ field: 'n', op: 'gt', value }] }).success
    for (const value of ['1e3', '2.5E-1', '+5', '.5', '5.', '-2']) expect(filter(value), value).toBe(true)
    for (const value of ['0x10', 'Infinity', '1,000', ' 5', '']) expect(filter(value), value).toBe(false)
  })
})
