import { sql } from 'drizzle-orm'
import { boolean, check, date, index, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { contracts } from './contracts.ts'
import { customers } from './customers.ts'
import { organisations } from './organisations.ts'
import { products } from './products.ts'

// A one-off charge (issue 17): an amount billed once, on the contract's invoice that follows its
// date (rating/execute/oneOffCharges.ts). Rows are only inserted; which invoice bills a charge is
// decided by dates, so a void and reissue of that invoice bills it again, once. A client's
// `idempotency_key` makes a retried request return the charge it created.
export const charges = pgTable(
  'charges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id),
    idempotencyKey: text('idempotency_key').notNull(),
    description: text('description').notNull(),
    productId: uuid('product_id').references(() => products.id),
    quantity: numeric('quantity').notNull(),
    unitAmount: numeric('unit_amount').notNull(),
    /** quantity × unit amount, in the contract currency's minor units. */
    amount: numeric('amount').notNull(),
    currency: text('currency').notNull(),
    /** Billed at once on an invoice of its own (rating/execute/chargeInvoice.ts) rather than on the next scheduled one. */
    billNow: boolean('bill_now').notNull().default(false),
    /** The caller's date in the contract's zone: the first invoice dated after it bills the charge. */
    chargeDate: date('charge_date', { mode: 'string' }).notNull(),
    /** `api_key:<id>` or `admin`. */
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('charges_idempotency').on(t.orgId, t.idempotencyKey),
    index('charges_contract').on(t.contractId, t.chargeDate),
    check('charges_quantity_positive', sql`${t.quantity} > 0`),
  ],
)
