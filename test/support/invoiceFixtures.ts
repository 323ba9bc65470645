// Invoices for accounting tests, written through the rating job's own write path
// (invoiceDrafts), so no rating engine is needed: a customer with a contract, then drafts with
// the given totals, due dates and lines. Each line is one product's flat fee.
import type { NewInvoiceLine } from '../../ledger/invoices.ts'
import type { Ledger } from '../../ledger/ledger.ts'

export interface BilledCustomer {
  customerId: string
  contractId: string
}

/** A customer (`externalId`) billed monthly in USD for `productId` from 2024-01-01. */
export async function billedCustomer(ledger: Ledger, orgId: string, externalId: string, productId: string): Promise<BilledCustomer> {
  const customer = await ledger.customers.create({ orgId, externalId, name: `${externalId} Inc` })
  const price = { model: 'flat_fee' as const, currency: 'USD', amount: '100.00' }
  const contract = await ledger.contracts.create({
    orgId,
    customer: externalId,
    startDate: '2024-01-01',
    cadence: 'monthly',
    phases: [{ start_date: '2024-01-01', items: [{ product_id: productId, billing: 'in_advance', price }] }],
  })
  return { customerId: customer.id, contractId: contract.id }
}

export interface DraftSpec {
  billingDate: string
  dueDate: string
  /** Line amounts; the total is their sum, given here as text. */
  lines: string[]
  total: string
  currency?: string
}

/** Writes one draft per spec (distinct billing dates); returns their ids and line ids in order. */
export async function writeDrafts(
  ledger: Ledger,
  input: { orgId: string; billed: BilledCustomer; productId: string; drafts: DraftSpec[] },
): Promise<{ id: string; lineIds: string[] }[]> {
  const line = (position: number, amount: string, currency: string): NewInvoiceLine => ({
    position,
    itemId: null,
    timing: 'in_advance',
    kind: 'flat_fee',
    description: `line ${position}`,
    productId: input.productId,
    productName: 'Seats',
    metricName: null,
    metricVersion: null,
    price: { model: 'flat_fee', currency, amount },
    priceVersion: 'v',
    quantity: '1',
    unitPrice: amount,
    tier: null,
    amount,
    periodStart: null,
    periodEnd: null,
  })
  // The ledger stores only rating records rating can read back (ratingStore.ts): a record of no items.
  const record = (billingDate: string, index: number, currency: string) => ({
    version: 1,
    billing_date: billingDate,
    period_index: index,
    currency,
    rounding_mode: 'half_up',
    items: [],
    invoice: null,
    invoice_amount: '0.00',
    adjustments: [],
  })
  return ledger.invoiceDrafts.withContractLock(input.orgId, input.billed.contractId, async (s) => {
    const out: { id: string; lineIds: string[] }[] = []
    for (const [i, d] of input.drafts.entries()) {
      const currency = d.currency ?? 'USD'
      const written = await s.writeDraft(
        {
          customerId: input.billed.customerId,
          billingDate: d.billingDate,
          periodIndex: i,
          currency,
          total: d.total,
          contentHash: `h${i}`,
          ratingInput: record(d.billingDate, i, currency),
          creditDraws: [],
          graceUntil: new Date(`${d.billingDate}T00:00:00Z`),
          dueDate: d.dueDate,
          lines: d.lines.map((amount, position) => line(position, amount, currency)),
        },
        new Date(`${d.billingDate}T00:00:00Z`),
      )
      out.push({ id: written.invoice.id, lineIds: (await s.lines(written.invoice.id)).map((l) => l.id) })
    }
    return out
  })
}
