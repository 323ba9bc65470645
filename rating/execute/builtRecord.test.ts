// The ledger's check of a rating record (ratingDocuments.ratingRecord) parses what any caller
// stores, but not again the record priceInvoice has just built (issue 20: one zod parse per
// invoice on a run's hot path). The record it skips is one the parse accepts; a copy of it, or
// any value built elsewhere, is still parsed and refused when wrong.
import { describe, expect, it } from 'vitest'
import type { Product } from '../../ledger/ratingStore.ts'
import { isoCurrencies } from '../../platform/currency.ts'
import { fixtureContract, fixtureProduct } from '../../test/support/ratingFixtures.ts'
import { scheduledInvoice } from './billingSchedule.ts'
import { planInvoice } from './invoicePlan.ts'
import { priceInvoice } from './priceInvoice.ts'
import { ratingDocuments } from './ratingDocuments.ts'
import { ratingRecordSchema } from './ratingRecord.ts'

const products = new Map<string, Product>([['p-fee', fixtureProduct({ id: 'p-fee', name: 'Platform', createdAt: '2026-01-01T00:00:00Z' })]])
const contract = fixtureContract({
  startDate: '2026-10-01',
  phases: [
    { start_date: '2026-10-01', items: [{ product_id: 'p-fee', billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount: '31.00' } }] },
  ],
})

function priced() {
  const scheduled = scheduledInvoice({ startDate: '2026-10-01', endDate: null, cadence: 'monthly', anchorDay: 1, renewal: 'auto_renew' }, 0)!
  return priceInvoice({
    contract,
    scheduled,
    items: planInvoice(contract, products, scheduled),
    usageOf: () => undefined,
    credits: [],
    previous: null,
    billedBefore: '0',
    billedElsewhere: [],
    currencies: isoCurrencies,
  })
}

describe("the ledger's check of a rating record", () => {
  it('takes the record priceInvoice built without reading it again', () => {
    const { record } = priced()
    // What the check skips is a record the parse accepts.
    expect(ratingRecordSchema.parse(record)).toEqual(record)
    // A parse would read `version`; the check must not touch it.
    Object.defineProperty(record, 'version', {
      get() {
        throw new Error('the record was parsed again')
      },
    })
    expect(() => ratingDocuments.ratingRecord(record)).not.toThrow()
  })

  it('still parses a copy of it and any other value, and refuses a wrong one', () => {
    const copy: Record<string, unknown> = structuredClone(priced().record)
    expect(() => ratingDocuments.ratingRecord(copy)).not.toThrow()
    expect(() => ratingDocuments.ratingRecord({ ...copy, items: 'none' })).toThrow(/rating record refused/)
    expect(() => ratingDocuments.ratingRecord({ ...copy, period_index: 0.5 })).toThrow(/rating record refused/)
  })
})
