// The invoice below zero the ERP tests send (test/erp/negativeInvoice.test.ts, the NetSuite CSV
// file in netsuite/netsuiteCsv.test.ts): a threshold-billed volume price ending in a cheaper tier
// (test/rating/thresholdBillingSuite.ts) — 600 units at 0.40 = 240.00, less the 400.00 a threshold
// invoice billed = −160.00. Finalized on `finalizedAt`; answers its id.
import type { PostingFixture } from '../../ledger/accounting/postingFixture.ts'
import type { Ledger } from '../../ledger/ledger.ts'

export async function finalizedNegativeInvoice(t: { ledger: Ledger; f: PostingFixture }, billingDate: string, finalizedAt: string): Promise<string> {
  const id = await t.f.draft({
    billingDate,
    currency: 'USD',
    total: '-160.00',
    lines: [
      { kind: 'usage', timing: 'in_arrears', amount: '240.00', metric: 'calls' },
      { kind: 'usage', timing: 'in_arrears', amount: '-400.00', metric: 'calls' },
    ],
  })
  await t.ledger.invoices.finalize(t.f.orgId, id, new Date(finalizedAt))
  return id
}
