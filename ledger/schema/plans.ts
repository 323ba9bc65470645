import { jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'

/** One product of a plan or contract phase, with its price and when it is billed. */
export interface ContractItem {
  product_id: string
  /** A rating/compute price definition (validated on write). */
  price: Record<string, unknown> & { model: string; currency: unknown }
  billing: 'in_advance' | 'in_arrears'
  /** Non-metered products only: the units billed (a decimal string). */
  quantity?: string
}

// A plan is a reusable contract template: products with prices, and named features. A
// contract created from a plan copies its items (overrides are recorded on the contract).
export const plans = pgTable(
  'plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    description: text('description'),
    currency: text('currency').notNull(),
    items: jsonb('items').$type<ContractItem[]>().notNull(),
    features: jsonb('features').$type<string[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('plans_org_name_unique').on(t.orgId, t.name)],
)
