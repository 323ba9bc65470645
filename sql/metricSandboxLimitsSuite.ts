// The sandbox's limits and errors on a metric run (sql/sandbox.ts, runSandboxed.ts), on the
// engine the caller hands in: each limit stops a query with its own code, engine errors point
// at the user's text, parameters are typed, and nothing leaks into the session afterwards.
import { beforeAll, describe, expect, it } from 'vitest'
import { createEventWriter } from '../metering/eventWriter.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { TallyError } from '../platform/errors.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { metricVersionInputSchema, resolveMetricVersion } from './metricDefinition.ts'
import { metricQuantities } from './metricQuantities.ts'
import { validateMetricVersion } from './validateTemplate.ts'

const ORG = 'org-q-limits'
const PERIOD = { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') }
/** API calls of customer c01 in the period: more than the smallest row limit below reads. */
const CALLS = 50

const sqlMetric = (rawMetric: string, customer: string, extra: Record<string, unknown> = {}) =>
  resolveMetricVersion(metricVersionInputSchema.parse({ unit: 'u', mode: 'sql', raw_metrics: [rawMetric], customer_query: customer, ...extra }))

export function metricSandboxLimitsSuite(handle: () => ClickHouseHandle): void {
  describe('sandbox limits', () => {
    beforeAll(async () => {
      const writer = createEventWriter(handle())
      await writer.write(
        Array.from({ length: CALLS }, (_, i) =>
          eventRow({
            org_id: ORG,
            raw_metric: 'api_calls',
            customer_id: 'c01',
            event_id: `limits-${i}`,
            timestamp: `2024-03-${String(1 + (i % 28)).padStart(2, '0')} 12:00:00.000`,
            data: '{"path":"/v1/x"}',
          }),
        ),
      )
      await writer.close()
    })

    // Reads a data column, so no part's metadata (the implicit min-max count projection) can answer it.
    const scan = () => sqlMetric('api_calls', "SELECT countIf(fields['path'] != '') AS quantity FROM raw.api_calls")

    async function limitHit(limits: Partial<Parameters<typeof metricQuantities>[0]['limits'] & object>): Promise<TallyError> {
      const err = await metricQuantities({
        handle: handle(),
        orgId: ORG,
        version: scan(),
        customerIds: ['c01'],
        period: PERIOD,
        limits: { maxExecutionSeconds: 30, maxRowsToRead: 1e9, maxBytesToRead: 1e12, maxResultRows: 1000, maxMemoryBytes: 2e9, ...limits },
      }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TallyError)
      return err as TallyError
    }

    it('a query that would read too many rows is stopped with the limit error', async () => {
      const err = await limitHit({ maxRowsToRead: 10 })
      expect(err.code).toBe('sandbox_limit_exceeded')
      expect(err.category).toBe('unprocessable')
      expect(err.extra).toEqual({ limit: 'max_rows_to_read', value: 10 })
    })

    it('too many bytes, too many result rows', async () => {
      const bytes = await limitHit({ maxBytesToRead: 100 })
      expect(bytes.extra).toEqual({ limit: 'max_bytes_to_read', value: 100 })
      const err = await metricQuantities({
        handle: handle(),
        orgId: ORG,
        version: sqlMetric('api_calls', 'SELECT event_id, toUInt64(1) AS quantity FROM raw.api_calls', { dimensions: ['event_id'] }),
        customerIds: ['c01'],
        period: PERIOD,
        limits: { maxExecutionSeconds: 30, maxRowsToRead: 1e9, maxBytesToRead: 1e12, maxResultRows: 5, maxMemoryBytes: 2e9 },
      }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'sandbox_limit_exceeded', extra: { limit: 'max_result_rows', value: 5 } })
    })

    it('a query that needs too much memory is stopped with the memory limit', async () => {
      const err = await metricQuantities({
        handle: handle(),
        orgId: ORG,
        version: sqlMetric('api_calls', 'SELECT toUInt64(length(groupArray(x))) AS quantity FROM (SELECT arrayJoin(range(20000000)) AS x)'),
        customerIds: ['c01'],
        period: PERIOD,
        limits: { maxExecutionSeconds: 30, maxRowsToRead: 1e9, maxBytesToRead: 1e12, maxResultRows: 1000, maxMemoryBytes: 20_000_000 },
      }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'sandbox_limit_exceeded', extra: { limit: 'max_memory_usage', value: 20_000_000 } })
    })

    it('a query that runs too long is stopped at max_execution_time', async () => {
      const err = await metricQuantities({
        handle: handle(),
        orgId: ORG,
        // 10^10 joined rows: minutes of work, stopped after ~1 s.
        version: sqlMetric(
          'api_calls',
          'SELECT count() AS quantity FROM (SELECT arrayJoin(range(100000)) AS a) AS l CROSS JOIN (SELECT arrayJoin(range(100000)) AS b) AS r WHERE a + b = 3',
        ),
        customerIds: ['c01'],
        period: PERIOD,
        limits: { maxExecutionSeconds: 1, maxRowsToRead: 1e12, maxBytesToRead: 1e12, maxResultRows: 1000, maxMemoryBytes: 2e9 },
      }).catch((e: unknown) => e)
      // The engine's own code (159/160) proves the limit stopped it; no wall-clock bound here.
      expect(err).toMatchObject({ code: 'sandbox_limit_exceeded', extra: { limit: 'max_execution_time', value: 1 } })
    })

    it('Decimal arithmetic follows the SQL as written: sum(x / 3) truncates per row', async () => {
      // Three values of 1: per row 1/3 = 0.333333333 (9 places, truncated), summed = 0.999999999.
      // The optimizer's rewrite sum(x) / 3 would give 1; the sandbox turns it off.
      const version = sqlMetric('api_calls', 'SELECT sum(toDecimal128(x, 9) / 3) AS quantity FROM (SELECT arrayJoin([1, 1, 1]) AS x)')
      const result = await metricQuantities({ handle: handle(), orgId: ORG, version, customerIds: ['c01'], period: PERIOD })
      expect(result.customers[0]!.quantity).toBe('0.999999999')
    })

    it('a run error that is not a limit is query_failed, with the engine’s name for it', async () => {
      const err = await metricQuantities({
        handle: handle(),
        orgId: ORG,
        version: sqlMetric('api_calls', 'SELECT toUInt64(nope) AS quantity FROM raw.api_calls'),
        customerIds: ['c01'],
        period: PERIOD,
      }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'query_failed', extra: { clickhouse_code: 'UNKNOWN_IDENTIFIER' } })
    })

    it('an engine error points at the user’s own line and column and hides the rewrite', async () => {
      const text = "-- the quantity\nSELECT count() AS quantity\nFROM raw.api_calls\nWHERE  fields['x'] = nope"
      const err = (await metricQuantities({
        handle: handle(),
        orgId: ORG,
        version: sqlMetric('api_calls', text),
        customerIds: ['c01', 'c02'],
        period: PERIOD,
      }).catch((e: unknown) => e)) as TallyError
      expect(err).toMatchObject({ code: 'query_failed', extra: { line: 4, column: 22 } })
      expect(err.message).toContain('nope')
      expect(err.message).not.toMatch(/__tally|In scope|FROM events/)
    })

    it('a parameter value that is not of its type is a 400 naming the parameter, and nothing runs', async () => {
      const version = sqlMetric('api_calls', 'SELECT count() * {rate:Decimal(18, 2)} AS quantity FROM raw.api_calls', {
        parameters: [{ name: 'rate', type: 'Decimal(18, 2)', default: '1.50' }],
      })
      const ok = await metricQuantities({ handle: handle(), orgId: ORG, version, customerIds: ['c01'], period: PERIOD, parameterOverrides: { rate: '2' } })
      expect(ok.customers[0]!.quantity).toBe(String(CALLS * 2))
      const err = await metricQuantities({
        handle: handle(),
        orgId: ORG,
        version,
        customerIds: ['c01'],
        period: PERIOD,
        parameterOverrides: { rate: 'two' },
      }).catch((e: unknown) => e)
      expect(err).toMatchObject({ category: 'validation', code: 'invalid_parameter', details: [{ field: 'parameters.rate', code: 'invalid_parameter' }] })
      const bad = sqlMetric('api_calls', 'SELECT count() * {rate:Decimal(18, 2)} AS quantity FROM raw.api_calls', {
        parameters: [{ name: 'rate', type: 'Decimal(18, 2)', default: 'x' }],
      })
      const outcome = await validateMetricVersion({ handle: handle(), orgId: ORG, version: bad })
      expect(outcome.issues).toEqual([{ query: 'customer_query', code: 'invalid_parameter', message: expect.stringContaining('rate') }])
    })

    it('limits do not leak into the session: a plain query afterwards is unlimited', async () => {
      await limitHit({ maxRowsToRead: 10 })
      const rs = await handle().client.query({
        query: "SELECT toString(getSetting('max_rows_to_read')) AS m, toString(getSetting('readonly')) AS r",
        format: 'JSONEachRow',
      })
      // Also proves the failed query's partial output did not leak into this one (see runSandboxed.ts).
      expect(await rs.json()).toEqual([{ m: '0', r: '0' }])
    })
  })
}
