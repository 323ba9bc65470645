// Invoices for the posting suites, written through the rating job's own write path
// (invoiceDrafts, as the lifecycle suite does), so the suites need no rating engine: one
// organisation, one customer and contract, products for seats (non-metered) and API calls
// (lines with a metric name are read as metered), and drafts of any lines in any currency.
import { randomUUID } from 'node:crypto'
import type { Ledger } from '../ledger.ts'
import type { NewInvoiceLine } from '../invoices.ts'
import type { LineTiming } from '../schema/invoices.ts'

export interface LineSpec {
  kind: string
  timing: LineTiming
  amount: string
  /** `[start, end)` dates; a line billed in advance with one is deferred. */
  period?: [string, string]
  /** Lines with a metric are usage of the API product. */
  metric?: string
}

export interface PostingFixture {
  orgId: string
  customerId: string
  contractId: string
  products: { seats: string; api: string }
  /** A draft with these lines (its total their sum) for a billing date; `replaces` makes it a reissue. */
  draft(input: { billingDate: string; currency: string; total: string; lines: LineSpec[]; replaces?: string }): Promise<string>
}

export async function createPostingFixture(ledger: Ledger): Promise<PostingFixture> {
  const orgId = (await ledger.organisations.create({ name: `Posting ${randomUUID().slice(0, 8)}` })).id
  const customer = await ledger.customers.create({ orgId, externalId: 'acme', name: 'Acme' })
  const seats = await ledger.products.create({ orgId, name: 'Seats', kind: 'non_metered' })
  const api = await ledger.products.create({ orgId, name: 'API', kind: 'non_metered' })
  const price = { model: 'flat_fee' as const, currency: 'USD', amount: '100.00' }
  const contract = await ledger.contracts.create({
    orgId,
    customer: 'acme',
    startDate: '2024-01-01',
    cadence: 'monthly',
    phases: [{ start_date: '2024-01-01', items: [{ product_id: seats.id, billing: 'in_advance', price }] }],
  })
  const toLine = (spec: LineSpec, position: number): NewInvoiceLine => ({
    position,
    itemId: null,
    timing: spec.timing,
    kind: spec.kind,
    description: `${spec.kind} ${position}`,
    productId: spec.metric !== undefined ? api.id : spec.kind === 'discount' || spec.kind === 'credit' ? null : seats.id,
    productName: null,
    metricName: spec.metric ?? null,
    metricVersion: spec.metric !== undefined ? 1 : null,
    price: null,
    priceVersion: null,
    quantity: '1',
    unitPrice: spec.amount,
    tier: null,
    amount: spec.amount,
    periodStart: spec.period?.[0] ?? null,
    periodEnd: spec.period?.[1] ?? null,
  })
  return {
    orgId,
    customerId: customer.id,
    contractId: contract.id,
    products: { seats: seats.id, api: api.id },
    async draft(input) {
      // The ledger stores only rating records rating can read back (ratingStore.ts): a record of no items.
      const record = {
        version: 1,
        billing_date: input.billingDate,
        period_index: 0,
        currency: input.currency,
        rounding_mode: 'half_up',
        items: [],
        invoice: null,
        invoice_amount: '0',
        adjustments: [],
      }
      return ledger.invoiceDrafts.withContractLock(orgId, contract.id, async (s) => {
        const written = await s.writeDraft(
          {
            customerId: customer.id,
            billingDate: input.billingDate,
            periodIndex: 0,
            currency: input.currency,
            total: input.total,
            contentHash: randomUUID(),
            ratingInput: record,
            creditDraws: [],
            graceUntil: new Date('2030-01-01T00:00:00Z'),
            dueDate: input.billingDate,
            lines: input.lines.map(toLine),
            ...(input.replaces !== undefined ? { replacesInvoiceId: input.replaces } : {}),
          },
          new Date(`${input.billingDate}T00:00:00Z`),
        )
        return written.invoice.id
      })
    },
  }
}
