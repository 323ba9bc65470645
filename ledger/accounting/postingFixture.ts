// Invoices for the accounting tests, written through the rating job's own write path
// (invoiceDrafts, as the lifecycle suite does), so no rating engine is needed: a customer billed
// under a contract, then drafts of any lines in any currency. `usePostingLedger` gives a suite a
// migrated ledger with one organisation ready to post: a customer, products for seats
// (non-metered) and API calls (lines with a metric name are read as metered).
import { randomUUID } from 'node:crypto'
import { beforeAll } from 'vitest'
import type { DatabaseHandle } from '../../platform/postgres/database.ts'
import { useTestLedger, type TestLedger } from '../useTestLedger.ts'
import type { NewInvoiceLine } from '../invoices.ts'
import type { Ledger } from '../ledger.ts'
import type { LineTiming } from '../schema/invoices.ts'
import { testNow } from '../../test/support/testLedger.ts'

export interface LineSpec {
  kind: string
  timing: LineTiming
  amount: string
  /** Null for a line of no product (a discount, a credit drawn). */
  productId?: string | null
  /** `[start, end)` dates; a line billed in advance with one is deferred. */
  period?: [string, string]
  /** A line with a metric is metered usage. */
  metric?: string
}

export interface DraftSpec {
  billingDate: string
  /** Default: the billing date. */
  dueDate?: string
  /** Default USD. */
  currency?: string
  /** The lines' sum, as text. */
  total: string
  lines: LineSpec[]
  /** The void invoice this one reissues. */
  replaces?: string
  /** Credit grants it draws (default none). */
  creditDraws?: { id: string; drawn: string }[]
}

export interface BilledCustomer {
  customerId: string
  contractId: string
}

/** Flat fees billed in advance for a product, one line per amount. */
export const flatFees = (productId: string, ...amounts: string[]): LineSpec[] =>
  amounts.map((amount) => ({ kind: 'flat_fee', timing: 'in_advance', amount, productId }))

/** A customer (`externalId`) billed monthly in USD for `productId` from 2024-01-01. */
export async function billedCustomer(ledger: Ledger, orgId: string, externalId: string, productId: string): Promise<BilledCustomer> {
  const customer = await ledger.customers.create({ now: testNow(), orgId, externalId, name: `${externalId} Inc` })
  const price = { model: 'flat_fee' as const, currency: 'USD', amount: '100.00' }
  const contract = await ledger.contracts.create({
    now: testNow(),
    orgId,
    customer: externalId,
    startDate: '2024-01-01',
    cadence: 'monthly',
    phases: [{ start_date: '2024-01-01', items: [{ product_id: productId, billing: 'in_advance', price }] }],
  })
  return { customerId: customer.id, contractId: contract.id }
}

const toLine = (spec: LineSpec, position: number): NewInvoiceLine => ({
  position,
  itemId: null,
  timing: spec.timing,
  kind: spec.kind,
  description: `${spec.kind} ${position}`,
  productId: spec.productId ?? null,
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

/** Writes one draft per spec (distinct billing dates, or a reissue); returns their ids and line ids in order. */
export async function writeDrafts(
  ledger: Ledger,
  input: { orgId: string; billed: BilledCustomer; drafts: DraftSpec[]; afterWriting?: () => Promise<void> },
): Promise<{ id: string; lineIds: string[] }[]> {
  return ledger.invoiceDrafts.withContractLock(input.orgId, input.billed.contractId, async (s) => {
    const out: { id: string; lineIds: string[] }[] = []
    for (const [index, d] of input.drafts.entries()) {
      const currency = d.currency ?? 'USD'
      // The ledger stores only rating records rating can read back (ratingStore.ts): a record of no items.
      const record = {
        version: 1,
        billing_date: d.billingDate,
        period_index: index,
        currency,
        rounding_mode: 'half_up',
        items: [],
        invoice: null,
        invoice_amount: '0',
        adjustments: [],
      }
      const written = await s.writeDraft(
        {
          customerId: input.billed.customerId,
          billingDate: d.billingDate,
          periodIndex: index,
          currency,
          total: d.total,
          contentHash: randomUUID(),
          ratingInput: record,
          creditDraws: d.creditDraws ?? [],
          graceUntil: new Date(`${d.billingDate}T00:00:00Z`),
          dueDate: d.dueDate ?? d.billingDate,
          lines: d.lines.map(toLine),
          ...(d.replaces !== undefined ? { replacesInvoiceId: d.replaces } : {}),
        },
        new Date(`${d.billingDate}T00:00:00Z`),
      )
      out.push({ id: written.invoice.id, lineIds: (await s.lines(written.invoice.id)).map((l) => l.id) })
    }
    // Still inside the contract's transaction: a race test holds its locks here.
    await input.afterWriting?.()
    return out
  })
}

export interface PostingFixture extends BilledCustomer {
  orgId: string
  products: { seats: string; api: string }
  /** A draft of these lines; a line names no product of its own: metered lines are API calls, discounts and credits none, the rest seats. */
  draft(spec: DraftSpec & { currency: string }): Promise<string>
}

export async function createPostingFixture(ledger: Ledger): Promise<PostingFixture> {
  const orgId = (await ledger.organisations.create({ now: testNow(), name: `Posting ${randomUUID().slice(0, 8)}` })).id
  const seats = (await ledger.products.create({ now: testNow(), orgId, name: 'Seats', kind: 'non_metered' })).id
  const api = (await ledger.products.create({ now: testNow(), orgId, name: 'API', kind: 'non_metered' })).id
  const billed = await billedCustomer(ledger, orgId, 'acme', seats)
  const productOf = (spec: LineSpec) => (spec.metric !== undefined ? api : spec.kind === 'discount' || spec.kind === 'credit' ? null : seats)
  return {
    orgId,
    ...billed,
    products: { seats, api },
    async draft(spec) {
      const lines = spec.lines.map((l) => ({ ...l, productId: productOf(l) }))
      const [written] = await writeDrafts(ledger, { orgId, billed, drafts: [{ ...spec, lines }] })
      return written!.id
    },
  }
}

/**
 * For a describe block: a migrated ledger (`useTestLedger`) with a posting fixture in it, made
 * before the block's tests and closed after them. The fields are set once the tests run.
 */
export function usePostingLedger(openHandle: () => Promise<DatabaseHandle>): TestLedger & { f: PostingFixture } {
  const t = useTestLedger(openHandle) as TestLedger & { f: PostingFixture }
  beforeAll(async () => {
    t.f = await createPostingFixture(t.ledger)
  })
  return t
}
