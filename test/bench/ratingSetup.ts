// Stage 8's setup (not timed): N customers with one contract each, in bulk. The first customer
// and contract go through the ledger's repositories (every check they make runs once); the
// others are copies of those two rows with only the external id, name and customer changed,
// written in multi-row inserts, so 100k or 300k contracts take seconds to set up, not an hour of
// one-by-one creates. The rows are the ones the repositories write (the copies keep the first
// rows' created_at), so the measured run reads what it would read after N repository creates.
import { eq } from 'drizzle-orm'
import type { Ledger } from '../../ledger/ledger.ts'
import { contracts } from '../../ledger/schema/contracts.ts'
import { customers } from '../../ledger/schema/customers.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { feeAndTieredCalls } from '../support/feeAndCallsContract.ts'
import { testNow } from '../support/testLedger.ts'
import { customerId } from './events.ts'

/** Rows per insert: ~20 columns a row keeps a statement well under Postgres's 65,535 bind parameters. */
const CHUNK = 1_000

export async function createRatingContracts(
  db: Database,
  ledger: Ledger,
  opts: { orgId: string; feeId: string; apiId: string; contracts: number },
): Promise<void> {
  const { orgId, feeId, apiId } = opts
  const first = await ledger.customers.create({ orgId, externalId: customerId(0), name: customerId(0), now: testNow() })
  // The opening invoice is past its grace at the run: finalized (back-dated invoices finalize),
  // as before issue 17's default of holding them for review, so the workload stays comparable.
  const firstContract = await ledger.contracts.create(feeAndTieredCalls({ orgId, customer: customerId(0), feeId, apiId, firstTier: '10' }))
  const [customerRow] = await db.select().from(customers).where(eq(customers.id, first.id))
  const [contractRow] = await db.select().from(contracts).where(eq(contracts.id, firstContract.id))
  if (customerRow === undefined || contractRow === undefined) throw new Error('the template customer or contract was not stored')
  const { id: _customerId, ...customerTemplate } = customerRow
  const { id: _contractId, ...contractTemplate } = contractRow
  for (let from = 1; from < opts.contracts; from += CHUNK) {
    const indexes = Array.from({ length: Math.min(CHUNK, opts.contracts - from) }, (_, k) => from + k)
    const created = await db
      .insert(customers)
      .values(indexes.map((i) => ({ ...customerTemplate, externalId: customerId(i), name: customerId(i) })))
      .returning({ id: customers.id, name: customers.name })
    await db.insert(contracts).values(created.map((c) => ({ ...contractTemplate, customerId: c.id, name: c.name })))
  }
}
