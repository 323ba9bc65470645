// The ledger input of the rating benchmark's and tests' common contract: monthly from
// 2026-10-01, a 100.00 USD platform fee in advance and API calls in arrears on a two-tier
// price (0.10 up to `firstTier` calls, 0.05 after), back-dated invoices finalized.
import type { CreateContractInput } from '../../ledger/contracts.ts'
import { testNow } from './testLedger.ts'

export function feeAndTieredCalls(opts: { orgId: string; customer: string; feeId: string; apiId: string; firstTier: string }): CreateContractInput {
  return {
    now: testNow(),
    orgId: opts.orgId,
    customer: opts.customer,
    currency: 'USD',
    startDate: '2026-10-01',
    cadence: 'monthly',
    backdatedInvoices: 'finalize',
    phases: [
      {
        start_date: '2026-10-01',
        items: [
          { product_id: opts.feeId, billing: 'in_advance', price: { model: 'flat_fee', currency: 'USD', amount: '100.00' } },
          {
            product_id: opts.apiId,
            billing: 'in_arrears',
            price: {
              model: 'tiered',
              currency: 'USD',
              tiers: [
                { up_to: opts.firstTier, unit_price: '0.10' },
                { up_to: null, unit_price: '0.05' },
              ],
            },
          },
        ],
      },
    ],
  }
}
