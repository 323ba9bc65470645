// Remote-query rating of 1,000 customers against the machine's PostgreSQL (issue 16's figure):
// 200,000 usage rows in a throwaway database, March's quantities for 1,000 customers read by
// remoteQuantities (connectors/sources/remote/) in both forms: the grouped query (one statement
// for all customers) and the customer query (one statement per customer). Prints wall time,
// queries issued and whether both forms agree. Run: `npx tsx test/bench/remoteQueryBench.ts`.
import { remoteQuantities, type RemoteQuantitiesResult } from '../../connectors/sources/remote/remoteQuantities.ts'
import { SOURCE_KIND_INFO } from '../../connectors/sources/sourceKinds.ts'
import { postgresDatabase } from '../sources/sourceDatabases.ts'
import { systemClock } from '../../platform/clock.ts'

const CUSTOMERS = 1000
const ROWS = 200_000
const MARCH = { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') }
const CUSTOMER_QUERY = 'SELECT sum(tokens) AS quantity FROM usage_rows WHERE account = {customer_id} AND at >= {period_start} AND at < {period_end}'
const GROUPED_QUERY =
  'SELECT account AS customer_id, sum(tokens) AS quantity FROM usage_rows WHERE account = ANY({customer_ids}) AND at >= {period_start} AND at < {period_end} GROUP BY account'

const db = await postgresDatabase()
try {
  await db.exec(db.usageTable)
  await db.exec(
    `INSERT INTO usage_rows SELECT g, 'c' || (g % ${CUSTOMERS}), timestamptz '2024-03-01 00:00:00+00' + g * interval '13 seconds', (g % 7) + 0.5, now() FROM generate_series(1, ${ROWS}) g`,
  )
  await db.exec('CREATE INDEX usage_rows_account_at ON usage_rows (account, at)')
  await db.exec('ANALYZE usage_rows')
  const driver = SOURCE_KIND_INFO.postgres.open(db.connection)
  const customerIds = Array.from({ length: CUSTOMERS }, (_, i) => `c${i}`)
  const forms = [
    ['grouped', GROUPED_QUERY],
    ['per customer', null],
  ] as const
  const results: RemoteQuantitiesResult[] = []
  for (const [label, grouped] of forms) {
    const t0 = performance.now()
    const result = await remoteQuantities({
      clock: systemClock,
      driver,
      queries: { customerQuery: CUSTOMER_QUERY, groupedQuery: grouped, dimensions: [] },
      customerIds,
      period: MARCH,
    })
    const ms = performance.now() - t0
    results.push(result)
    console.log(`${label}: ${CUSTOMERS} customers, ${ROWS} rows: ${ms.toFixed(0)} ms, ${result.trail.queries} queries, ${result.trail.rowCount} result rows`)
  }
  const same = customerIds.every((c) => results[0]!.customers.get(c)!.quantity === results[1]!.customers.get(c)!.quantity)
  console.log(`both forms agree on every customer: ${same}`)
} finally {
  await db.close()
}
