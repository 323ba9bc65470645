// The rating job over a remote-query metric, one suite for every SQL source against a throwaway
// database of the real engine: October's calls counted at the source bill the documented tiers,
// the invoice item records the source run (explain), and with the source gone the next period's
// rating fails for the contract (skipped with the reason, retried next run): no invoice, never a
// zero. The usage rows are plain INSERTs every dialect reads alike; the queries are the dialect's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildMeteringServices } from '../../app/services.ts'
import { createRemoteMetricRunner } from '../../connectors/sources/remote/remoteMetricRunner.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { createSourceStore, type SourceKind } from '../../ledger/sourceStore.ts'
import { fixedClock } from '../../platform/clock.ts'
import { createSecretBox } from '../../platform/secretBox.ts'
import { readRatingRecord } from '../../rating/execute/ratingRecord.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import { feeAndTieredCalls } from '../support/feeAndCallsContract.ts'
import { openMeteredLedger, type MeteredLedger } from '../support/meteredLedger.ts'
import { insertUsage, SECRET_KEY } from './sourceContractSuite.ts'
import type { QueryableSource } from './sourceDatabases.ts'
import { testNow } from '../support/testLedger.ts'

/** The dialect's count of a customer's calls in the period, and of every customer's at once (`{customer_ids}`). */
export interface RatingQueries {
  customer: string
  grouped: string
}

/** 1,500 calls of acme in October, 7 in November, 400 of someone else in October. */
function usageRows(): Array<[number, string, string, string, string]> {
  const rows: Array<[number, string, string, string, string]> = []
  for (let id = 1; id <= 1907; id++) {
    const at = id > 1500 && id <= 1507 ? '2026-11-03 12:00:00' : '2026-10-10 12:00:00'
    rows.push([id, id <= 1507 ? 'acme' : 'other', at, '1', at])
  }
  return rows
}

export function remoteRatingSuite(kind: string, openDatabase: () => Promise<QueryableSource>, q: RatingQueries): void {
  describe(`rating a remote-query metric: ${kind}`, () => {
    let engines: MeteredLedger
    let db: QueryableSource | undefined
    let ledger: Ledger

    beforeAll(async () => {
      engines = await openMeteredLedger('tally-remote-rating-')
      ledger = engines.ledger
      db = await openDatabase()
      await db.exec(db.usageTable)
      await db.exec(insertUsage(usageRows()))
    })

    afterAll(async () => {
      await db?.close()
      await engines?.close()
    })

    it('bills the recount, records the source run, and fails loudly when the source is gone', async () => {
      const store = createSourceStore(engines.db.db, { secrets: createSecretBox(SECRET_KEY) })
      const services = buildMeteringServices(
        engines.services.clickhouse,
        ledger,
        createRemoteMetricRunner({ store, clock: fixedClock('2026-12-02T10:00:00Z') }),
      )
      const deps = { ledger, quantities: services.quantities, clock: fixedClock('2026-12-02T10:00:00Z') }
      const orgId = (await ledger.organisations.create({ now: testNow(), name: 'Remote' })).id
      await ledger.customers.create({ now: testNow(), orgId, externalId: 'acme', name: 'Acme' })
      const { kind: sourceKind, password, ...settings } = db!.connection
      const source = await store.connections.create({
        now: testNow(),
        orgId,
        kind: sourceKind as SourceKind,
        name: 'usage_db',
        settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
        credentials: { password: String(password) },
      })
      await services.metricService.create(
        orgId,
        'calls',
        {
          unit: 'call',
          mode: 'remote',
          source_id: source.id,
          customer_query: q.customer,
          grouped_query: q.grouped,
        },
        testNow(),
      )
      const api = await ledger.products.create({ now: testNow(), orgId, name: 'API calls', kind: 'metered', metricName: 'calls', metricVersion: 1 })
      const fee = await ledger.products.create({ now: testNow(), orgId, name: 'Platform', kind: 'non_metered' })
      const contract = await ledger.contracts.create(feeAndTieredCalls({ orgId, customer: 'acme', feeId: fee.id, apiId: api.id, firstTier: '1000' }))

      // 1500 calls: 1000 × 0.10 + 500 × 0.05 = 125.00, plus November's fee 100.00.
      const first = await runRating(deps, { orgId, asOf: new Date('2026-11-01T06:00:00Z'), graceHours: 24 })
      expect(first.skipped).toEqual([])
      const october = (await ledger.invoices.list(orgId, { contractId: contract.id })).find((i) => i.billingDate === '2026-11-01')!
      expect(october.total).toBe('225.00')
      const item = readRatingRecord(october)!.items.find((i) => i.metric !== null)!
      expect(item.usage).toEqual({ quantity: '1500' })
      expect(item.source).toMatchObject({
        source_id: source.id,
        form: 'grouped',
        queries: 1,
        row_count: 1,
        parameters: { period_start: '2026-10-01 00:00:00.000000', period_end: '2026-11-01 00:00:00.000000' },
      })

      // The source goes away: December's rating fails for the contract, nothing is billed.
      await db!.close()
      db = undefined
      const second = await runRating(deps, { orgId, asOf: new Date('2026-12-01T06:00:00Z'), graceHours: 24 })
      expect(second.skipped).toEqual([expect.objectContaining({ contractId: contract.id, reason: expect.stringMatching(/metric calls v1 failed/) })])
      expect((await ledger.invoices.list(orgId, { contractId: contract.id })).map((i) => i.billingDate).sort()).toEqual(['2026-10-01', '2026-11-01'])
    })
  })
}
