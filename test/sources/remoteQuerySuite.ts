// One remote-query suite for every SQL source, against a throwaway database of the real server:
// quantities equal an independent recount (per customer and grouped, one query for all), hostile
// customer ids are bound and never spliced, a write is refused by the READ ONLY transaction, a slow
// query hits the statement timeout, too many rows hit the row limit, a source that is down fails.
import { Dec } from '../../platform/decimal.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSource } from '../../connectors/sources/sourceKinds.ts'
import type { SourceKind } from '../../ledger/sourceStore.ts'
import { REMOTE_CONNECTIONS, type SourceDriver } from '../../connectors/sources/sourceDriver.ts'
import { remoteQuantities } from '../../connectors/sources/remote/remoteQuantities.ts'
import { remoteQueryOf } from '../../connectors/sources/remote/remoteErrors.ts'
import { insertUsage } from './sourceContractSuite.ts'
import type { QueryableSource } from './sourceDatabases.ts'
import { fixedClock } from '../../platform/clock.ts'

/** The instant a run's trail records as executed_at. */
const RUN_CLOCK = fixedClock('2026-12-02T10:00:00Z')

const MARCH = { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-04-01T00:00:00Z') }
const HOSTILE = "x'; DROP TABLE usage_rows; --"

export interface RemoteDialectQueries {
  customer: string
  grouped: string
  /** A write statement, as the source's dialect writes it. */
  write: string
  /** A query that takes longer than 200 ms. */
  slow: string
  /** Servers with connections: how a query names the one it ran on, and counts which of them are still open. */
  connections?: {
    /** A customer query with a `session` column: the server's id of the connection it ran on. */
    perCustomer: string
    /** `quantity`: how many of the connection ids `{customer_ids}` the server still has open. */
    stillOpen: string
  }
}

/** A driver for a connection body (what POST /v1/sources takes), as the API would open it. */
function driverFor(body: Record<string, unknown>): SourceDriver {
  const { kind, password, ...settings } = body
  const text = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]))
  return openSource(kind as SourceKind, text, { password: String(password ?? '') }, {})
}

