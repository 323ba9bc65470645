// Invoices as the ledger keeps them: reads, and the lifecycle draft → finalized → paid | void.
// Drafts are written only by the rating job (invoiceDrafts.ts, under the contract's lock);
// from finalization on, content never changes (repository checks, and database triggers in
// migration 0002 for any other writer). Every amount is a decimal string (Postgres numeric).
// Finalizing and voiding post their journal entries in the same transaction
// (accounting/lifecyclePostings.ts).
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm'
import { Decimal } from 'decimal.js'
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts'
import type { CurrencyTable } from '../platform/currency.ts'
import type { Database } from '../platform/postgres/database.ts'
import { customerIssuers, nextDocumentNumber } from './documentNumbers.ts'
import { assertOrgId, isUuid, toIso, toIsoOrNull } from './ids.ts'
import { postFinalizedIn, postVoidIn } from './accounting/lifecyclePostings.ts'
import { invoiceStateError } from './invoiceStateError.ts'
import { fixTaxesIn, invoiceTaxes, type InvoiceTaxes } from './tax/invoiceTaxes.ts'
import { creditNotes } from './schema/creditNotes.ts'
import { invoiceLines, invoices as table, type InvoiceStatus, type LineTiming } from './schema/invoices.ts'
import { payments } from './schema/payments.ts'

export interface Invoice {
  id: string
  orgId: string
  contractId: string
  customerId: string
  billingDate: string
  periodIndex: number
  currency: string
  status: InvoiceStatus
  number: number | null
  /** The billing entity that issued it (set at finalization from the customer's); null: the organisation. */
  billingEntityId: string | null
  /** Its issuer's prefix + the number padded to 6 digits; null while draft or without a prefix. */
  displayNumber: string | null
  /** What the customer owes: the lines, plus exclusive tax once finalized. */
  total: string
  /** Tax fixed at finalization (inclusive and exclusive); "0" while draft (tax/invoiceTaxes.ts previews it). */
  taxTotal: string
  contentHash: string
  ratingInput: Record<string, unknown>
  creditDraws: { id: string; drawn: string }[]
  graceUntil: string
  dueDate: string
  ratedAt: string
  finalizedAt: string | null
  paidAt: string | null
  voidedAt: string | null
  voidReason: string | null
  /** The void invoice this one re-bills (a reissue), or null. */
  replacesInvoiceId: string | null
  /** For a void invoice: the invoice that re-bills it, once reissued (read from that invoice). */
  replacedByInvoiceId: string | null
  createdAt: string
}

export interface InvoiceLine {
  id: string
  position: number
  itemId: string | null
  timing: LineTiming
  kind: string
  description: string
  productId: string | null
  productName: string | null
  metricName: string | null
  metricVersion: number | null
  price: Record<string, unknown> | null
  priceVersion: string | null
  quantity: string
  unitPrice: string | null
  tier: number | null
  amount: string
  periodStart: string | null
  periodEnd: string | null
}

export type NewInvoiceLine = Omit<InvoiceLine, 'id'>

/** What is owed on an invoice after credit notes and payments. */
export interface InvoiceBalance {
  total: string
  credited: string
  paid: string
  due: string
}

export interface InvoiceListOptions {
  status?: InvoiceStatus
  contractId?: string
  /** Keyset: the last invoice id already seen (pages go newest billing date first within id order). */
  after?: string
  limit?: number
  /** Billing dates in [billingFrom, billingTo], both YYYY-MM-DD and inclusive (a period filter). */
  billingFrom?: string
  billingTo?: string
}

