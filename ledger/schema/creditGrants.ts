import { sql } from 'drizzle-orm'
import { check, date, index, integer, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { customers } from './customers.ts'
import { oneOf } from './oneOf.ts'
import { organisations } from './organisations.ts'

export const CREDIT_GRANT_STATUSES = ['active', 'expired', 'void'] as const
export type CreditGrantStatus = (typeof CREDIT_GRANT_STATUSES)[number]
/** `api`: granted through POST /v1/customers/:id/credits. Contract-term grants stay in the contract's terms (ledger/README.md "Credit grants"). */
export const CREDIT_GRANT_SOURCES = ['api'] as const
export type CreditGrantSource = (typeof CREDIT_GRANT_SOURCES)[number]
export const CREDIT_ENTRY_KINDS = ['grant', 'top_up', 'expire', 'void'] as const
export type CreditEntryKind = (typeof CREDIT_ENTRY_KINDS)[number]

// A prepaid or promotional credit of one customer, drawn by rating runs of any of its contracts
// in the grant's currency. The balance is never stored: it is the entries (grant + top-ups −
// expire − void) less every live draw (invoices.credit_draws naming the grant's id), read
// under this row's lock (`select … for update`), so concurrent runs draw one after the other.
export const creditGrants = pgTable(
  'credit_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    currency: text('currency').notNull(),
    /** What was granted at first; top-ups are entries. */
    amount: numeric('amount').notNull(),
    /** Lower draws first (rating/compute/credits.ts). */
    priority: integer('priority').notNull().default(0),
    /** First date an invoice may draw it. */
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    /** First date it can no longer be drawn (exclusive), or never. */
    expiryDate: date('expiry_date', { mode: 'string' }),
    status: text('status').$type<CreditGrantStatus>().notNull().default('active'),
    source: text('source').$type<CreditGrantSource>().notNull().default('api'),
    memo: text('memo'),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('credit_grants_customer').on(t.orgId, t.customerId),
    check('credit_grants_status', oneOf(t.status, CREDIT_GRANT_STATUSES)),
    check('credit_grants_source', oneOf(t.source, CREDIT_GRANT_SOURCES)),
    check('credit_grants_amount_positive', sql`${t.amount} > 0`),
    check('credit_grants_priority', sql`${t.priority} >= 0`),
    check('credit_grants_expiry_after_effective', sql`${t.expiryDate} is null or ${t.expiryDate} > ${t.effectiveDate}`),
    check('credit_grants_void', sql`(${t.status} = 'void') = (${t.voidedAt} is not null)`),
  ],
)

// The grant's ledger: what was granted, topped up, what lapsed at expiry and what a void took
// away. Amounts are positive; the kind gives the sign (grant, top_up add; expire, void take off).
// Draws are not entries: they live on the invoices rating writes (invoices.credit_draws), live
// while the invoice is not void, and a void invoice's draw is the reversal.
export const creditGrantEntries = pgTable(
  'credit_grant_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    grantId: uuid('grant_id')
      .notNull()
      .references(() => creditGrants.id),
    kind: text('kind').$type<CreditEntryKind>().notNull(),
    amount: numeric('amount').notNull(),
    /** The date it takes effect: the grant's effective date, a top-up's, the expiry date, the void's. */
    effectiveDate: date('effective_date', { mode: 'string' }).notNull(),
    memo: text('memo'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('credit_grant_entries_grant').on(t.grantId, t.createdAt),
    // One grant, one expire and one void entry per grant at most; any number of top-ups.
    uniqueIndex('credit_grant_entries_once')
      .on(t.grantId, t.kind)
      .where(sql`kind <> 'top_up'`),
    check('credit_grant_entries_kind', oneOf(t.kind, CREDIT_ENTRY_KINDS)),
    check('credit_grant_entries_amount', sql`${t.amount} >= 0`),
  ],
)
