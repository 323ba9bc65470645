import { sql } from 'drizzle-orm'
import { boolean, check, integer, numeric, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { invoiceLines, invoices } from './invoices.ts'
import { organisations } from './organisations.ts'
import { products } from './products.ts'

export const TAX_RATE_ONE_LIVE_PER_JURISDICTION = 'tax_rates_one_live_per_jurisdiction'

// Manual tax rates (ledger/tax/README.md). A rate is never updated once stored (an invoice names
// it, and its percentage is copied onto the invoice anyway); one no longer wanted is archived.
export const taxRates = pgTable(
  'tax_rates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    /** Percent, e.g. 20 or 8.5 (numeric: never a JS number). */
    percentage: numeric('percentage').notNull(),
    /** Inclusive: line amounts already contain the tax; exclusive: tax is added on top. */
    inclusive: boolean('inclusive').notNull(),
    /** ISO 3166-1 alpha-2 country, optionally with a region after a dash (`US-CA`); null: any. */
    jurisdiction: text('jurisdiction'),
    description: text('description'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('tax_rates_org_name_unique').on(t.orgId, t.name),
    check('tax_rates_percentage', sql`${t.percentage} >= 0 and ${t.percentage} <= 100`),
    // The rate of a customer's country (no rate of its own) must be one: one live rate per jurisdiction.
    uniqueIndex(TAX_RATE_ONE_LIVE_PER_JURISDICTION)
      .on(t.orgId, t.jurisdiction)
      .where(sql`${t.archivedAt} is null`),
  ],
)

// A product's own rate (a zero-rated product, a reduced rate), taking precedence over the customer's.
export const productTaxRates = pgTable(
  'product_tax_rates',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    taxRateId: uuid('tax_rate_id')
      .notNull()
      .references(() => taxRates.id),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.productId] })],
)

// The tax of each taxed line of a finalized invoice, written in the finalizing transaction and
// never changed (trigger, migration 0026). The rate is copied: archiving or a new rate never
// changes an issued invoice.
export const invoiceLineTaxes = pgTable(
  'invoice_line_taxes',
  {
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    invoiceLineId: uuid('invoice_line_id')
      .notNull()
      .references(() => invoiceLines.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    taxRateId: uuid('tax_rate_id').references(() => taxRates.id),
    name: text('name').notNull(),
    percentage: numeric('percentage').notNull(),
    inclusive: boolean('inclusive').notNull(),
    jurisdiction: text('jurisdiction'),
    reverseCharge: boolean('reverse_charge').notNull(),
    /** The line's amount without its tax (the taxable base), in the invoice currency. */
    base: numeric('base').notNull(),
    amount: numeric('amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.invoiceLineId] }), unique('invoice_line_taxes_position').on(t.invoiceId, t.position)],
)
