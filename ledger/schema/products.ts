import { sql } from 'drizzle-orm'
import { check, integer, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'

// What is sold. A metered product is bound to one version of a billable metric (sql/), so an
// invoice line can always say which SQL produced its quantity; a non-metered product bills a
// quantity written in the contract (seats, licences), `default_quantity` unless overridden.
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind').$type<'metered' | 'non_metered'>().notNull(),
    /** Billable metric name and version (metered only). */
    metricName: text('metric_name'),
    metricVersion: integer('metric_version'),
    /** Non-metered: units billed when the contract does not say (decimal, numeric). */
    defaultQuantity: numeric('default_quantity'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('products_org_name_unique').on(t.orgId, t.name),
    check('products_kind', sql`${t.kind} in ('metered', 'non_metered')`),
    check(
      'products_metric_binding',
      sql`(${t.kind} = 'metered' and ${t.metricName} is not null and ${t.metricVersion} is not null) or (${t.kind} = 'non_metered' and ${t.metricName} is null and ${t.metricVersion} is null)`,
    ),
  ],
)