export interface InvoiceRepository {
  get(orgId: string, id: string): Promise<Invoice>
  lines(orgId: string, id: string): Promise<InvoiceLine[]>
  list(orgId: string, opts?: InvoiceListOptions): Promise<Invoice[]>
  balance(orgId: string, id: string): Promise<InvoiceBalance>
  /** Status of every invoice of these contracts (any organisation): what a rating run plans from. */
  statusesForContracts(contractIds: readonly string[]): Promise<{ id: string; contractId: string; billingDate: string; status: InvoiceStatus }[]>
  /**
   * Draft → finalized with the next number, `finalized_at` = `now` (the caller's clock: time is
   * an input, see platform/clock.ts). Finalizing a finalized or paid invoice returns it
   * unchanged (a retried request is safe); a void invoice is ConflictError `invoice_not_finalizable`.
   */
  finalize(orgId: string, id: string, now: Date): Promise<Invoice>
  /**
   * Finalized (no payments) → void; the number stays used. Voiding a void invoice returns it
   * unchanged, keeping the first reason and time; a draft or paid invoice is `invoice_not_voidable`,
   * a finalized one with payments `invoice_has_payments`.
   */
  void(orgId: string, id: string, reason: string, now: Date): Promise<Invoice>
  /** Its tax lines and totals: fixed at finalization, a preview from today's settings while draft (tax/invoiceTaxes.ts). */
  taxes(orgId: string, id: string): Promise<InvoiceTaxes>
}

type Row = typeof table.$inferSelect
type LineRow = typeof invoiceLines.$inferSelect

export function toInvoice(row: Row, replacedBy: string | null = null): Invoice {
  return {
    id: row.id,
    orgId: row.orgId,
    contractId: row.contractId,
    customerId: row.customerId,
    billingDate: row.billingDate,
    periodIndex: row.periodIndex,
    currency: row.currency,
    status: row.status,
    number: row.number,
    billingEntityId: row.billingEntityId,
    displayNumber: row.displayNumber,
    total: row.total,
    taxTotal: row.taxTotal,
    contentHash: row.contentHash,
    ratingInput: row.ratingInput,
    creditDraws: row.creditDraws,
    graceUntil: toIso(row.graceUntil),
    dueDate: row.dueDate,
    ratedAt: toIso(row.ratedAt),
    finalizedAt: toIsoOrNull(row.finalizedAt),
    paidAt: toIsoOrNull(row.paidAt),
    voidedAt: toIsoOrNull(row.voidedAt),
    voidReason: row.voidReason,
    replacesInvoiceId: row.replacesInvoiceId,
    replacedByInvoiceId: replacedBy,
    createdAt: toIso(row.createdAt),
  }
}

