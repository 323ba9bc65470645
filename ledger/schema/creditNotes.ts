import { sql } from 'drizzle-orm'
import { index, integer, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { billingEntities } from './billingEntities.ts'
import { NO_ENTITY, invoiceLines, invoices } from './invoices.ts'
import { organisations } from './organisations.ts'

export type CreditNoteReason = 'duplicate' | 'fraudulent' | 'order_change' | 'product_unsatisfactory' | 'billing_error' | 'other'

// A correction to a finalized invoice: the invoice never changes, the credit note records
// what is given back, line by line. Numbered from the organisation's credit-note counter.
export const creditNotes = pgTable(
  'credit_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    number: integer('number').notNull(),
    /** The invoice's issuer, whose credit-note sequence `number` comes from; null: the organisation's. */
    billingEntityId: uuid('billing_entity_id').references(() => billingEntities.id),
    /** The entity's credit-note prefix + the number padded to 6 digits; null without a prefix. */
    displayNumber: text('display_number'),
    reason: text('reason').$type<CreditNoteReason>().notNull(),
    memo: text('memo'),
    total: numeric('total').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('credit_notes_org_entity_number_unique').on(t.orgId, sql`coalesce(${t.billingEntityId}, ${sql.raw(NO_ENTITY)})`, t.number),
    index('credit_notes_invoice').on(t.invoiceId),
  ],
)

export const creditNoteLines = pgTable('credit_note_lines', {
  id: uuid('id').primaryKey().defaultRandom(),
  creditNoteId: uuid('credit_note_id')
    .notNull()
    .references(() => creditNotes.id),
  invoiceLineId: uuid('invoice_line_id')
    .notNull()
    .references(() => invoiceLines.id),
  amount: numeric('amount').notNull(),
})
