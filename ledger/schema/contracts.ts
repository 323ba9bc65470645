import { sql } from 'drizzle-orm'
import { check, date, integer, jsonb, pgTable, text, timestamp, uuid, index } from 'drizzle-orm/pg-core'
import { customers } from './customers.ts'
import { oneOf } from './oneOf.ts'
import { organisations } from './organisations.ts'
import { orderedId } from './orderedId.ts'
import { plans, type ContractItem } from './plans.ts'

export const END_PRORATIONS = ['prorate', 'none'] as const
export type EndProration = (typeof END_PRORATIONS)[number]

/** Products and prices in force from `start_date` until the next phase starts. */
export interface ContractPhase {
  start_date: string
  items: ContractItem[]
}

/** Invoice-level terms handed to rating/compute's rateInvoice (validated on write). */
export interface ContractTerms {
  commitment?: Record<string, unknown>
  maximum_spend?: string
  discounts?: Record<string, unknown>[]
  credits?: Record<string, unknown>[]
  rounding_mode?: 'half_up' | 'half_even'
}

/** A price a contract changed relative to its plan. */
export interface ContractOverride {
  product_id: string
  field: 'price' | 'billing' | 'quantity'
  plan_value: unknown
  contract_value: unknown
}

// What is sold to one customer, at what price, on what schedule. Phases and terms are JSON
// validated by zod on write (rating/compute schemas); the row is locked (`for update`) by a
// rating run while it writes the contract's invoices, so concurrent runs serialise here.
export const contracts = pgTable(
  'contracts',
  {
    id: orderedId(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    planId: uuid('plan_id').references(() => plans.id),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }),
    timeZone: text('time_zone').notNull(),
    cadence: text('cadence').$type<'monthly' | 'quarterly' | 'annual'>().notNull(),
    anchorDay: integer('anchor_day').notNull(),
    renewal: text('renewal').$type<'auto_renew' | 'end'>().notNull(),
    netTermsDays: integer('net_terms_days').notNull(),
    /**
     * Invoices first rated after their grace period ended (a back-dated contract): `draft` (the
     * default) waits for a person, `finalize` does not. Contracts stored before migration 0013 keep
     * the `finalize` they were given when the column was added (0012).
     */
    backdatedInvoices: text('backdated_invoices').$type<'draft' | 'finalize'>().notNull().default('draft'),
    /**
     * What ending inside a period billed in advance does to its unused days: `prorate` credits them
     * on the next invoice (rating/execute/midPeriodProration.ts), `none` keeps what was billed.
     * Set by a termination (contractAmendments.ts); `prorate` for every other contract.
     */
    endProration: text('end_proration').$type<EndProration>().notNull().default('prorate'),
    phases: jsonb('phases').$type<ContractPhase[]>().notNull(),
    terms: jsonb('terms').$type<ContractTerms>().notNull(),
    overrides: jsonb('overrides').$type<ContractOverride[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('contracts_org_customer').on(t.orgId, t.customerId),
    check('contracts_cadence', sql`${t.cadence} in ('monthly', 'quarterly', 'annual')`),
    check('contracts_renewal', sql`${t.renewal} in ('auto_renew', 'end')`),
    check('contracts_anchor_day', sql`${t.anchorDay} between 1 and 31`),
    check('contracts_dates', sql`${t.endDate} is null or ${t.endDate} > ${t.startDate}`),
    check('contracts_net_terms', sql`${t.netTermsDays} between 0 and 365`),
    check('contracts_end_proration', oneOf(t.endProration, END_PRORATIONS)),
    check('contracts_backdated_invoices', sql`${t.backdatedInvoices} in ('draft', 'finalize')`),
  ],
)