export function toLine(row: LineRow): InvoiceLine {
  return {
    id: row.id,
    position: row.position,
    itemId: row.itemId,
    timing: row.timing,
    kind: row.kind,
    description: row.description,
    productId: row.productId,
    productName: row.productName,
    metricName: row.metricName,
    metricVersion: row.metricVersion,
    price: row.price,
    priceVersion: row.priceVersion,
    quantity: row.quantity,
    unitPrice: row.unitPrice,
    tier: row.tier,
    amount: row.amount,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError('invoice_not_found', `invoice ${id} does not exist`)
}

// The same notation as rating/compute's decimalString (no hex, no Infinity, which decimal.js would take).
export const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** An amount given to the ledger as a string; anything that is not a plain decimal is a shape error (400). */
export function parseAmount(value: string, field: string): Decimal {
  if (!DECIMAL.test(value)) {
    throw new ValidationError('invalid_request', `${field} must be a decimal string such as "12.50"`, [
      { field, code: 'invalid_decimal', message: 'expected a decimal string' },
    ])
  }
  return new Decimal(value)
}

/** Digits after the point of a stored total: rating writes totals with the currency's minor units. */
export function minorDigits(total: string): number {
  return total.split('.')[1]?.length ?? 0
}

/**
 * The minor units amounts on an invoice are checked against (a payment or credit of 0.00001
 * CREDITS is too fine at 4): the organisation's currency table (ISO 4217 plus its declared
 * currencies), the same one customers, plans, contracts and rating use. An invoice whose
 * currency the table does not hold (rated from an undeclared inline price unit) keeps the
 * digits of its total, which rating wrote in that unit's precision.
 */
export function minorUnitsOf(currencies: CurrencyTable, invoice: { currency: string; total: string }): number {
  return currencies.minorUnits(invoice.currency) ?? minorDigits(invoice.total)
}

/** Locks and returns an invoice row inside a transaction. */
export async function lockInvoice(tx: Database, orgId: string, id: string): Promise<Row> {
  assertOrgId(orgId)
  if (!isUuid(id)) throw notFound(id)
  const [row] = await tx
    .select()
    .from(table)
    .where(and(eq(table.orgId, orgId), eq(table.id, id)))
    .for('update')
  if (!row) throw notFound(id)
  return row
}

/** Sums of credit notes and payments of one invoice (call under the invoice's lock when deciding). */
export async function balanceOf(tx: Database, row: Pick<Row, 'id' | 'total'>): Promise<InvoiceBalance> {
  const [credited] = await tx
    .select({ s: sql<string | null>`sum(${creditNotes.total})` })
    .from(creditNotes)
    .where(eq(creditNotes.invoiceId, row.id))
  const [paid] = await tx
    .select({ s: sql<string | null>`sum(${payments.amount})` })
    .from(payments)
    .where(eq(payments.invoiceId, row.id))
  const c = new Decimal(credited?.s ?? '0')
  const p = new Decimal(paid?.s ?? '0')
  // In the invoice's minor units, as its total is ("55.00", not "55"; JPY "0").
  const minor = minorDigits(row.total)
  return { total: row.total, credited: c.toFixed(minor), paid: p.toFixed(minor), due: new Decimal(row.total).minus(c).minus(p).toFixed(minor) }
}

// The invoice that re-bills this one (its replacement names it in replaces_invoice_id).
// NOTE: written out rather than `${table.id}`, which drizzle renders unqualified ("id") in a
// one-table select, where the subquery would read it as r.id; the inner table is aliased, so
// `invoices.id` is the outer row's.
const replacedBy = sql<string | null>`(select r.id from invoices r where r.replaces_invoice_id = invoices.id)`

export function createInvoiceRepository(db: Database): InvoiceRepository {
  const repo: InvoiceRepository = {
    async get(orgId, id) {
      assertOrgId(orgId)
      if (!isUuid(id)) throw notFound(id)
      const [found] = await db
        .select({ row: table, replacedBy })
        .from(table)
        .where(and(eq(table.orgId, orgId), eq(table.id, id)))
      if (!found) throw notFound(id)
      return toInvoice(found.row, found.replacedBy)
    },

    async lines(orgId, id) {
      await repo.get(orgId, id)
      const rows = await db
        .select()
        .from(invoiceLines)
        .where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, id)))
        .orderBy(asc(invoiceLines.position))
      return rows.map(toLine)
    },

    async list(orgId, opts = {}) {
      assertOrgId(orgId)
      const conditions: SQL[] = [eq(table.orgId, orgId)]
      if (opts.status) conditions.push(eq(table.status, opts.status))
      if (opts.billingFrom) conditions.push(gte(table.billingDate, opts.billingFrom))
      if (opts.billingTo) conditions.push(lte(table.billingDate, opts.billingTo))
      if (opts.contractId) {
        if (!isUuid(opts.contractId)) return []
        conditions.push(eq(table.contractId, opts.contractId))
      }
      if (opts.after) {
        if (!isUuid(opts.after)) return []
        conditions.push(gt(table.id, opts.after))
      }
      const rows = await db
        .select({ row: table, replacedBy })
        .from(table)
        .where(and(...conditions))
        .orderBy(asc(table.id))
        .limit(Math.min(Math.max(opts.limit ?? 100, 1), 1000))
      return rows.map((r) => toInvoice(r.row, r.replacedBy))
    },

    async statusesForContracts(contractIds) {
      const ids = [...new Set(contractIds)].filter(isUuid)
      const out: { id: string; contractId: string; billingDate: string; status: InvoiceStatus }[] = []
      for (let i = 0; i < ids.length; i += 5_000) {
        out.push(
          ...(await db
            .select({ id: table.id, contractId: table.contractId, billingDate: table.billingDate, status: table.status })
            .from(table)
            .where(inArray(table.contractId, ids.slice(i, i + 5_000)))),
        )
      }
      return out
    },

    async balance(orgId, id) {
      const invoice = await repo.get(orgId, id)
      return balanceOf(db, { id: invoice.id, total: invoice.total })
    },

    async taxes(orgId, id) {
      assertOrgId(orgId)
      const [row] = isUuid(id)
        ? await db
            .select()
            .from(table)
            .where(and(eq(table.orgId, orgId), eq(table.id, id)))
        : []
      if (!row) throw new NotFoundError('invoice_not_found', `invoice ${id} does not exist`)
      return invoiceTaxes(db, row)
    },

    async finalize(orgId, id, now) {
      return db.transaction(async (tx) =>
        toInvoice(await finalizeLocked(tx as unknown as Database, await lockInvoice(tx as unknown as Database, orgId, id), now)),
      )
    },

    async void(orgId, id, reason, now) {
      return db.transaction(async (tx) => {
        const t = tx as unknown as Database
        const row = await lockInvoice(t, orgId, id)
        // Asking again for the state it is in is a safe retry: the first reason and time stay.
        if (row.status === 'void') return toInvoice(row)
        if (row.status !== 'finalized') throw invoiceStateError('void', row)
        const balance = await balanceOf(t, row)
        if (!new Decimal(balance.paid).isZero()) {
          throw new ConflictError(
            'invoice_has_payments',
            `invoice ${id} has payments of ${balance.paid} ${row.currency}; an invoice with payments cannot be voided`,
            {
              hint: `Issue a credit note for what is not owed (POST /v1/invoices/${id}/credit-notes).`,
            },
          )
        }
        const [updated] = await t.update(table).set({ status: 'void', voidedAt: now, voidReason: reason }).where(eq(table.id, id)).returning()
        await postVoidIn(t, updated!, now)
        return toInvoice(updated!)
      })
    },
  }
  return repo
}

