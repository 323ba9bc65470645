// A remote-query metric's quantities for many customers and one period: the grouped query once
// (`{customer_ids}`, a `customer_id` result column) when the version has one, else the customer
// query once per customer, REMOTE_CONNECTIONS at a time (the driver's pool: never a connection
// per customer). Each run is bound, read-only, timed and row-limited by the driver
// (SourceDriver.remoteQuery); `quantity` comes back as the source's text and is summed with
// decimal.js. What ran is returned as a trail the invoice line's explain can show.
import { Dec } from '../../../platform/decimal.ts'
import { isDecimalText } from '../../../platform/decimalText.ts'
import { UnprocessableError } from '../../../platform/errors.ts'
import { REMOTE_CONNECTIONS, type RemoteQueryResult, type SourceDriver } from '../sourceDriver.ts'
import { formatMicros } from '../sync/cursorWindow.ts'
import type { RemoteValues } from './placeholders.ts'
import { remoteQueryOf } from './remoteErrors.ts'
import type { Clock } from '../../../platform/clock.ts'

export interface RemoteMetricQueries {
  /** Runs once per customer with `{customer_id}`. */
  customerQuery: string
  /** Optional: runs once for all customers with `{customer_ids}`, returning a `customer_id` column. */
  groupedQuery: string | null
  dimensions: readonly string[]
}

export interface RemoteLimits {
  timeoutMs: number
  rowLimit: number
}

export const REMOTE_LIMITS: RemoteLimits = { timeoutMs: 30_000, rowLimit: 100_000 }

export interface RemoteCustomerUsage {
  quantity: string
  rows: Array<{ dimensions: Record<string, string>; quantity: string }>
}

/** What ran at the source, for the invoice line's explain. */
export interface RemoteTrail {
  queries: number
  form: 'grouped' | 'per_customer'
  rowCount: number
  parameters: { period_start: string; period_end: string }
  executedAt: string
}

export interface RemoteQuantitiesResult {
  customers: Map<string, RemoteCustomerUsage>
  trail: RemoteTrail
}

/** `[start, end)` as text both Postgres and MySQL read as the UTC instant (the session is UTC). */
export function periodValues(period: { start: Date; end: Date }): { period_start: string; period_end: string } {
  const text = (d: Date) => formatMicros(BigInt(d.getTime()) * 1000n)
  return { period_start: text(period.start), period_end: text(period.end) }
}

function column(result: RemoteQueryResult, name: string): number {
  const index = result.columns.indexOf(name)
  if (index === -1) {
    throw new UnprocessableError('remote_query_missing_column', `the remote query returns no column ${name} (it returns ${result.columns.join(', ')})`, [
      { field: 'customer_query', code: 'remote_query_missing_column', message: `needs a column ${name}` },
    ])
  }
  return index
}

function quantityOf(value: string | null): string {
  if (value === null) return '0'
  if (!isDecimalText(value)) {
    throw new UnprocessableError('quantity_not_decimal', `the remote query's quantity ${JSON.stringify(String(value).slice(0, 40))} is not a decimal`, [
      { field: 'customer_query', code: 'quantity_not_decimal', message: 'quantity must be an integer or decimal column' },
    ])
  }
  return new Dec(value).toFixed()
}

/** Adds a result's rows to `into` (keyed by customer) under `customerOf`. */
function collect(
  result: RemoteQueryResult,
  dimensions: readonly string[],
  customerOf: (row: Array<string | null>) => string,
  into: Map<string, RemoteCustomerUsage>,
): void {
  const q = column(result, 'quantity')
  const dims = dimensions.map((d) => [d, column(result, d)] as const)
  for (const row of result.rows) {
    const customer = customerOf(row)
    const usage = into.get(customer) ?? { quantity: '0', rows: [] }
    const quantity = quantityOf(row[q] ?? null)
    usage.quantity = new Dec(usage.quantity).plus(quantity).toFixed()
    usage.rows.push({ dimensions: Object.fromEntries(dims.map(([d, i]) => [d, row[i] ?? ''])), quantity })
    into.set(customer, usage)
  }
}

/** `work` of every item, at most `limit` at once, answers in the items' order; the first failure stops taking new items and is thrown. */
async function eachAtMost<T, R>(limit: number, items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        results[i] = await work(items[i]!)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker)
  // Every worker settles before the answer, so no query is still running when the caller closes the driver.
  const settled = await Promise.allSettled(workers)
  const rejected = settled.find((s) => s.status === 'rejected')
  if (rejected !== undefined) throw rejected.reason
  return results
}

export async function remoteQuantities(opts: {
  driver: SourceDriver
  queries: RemoteMetricQueries
  customerIds: readonly string[]
  period: { start: Date; end: Date }
  limits?: RemoteLimits
  /** The run's clock: `executed_at` on the invoice item's trail. */
  clock: Clock
}): Promise<RemoteQuantitiesResult> {
  const { driver, queries } = opts
  const remoteQuery = remoteQueryOf(driver)
  const run = (query: string, values: RemoteValues) => remoteQuery({ query, values, ...(opts.limits ?? REMOTE_LIMITS) })
  const period = periodValues(opts.period)
  const executedAt = opts.clock.now().toISOString()
  const customers = new Map<string, RemoteCustomerUsage>()
  const wanted = new Set(opts.customerIds)
  let rowCount = 0
  let queriesRun = 0
  if (queries.groupedQuery !== null && opts.customerIds.length > 0) {
    const result = await run(queries.groupedQuery, { ...period, customer_ids: opts.customerIds })
    const c = column(result, 'customer_id')
    const rows = result.rows.filter((row) => row[c] !== null && wanted.has(row[c]!))
    collect({ ...result, rows }, queries.dimensions, (row) => row[c]!, customers)
    rowCount = result.rows.length
    queriesRun = 1
  } else {
    const ids = [...wanted]
    const results = await eachAtMost(REMOTE_CONNECTIONS, ids, (customerId) => run(queries.customerQuery, { ...period, customer_id: customerId }))
    results.forEach((result, i) => {
      const customerId = ids[i]!
      collect(result, queries.dimensions, () => customerId, customers)
      rowCount += result.rows.length
      queriesRun += 1
    })
  }
  for (const id of wanted) if (!customers.has(id)) customers.set(id, { quantity: '0', rows: [] })
  return {
    customers,
    trail: { queries: queriesRun, form: queries.groupedQuery === null ? 'per_customer' : 'grouped', rowCount, parameters: period, executedAt },
  }
}
