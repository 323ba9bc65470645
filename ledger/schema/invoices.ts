import { sql } from 'drizzle-orm'
import { type AnyPgColumn, check, date, index, integer, jsonb, numeric, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { contracts } from './contracts.ts'
import { billingEntities } from './billingEntities.ts'
import { customers } from './customers.ts'
import { orderedId } from './orderedId.ts'
import { organisations } from './organisations.ts'

export type InvoiceStatus = 'draft' | 'finalized' | 'paid' | 'void'

// One live invoice per contract and billing date: the partial unique index on
// (contract_id, billing_date) where status <> 'void' is what makes rating idempotent (a second
// run finds the row instead of adding one), while a voided period may be billed again by a
// reissue (POST /v1/invoices/:id/reissue), which writes a new draft naming the void invoice in
// `replaces_invoice_id` (unique: one replacement per void invoice). The link lives on the new
// row because the void one is immutable (migration 0002). `number` is null while draft and set
// once, at finalization, from document_counters in the same transaction, so numbers are
// gap-free per organisation.
// Numbers are unique per issuer; the organisation's own sequence is the nil uuid (not null, which
// a unique index would treat as distinct every time).
export const NO_ENTITY = "'00000000-0000-0000-0000-000000000000'::uuid"

export const invoices = pgTable(
  'invoices',
  {
    id: orderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** The contract-local date the invoice is for: the end of the period billed in arrears. */
    billingDate: date('billing_date', { mode: 'string' }).notNull(),
    /** Index of the contract's billing period billed in advance on this invoice (from 0). */
    periodIndex: integer('period_index').notNull(),
    currency: text('currency').notNull(),
    status: text('status').$type<InvoiceStatus>().notNull(),
    number: integer('number'),
    /** Who issued it and whose sequence `number` comes from (the customer's entity at finalization); null: the organisation's. */
    billingEntityId: uuid('billing_entity_id').references(() => billingEntities.id),
    /** The entity's prefix + the number padded to 6 digits, fixed at finalization; null without a prefix. */
    displayNumber: text('display_number'),
    /** Lines + exclusive tax once finalized (the lines alone while draft): what the customer owes. */
    total: numeric('total').notNull(),
    /** Tax of the lines (inclusive and exclusive), fixed at finalization (ledger/tax/README.md). */
    taxTotal: numeric('tax_total').notNull().default('0'),
    /** sha256 of the rated content: a re-rating with the same hash writes nothing. */
    contentHash: text('content_hash').notNull(),
    /** What rateInvoice was given and what the credits drew: enough to re-derive the total. */
    ratingInput: jsonb('rating_input').$type<Record<string, unknown>>().notNull(),
    creditDraws: jsonb('credit_draws').$type<{ id: string; drawn: string }[]>().notNull(),
    /** Drafts are re-rated until then; afterwards the next run finalizes. */
    graceUntil: timestamp('grace_until', { withTimezone: true }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    ratedAt: timestamp('rated_at', { withTimezone: true }).notNull(),
    finalizedAt: timestamp('finalized_at', { withTimezone: true }),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
    /** The void invoice this one re-bills (set by a reissue, never changed). */
    replacesInvoiceId: uuid('replaces_invoice_id').references((): AnyPgColumn => invoices.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // NOTE: partial, so an ON CONFLICT on it must repeat the predicate (`where status <> 'void'`).
    uniqueIndex('invoices_contract_billing_date_live')
      .on(t.contractId, t.billingDate)
      .where(sql`status <> 'void'`),
    uniqueIndex('invoices_replaces_invoice_id_unique').on(t.replacesInvoiceId),
    uniqueIndex('invoices_org_entity_number_unique').on(t.orgId, sql`coalesce(${t.billingEntityId}, ${sql.raw(NO_ENTITY)})`, t.number),
    index('invoices_org_status').on(t.orgId, t.status, t.billingDate),
    // Every invoice of some contracts, void ones included (a rating chunk's lock, the run's
    // statuses): the live index above is partial, so it cannot answer them (issue 20).
    index('invoices_contract').on(t.contractId, t.billingDate),
    check('invoices_status', sql`${t.status} in ('draft', 'finalized', 'paid', 'void')`),
    check('invoices_number_when_final', sql`(${t.status} = 'draft') = (${t.number} is null)`),
  ],
)

export type LineTiming = 'in_advance' | 'in_arrears' | 'adjustment' | 'invoice'

// A line records everything needed to explain and re-derive it: the product, the metric
// name and version that produced the quantity, the price definition and its version (a hash
// of the definition), the quantity and the service period.
export const invoiceLines = pgTable(
  'invoice_lines',
  {
    id: orderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** The rateInvoice line id (product item id, or null for invoice-level lines). */
    itemId: text('item_id'),
    timing: text('timing').$type<LineTiming>().notNull(),
    kind: text('kind').notNull(),
    description: text('description').notNull(),
    productId: uuid('product_id'),
    productName: text('product_name'),
    metricName: text('metric_name'),
    metricVersion: integer('metric_version'),
    price: jsonb('price').$type<Record<string, unknown>>(),
    priceVersion: text('price_version'),
    quantity: numeric('quantity').notNull(),
    unitPrice: numeric('unit_price'),
    tier: integer('tier'),
    amount: numeric('amount').notNull(),
    periodStart: date('period_start', { mode: 'string' }),
    periodEnd: date('period_end', { mode: 'string' }),
  },
  (t) => [unique('invoice_lines_invoice_position_unique').on(t.invoiceId, t.position)],
)

// Per-organisation document numbers. `update … set next = next + 1 … returning` inside the
// finalizing transaction takes a row lock, so two finalizations queue and a rolled-back
// one gives its number back: no gaps, no duplicates.
export const documentCounters = pgTable(
  'document_counters',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind').$type<'invoice' | 'credit_note'>().notNull(),
    last: integer('last').notNull(),
  },
  (t) => [unique('document_counters_org_kind_unique').on(t.orgId, t.kind)],
)
