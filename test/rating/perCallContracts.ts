// A fresh organisation with one contract per customer, each billing 1.00 a call in arrears from
// 2026-10-01 (monthly, backdated invoices finalized): the small rating fixture of the chunk
// tests (ratingChunkFallback.test.ts, ratingScaleSuite.ts).
import { randomUUID } from 'node:crypto'
import type { Ledger } from '../../ledger/ledger.ts'
import { testNow } from '../support/testLedger.ts'

export async function perCallContracts(ledger: Ledger, label: string, customers: readonly string[]): Promise<{ orgId: string; contractIds: string[] }> {
  const org = await ledger.organisations.create({ now: testNow(), name: `${label} ${randomUUID().slice(0, 8)}` })
  const api = await ledger.products.create({ now: testNow(), orgId: org.id, name: 'API', kind: 'metered', metricName: 'calls', metricVersion: 1 })
  const contractIds: string[] = []
  for (const c of customers) {
    await ledger.customers.create({ now: testNow(), orgId: org.id, externalId: c, name: c })
    const contract = await ledger.contracts.create({
      now: testNow(),
      orgId: org.id,
      customer: c,
      startDate: '2026-10-01',
      cadence: 'monthly',
      backdatedInvoices: 'finalize',
      phases: [
        { start_date: '2026-10-01', items: [{ product_id: api.id, billing: 'in_arrears', price: { model: 'per_unit', currency: 'USD', unit_price: '1.00' } }] },
      ],
    })
    contractIds.push(contract.id)
  }
  return { orgId: org.id, contractIds }
}
