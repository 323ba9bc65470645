// The lock per credit grant on the Postgres server, two pools as two processes: while the rating
// of one contract holds the customer's grant rows and has written a draft drawing 80.00 of a
// 100.00 grant, the rating of the customer's other contract waits for the grant's row lock and
// then sees 20.00 left, never the 100.00 an unlocked read would see before the first commits.
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createTestLedger, testNow } from '../test/support/testLedger.ts'
import type { RatingSession } from './ratingStore.ts'
import { billedCustomer, flatFees, writeDrafts } from './accounting/postingFixture.ts'
import { newTestOrg, useTwoPoolServerLedger } from './useTestLedger.ts'

describe('credit grant row lock (Postgres server)', () => {
  const t = useTwoPoolServerLedger()

  it("a second contract's rating waits for the first's draw: 100.00 − 80.00 = 20.00 left", async () => {
    const orgId = (await newTestOrg(t.ledger, 'Grant lock')).id
    const seats = (await t.ledger.products.create({ now: testNow(), orgId, name: 'Seats', kind: 'non_metered' })).id
    const first = await billedCustomer(t.ledger, orgId, 'acme', seats)
    const price = { model: 'flat_fee' as const, currency: 'USD', amount: '100.00' }
    const other = await t.ledger.contracts.create({
      now: testNow(),
      orgId,
      customer: 'acme',
      startDate: '2024-01-01',
      cadence: 'monthly',
      phases: [{ start_date: '2024-01-01', items: [{ product_id: seats, billing: 'in_advance', price }] }],
    })
    const grant = await t.ledger.creditGrants.grant({ now: testNow(), orgId, customer: 'acme', amount: '100.00', effectiveDate: '2024-01-01' })

    let drawn!: () => void
    const hasDrawn = new Promise<void>((resolve) => (drawn = resolve))
    const firstRating = writeDrafts(t.ledger, {
      orgId,
      billed: first,
      drafts: [{ billingDate: '2024-01-01', total: '20.00', lines: flatFees(seats, '100.00'), creditDraws: [{ id: grant.id, drawn: '80.00' }] }],
      afterWriting: async () => {
        drawn()
        await sleep(500) // the second rating starts meanwhile; the draft is not committed yet
      },
    })
    await hasDrawn
    const seen = await createTestLedger(t.second.db).invoiceDrafts.withContractLock(orgId, other.id, async (s) => (s as RatingSession).creditGrants)
    await firstRating
    expect(seen).toEqual([{ id: grant.id, amount: '20', currency: 'USD', priority: 0, granted_at: '2024-01-01' }])
    expect((await t.ledger.creditGrants.get(orgId, grant.id)).balance).toBe('20.00')
  })
})
