import { date, index, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { invoices } from './invoices.ts'
import { organisations } from './organisations.ts'

export type PaymentMethod = 'card' | 'bank_transfer' | 'direct_debit' | 'cash' | 'check' | 'other'

// Money received against a finalized invoice. The invoice turns `paid` when payments cover
// its total less credit notes; overpayment is refused.
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id),
    amount: numeric('amount').notNull(),
    currency: text('currency').notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    method: text('method').$type<PaymentMethod>().notNull(),
    reference: text('reference'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('payments_invoice').on(t.invoiceId)],
)
