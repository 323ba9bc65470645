// What keeps a rating chunk's cost flat as the ledger grows (issue 20), on each driver:
//  - an index answers each list read of a chunk: every invoice of some contracts (void ones
//    included, so the partial live index cannot), and a chunk's contracts' journal lines (the
//    accruals to reverse) without the organisation's whole journal;
//  - the tables a run grows get planner statistics (plannerStatistics.ts): without any,
//    Postgres reads `invoice_id in (200 ids)` as every row and scans the table.
// The plans are checked with sequential scans disabled, so "Seq Scan" means no index can answer.
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { fixedClock } from '../../platform/clock.ts'
import { runRating } from '../../rating/execute/ratingRun.ts'
import { fixedQuantities } from './billingSuite.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { RATED_TABLES } from '../../ledger/plannerStatistics.ts'
import { useTestLedger } from '../../ledger/useTestLedger.ts'
import { perCallContracts } from './perCallContracts.ts'

/** Three contracts billing 1.00 a call in arrears from 2026-10-01, rated on 2026-11-05: six invoices, three finalized. */
async function ratedOrganisation(ledger: Ledger): Promise<{ orgId: string; contractIds: string[] }> {
  const { orgId, contractIds } = await perCallContracts(ledger, 'scale', ['s0', 's1', 's2'])
  const summary = await runRating(
    {
      ledger,
      quantities: fixedQuantities(
        new Map([
          ['s0', '1'],
          ['s1', '2'],
          ['s2', '3'],
        ]),
      ),
      clock: fixedClock('2026-11-06T09:00:00.000Z'),
    },
    { orgId, asOf: new Date('2026-11-05T00:00:00Z'), graceHours: 24 },
  )
  expect(summary.contractsRated).toBe(3)
  return { orgId, contractIds }
}

/** The plan of `query` with sequential scans off (inside a rolled-back transaction). */
async function planOf(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<string> {
  let plan = ''
  await handle.db
    .transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`)
      const result = (await tx.execute(sql`explain ${query}`)) as unknown as { rows: Record<string, string>[] }
      plan = result.rows.map((r) => Object.values(r)[0]).join('\n')
      throw new Error('rollback')
    })
    .catch((err: Error) => {
      if (err.message !== 'rollback') throw err
    })
  return plan
}

const idList = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )

export function describeRatingScaleSuite(name: string, openHandle: () => Promise<DatabaseHandle>): void {
  describe(`a rating chunk's reads at scale: ${name}`, () => {
    const t = useTestLedger(openHandle)

    it('a chunk reads its contracts’ invoices (void ones included) through an index', async () => {
      const { contractIds } = await ratedOrganisation(t.ledger)
      const plan = await planOf(
        t.handle,
        sql`select * from invoices where contract_id in (${idList(contractIds)}) order by billing_date, created_at for update`,
      )
      expect(plan).toContain('invoices_contract')
      expect(plan).not.toContain('Seq Scan')
    })

    it('a chunk finds its contracts’ journal lines (accruals to reverse) through an index, not the organisation’s whole journal', async () => {
      const { orgId, contractIds } = await ratedOrganisation(t.ledger)
      const plan = await planOf(t.handle, sql`select entry_id from journal_lines where org_id = ${orgId}::uuid and contract_id in (${idList(contractIds)})`)
      expect(plan).toContain('journal_lines_org_contract')
    })

    it('the tables a run grows have planner statistics once a chunk is written', async () => {
      await ratedOrganisation(t.ledger)
      const result = (await t.handle.db.execute(
        sql`select tablename, attname from pg_stats where schemaname = 'public' and (tablename, attname) in
              (('invoices', 'contract_id'), ('invoice_lines', 'invoice_id'), ('journal_entries', 'source_key'), ('journal_lines', 'contract_id'))
            order by 1, 2`,
      )) as unknown as { rows: { tablename: string; attname: string }[] }
      expect(result.rows.map((r) => `${r.tablename}.${r.attname}`)).toEqual([
        'invoice_lines.invoice_id',
        'invoices.contract_id',
        'journal_entries.source_key',
        'journal_lines.contract_id',
      ])
      const analyzed = (await t.handle.db.execute(
        sql`select relname from pg_class where relkind = 'r' and relname in (${sql.join(
          RATED_TABLES.map((n) => sql`${n}`),
          sql`, `,
        )}) and reltuples >= 0 order by relname`,
      )) as unknown as { rows: { relname: string }[] }
      expect(analyzed.rows.map((r) => r.relname)).toEqual([...RATED_TABLES].sort())
    })
  })
}
