// The ledger stores prices, terms and rating records only as rating's rules allow (the port's
// RatingDocuments, ledger/ratingStore.ts), whoever calls it: here the repositories directly,
// with no HTTP layer in front. A refused call is a 422/400 naming the field inside the
// document and writes nothing; what is stored reads back as rating's typed record.
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreateContractInput } from '../../ledger/contracts.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import { ledgerMigrationsFolder } from '../../ledger/ledgerMigrationsFolder.ts'
import { openDatabase, type DatabaseHandle } from '../../platform/postgres/database.ts'
import { migrateDatabase } from '../../platform/postgres/migrate.ts'
import { readRatingRecord } from '../../rating/execute/ratingRecord.ts'
import { createTestLedger, testNow } from '../support/testLedger.ts'

let dir: string
let handle: DatabaseHandle
let ledger: Ledger
let orgId: string
let productId: string

// Tiers are (lower, upper]: the second tier's upper bound 50 is below the first's 100.
const overlapping = {
  model: 'tiered',
  currency: 'USD',
  tiers: [
    { up_to: '100', unit_price: '1' },
    { up_to: '50', unit_price: '0.5' },
    { up_to: null, unit_price: '0.1' },
  ],
}
const flat = { model: 'flat_fee', currency: 'USD', amount: '100.00' }

/** Acme's monthly contract from 2026-06-01 with these phases (and terms). */
const acmeContract = (rest: Pick<CreateContractInput, 'phases' | 'terms'>) =>
  ledger.contracts.create({ now: testNow(), orgId, customer: 'acme', startDate: '2026-06-01', cadence: 'monthly', ...rest })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-rating-documents-'))
  handle = await openDatabase({ dataDir: dir })
  await migrateDatabase(handle, ledgerMigrationsFolder)
  ledger = createTestLedger(handle.db)
  orgId = (await ledger.organisations.create({ now: testNow(), name: `Documents ${randomUUID().slice(0, 8)}` })).id
  await ledger.customers.create({ now: testNow(), orgId, externalId: 'acme', name: 'Acme' })
  productId = (await ledger.products.create({ now: testNow(), orgId, name: 'Platform', kind: 'non_metered' })).id
})

afterAll(async () => {
  await handle?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('the ledger refuses what rating could not rate, where it is stored', () => {
  it('a plan with a price the pricing engine refuses: 422 at the tier bound, no plan', async () => {
    await expect(
      ledger.plans.create({
        now: testNow(),
        orgId,
        name: 'Broken',
        currency: 'USD',
        items: [{ product_id: productId, billing: 'in_arrears', price: overlapping }],
      }),
    ).rejects.toMatchObject({
      category: 'unprocessable',
      code: 'invalid_price_definition',
      details: [{ field: 'items[0].price.tiers[1].up_to', code: 'tier_overlap' }],
    })
    expect(await ledger.plans.list(orgId, { limit: 10 })).toEqual({ items: [], next: null })
  })

  it('a contract phase, an override or a later phase with such a price, and terms that are no terms', async () => {
    const phase = (price: { model: string; currency: string } & Record<string, unknown>) => ({
      start_date: '2026-06-01',
      items: [{ product_id: productId, billing: 'in_advance' as const, price }],
    })
    await expect(acmeContract({ phases: [phase(flat), phase(overlapping)] })).rejects.toMatchObject({
      code: 'invalid_price_definition',
      details: [{ field: 'phases[1].items[0].price.tiers[1].up_to', code: 'tier_overlap' }],
    })
    // A JSON number is never an amount: `amount: 100` is refused, not rounded into a string.
    await expect(acmeContract({ phases: [phase({ ...flat, amount: 100 })] })).rejects.toMatchObject({
      code: 'invalid_price_definition',
      details: [{ field: 'phases[0].items[0].price.amount' }],
    })
    await expect(acmeContract({ phases: [phase(flat)], terms: { maximum_spend: 'lots' } as never })).rejects.toMatchObject({
      category: 'validation',
      code: 'invalid_request',
      details: [{ field: 'terms.maximum_spend' }],
    })
    expect(await ledger.contracts.list({ orgId })).toEqual([])
    const contract = await acmeContract({ phases: [phase(flat)] })
    const change = { kind: 'phase_added' as const, phase: { ...phase(overlapping), start_date: '2026-09-01' } }
    const amendment = { orgId, contractId: contract.id, change, request: {}, actor: 'admin', now: new Date('2026-06-10T00:00:00Z'), today: '2026-06-10' }
    await expect(ledger.contractAmendments.amend(amendment)).rejects.toMatchObject({
      code: 'invalid_price_definition',
      details: [{ field: 'items[0].price.tiers[1].up_to', code: 'tier_overlap' }],
    })
    expect((await ledger.contracts.get(orgId, contract.id)).phases).toHaveLength(1)
  })

  it('a draft whose rating record rating could not read back is refused; a valid one reads back typed', async () => {
    const contract = await acmeContract({ phases: [{ start_date: '2026-06-01', items: [{ product_id: productId, billing: 'in_advance', price: flat }] }] })
    const customerId = contract.customerId
    const draft = (ratingInput: Record<string, unknown>) => ({
      customerId,
      billingDate: '2026-06-01',
      periodIndex: 0,
      currency: 'USD',
      total: '0.00',
      contentHash: 'h',
      ratingInput,
      creditDraws: [],
      graceUntil: new Date('2026-06-04T00:00:00Z'),
      dueDate: '2026-07-01',
      lines: [],
    })
    const now = new Date('2026-06-01T00:00:00Z')
    await expect(ledger.invoiceDrafts.withContractLock(orgId, contract.id, (s) => s.writeDraft(draft({ version: 1, items: 'none' }), now))).rejects.toThrow(
      /rating record refused/,
    )
    expect(await ledger.invoices.list(orgId, { contractId: contract.id })).toEqual([])

    const record = {
      version: 1,
      billing_date: '2026-06-01',
      period_index: 0,
      currency: 'USD',
      rounding_mode: 'half_even',
      items: [],
      invoice: null,
      invoice_amount: '0.00',
      adjustments: [],
    }
    const { invoice } = await ledger.invoiceDrafts.withContractLock(orgId, contract.id, (s) => s.writeDraft(draft(record), now))
    const read = readRatingRecord(await ledger.invoices.get(orgId, invoice.id))
    expect(read).toEqual(record)
    expect(read.rounding_mode).toBe('half_even')
  })
})