/**
 * Finalizes a locked draft: takes the next invoice number and posts the invoice's journal entry
 * and revenue schedules (accounting/lifecyclePostings.ts) in the same transaction. A finalized
 * or paid invoice is returned unchanged (finalizing is idempotent); a void one is refused, so a
 * retried or late finalize can never bring a voided invoice back.
 */
export async function finalizeLocked(tx: Database, row: Row, now: Date): Promise<Row> {
  if (row.status === 'void') throw invoiceStateError('finalize', row)
  if (row.status !== 'draft') return row
  const billingEntityId = (await customerIssuers(tx, [row.customerId])).get(row.customerId) ?? null
  const { number, displayNumber } = await nextDocumentNumber(tx, { orgId: row.orgId, billingEntityId }, 'invoice')
  const { total, taxTotal } = (await fixTaxesIn(tx, [row])).get(row.id)!
  const [updated] = await tx
    .update(table)
    .set({ status: 'finalized', number, billingEntityId, displayNumber, finalizedAt: now, total, taxTotal })
    .where(eq(table.id, row.id))
    .returning()
  await postFinalizedIn(tx, updated!, now)
  return updated!
}

/** The newest invoices first, for a contract (used to find the previous one). */
export async function contractInvoices(tx: Database, contractId: string, before?: string): Promise<Row[]> {
  return tx
    .select()
    .from(table)
    .where(before === undefined ? eq(table.contractId, contractId) : and(eq(table.contractId, contractId), lt(table.billingDate, before)))
    .orderBy(desc(table.billingDate))
}