export function remoteQuerySuite(kind: string, openDatabase: () => Promise<QueryableSource>, q: RemoteDialectQueries): void {
  describe(`remote query: ${kind}`, () => {
    let db: QueryableSource
    let driver: SourceDriver
    const recount = new Map<string, string>([
      ['c1', '0'],
      ['c2', '0'],
      [HOSTILE, '0'],
    ])

    beforeAll(async () => {
      db = await openDatabase()
      await db.exec(db.usageTable)
      // 30 rows in March for c1, c2 and the hostile id; rows 31–32 fall in February and April.
      const rows: Array<[number, string | null, string, string, string]> = []
      for (let i = 1; i <= 30; i++) {
        const account = [...recount.keys()][i % 3]!.replace(/'/g, "''")
        const at = `2024-03-${String(i).padStart(2, '0')} 12:00:00.000001`
        rows.push([i, account, at, `${i}.000001`, at])
      }
      rows.push([31, 'c1', '2024-02-29 23:59:59.999999', '1000', '2024-02-29 23:59:59'], [32, 'c1', '2024-04-01 00:00:00', '1000', '2024-04-01 00:00:00'])
      await db.exec(insertUsage(rows))
      for (let i = 1; i <= 30; i++) {
        const customer = [...recount.keys()][i % 3]!
        recount.set(customer, new Dec(recount.get(customer)!).plus(`${i}.000001`).toFixed())
      }
      driver = driverFor(db.connection)
    })
    afterAll(async () => {
      await db?.close()
    })

    it('per customer: quantities equal the recount, the hostile id is bound (and the table is still there)', async () => {
      const result = await remoteQuantities({
        clock: RUN_CLOCK,
        driver,
        queries: { customerQuery: q.customer, groupedQuery: null, dimensions: [] },
        customerIds: [...recount.keys(), 'nobody'],
        period: MARCH,
      })
      for (const [c, n] of recount) expect(result.customers.get(c)?.quantity, c).toBe(n)
      expect(result.customers.get('nobody')?.quantity).toBe('0')
      expect(result.trail).toMatchObject({
        form: 'per_customer',
        queries: 4,
        parameters: { period_start: '2024-03-01 00:00:00.000000', period_end: '2024-04-01 00:00:00.000000' },
        // The run's clock, not the machine's: explain shows when the run read the source.
        executedAt: '2026-12-02T10:00:00.000Z',
      })
    })

    it('grouped: one query for every customer, the same quantities', async () => {
      const perCustomer = await remoteQuantities({
        clock: RUN_CLOCK,
        driver,
        queries: { customerQuery: q.customer, groupedQuery: null, dimensions: [] },
        customerIds: [...recount.keys()],
        period: MARCH,
      })
      const grouped = await remoteQuantities({
        clock: RUN_CLOCK,
        driver,
        queries: { customerQuery: q.customer, groupedQuery: q.grouped, dimensions: [] },
        customerIds: [...recount.keys()],
        period: MARCH,
      })
      expect(grouped.trail).toMatchObject({ form: 'grouped', queries: 1, rowCount: 3 })
      // The same quantities whatever order the grouped answer came in (ClickHouse's GROUP BY has none).
      expect(Object.fromEntries(grouped.customers)).toEqual(Object.fromEntries(perCustomer.customers))
    })

    it('a write statement is refused by the READ ONLY transaction: 422 remote_query_read_only, nothing written', async () => {
      await expect(remoteQueryOf(driver)({ query: q.write, values: { customer_id: 'c1' }, timeoutMs: 5000, rowLimit: 10 })).rejects.toMatchObject({
        code: 'remote_query_read_only',
        category: 'unprocessable',
      })
      const after = await remoteQuantities({
        clock: RUN_CLOCK,
        driver,
        queries: { customerQuery: q.customer, groupedQuery: null, dimensions: [] },
        customerIds: ['c1'],
        period: MARCH,
      })
      expect(after.customers.get('c1')?.quantity).toBe(recount.get('c1')!)
    })

    it('a query past its statement timeout is 422 remote_query_timeout', async () => {
      await expect(remoteQueryOf(driver)({ query: q.slow, values: {}, timeoutMs: 200, rowLimit: 10 })).rejects.toMatchObject({
        code: 'remote_query_timeout',
        category: 'unprocessable',
      })
    })

    it('more rows than the row limit is 422 remote_query_row_limit', async () => {
      await expect(
        remoteQueryOf(driver)({ query: 'SELECT tokens AS quantity FROM usage_rows', values: {}, timeoutMs: 5000, rowLimit: 5 }),
      ).rejects.toMatchObject({ code: 'remote_query_row_limit' })
    })

    if (q.connections !== undefined) {
      const { perCustomer, stillOpen } = q.connections
      it(`per customer: 40 customers share at most ${REMOTE_CONNECTIONS} server connections (not one each), all closed with the driver`, async () => {
        const own = driverFor(db.connection)
        const customers = Array.from({ length: 40 }, (_, i) => `k${i}`)
        const result = await remoteQuantities({
          clock: RUN_CLOCK,
          driver: own,
          queries: { customerQuery: perCustomer, groupedQuery: null, dimensions: ['session'] },
          customerIds: customers,
          period: MARCH,
        })
        expect(result.trail.queries).toBe(40)
        const sessions = [...new Set([...result.customers.values()].flatMap((u) => u.rows.map((r) => r.dimensions['session']!)))]
        expect(sessions.length).toBeGreaterThanOrEqual(1)
        expect(sessions.length).toBeLessThanOrEqual(REMOTE_CONNECTIONS)
        const openNow = async () => {
          const probe = driverFor(db.connection)
          try {
            return (await remoteQueryOf(probe)({ query: stillOpen, values: { customer_ids: sessions }, timeoutMs: 5000, rowLimit: 1 })).rows[0]![0]
          } finally {
            await probe.close()
          }
        }
        expect(await openNow()).toBe(String(sessions.length))
        await own.close()
        // The server ends a closed connection's session on its own time: wait for it (bounded), never assume it.
        let open = await openNow()
        for (let tries = 0; open !== '0' && tries < 50; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 100))
          open = await openNow()
        }
        expect(open).toBe('0')
      })
    }

    it('a source that is down fails with source_unreachable, never a zero', async () => {
      const down = driverFor(db.refused.find((r) => r.code === 'source_unreachable')!.body)
      await expect(
        remoteQuantities({
          clock: RUN_CLOCK,
          driver: down,
          queries: { customerQuery: q.customer, groupedQuery: null, dimensions: [] },
          customerIds: ['c1'],
          period: MARCH,
        }),
      ).rejects.toMatchObject({
        code: 'source_unreachable',
      })
    })
  })
}
