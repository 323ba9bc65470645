import { check, index, jsonb, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { oneOf } from './oneOf.ts'
import { contracts } from './contracts.ts'
import { customers } from './customers.ts'
import { organisations } from './organisations.ts'

export const ALERT_KINDS = ['usage', 'spend', 'credit_balance'] as const
export type AlertKind = (typeof ALERT_KINDS)[number]

// A threshold watched on a schedule (rating/execute/alertEvaluation.ts): a billable metric's
// quantity in a contract's current period (`usage`, ≥), the current period's invoice preview total
// (`spend`, ≥), a customer's credit balance in a currency (`credit_balance`, <). A removed alert
// keeps its row (`deleted_at`) and its firings.
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind').$type<AlertKind>().notNull(),
    name: text('name'),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contractId: uuid('contract_id').references(() => contracts.id),
    metric: text('metric'),
    currency: text('currency'),
    threshold: numeric('threshold').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('alerts_org').on(t.orgId), check('alerts_kind', oneOf(t.kind, ALERT_KINDS))],
)

// One row per alert and period in which it fired: the unique pair is what makes an alert fire
// once per threshold crossing per period, however often it is evaluated.
export const alertFirings = pgTable(
  'alert_firings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id),
    /** The contract's billing date of the period (usage, spend) or the UTC month `YYYY-MM` (credit balance). */
    period: text('period').notNull(),
    value: numeric('value').notNull(),
    detail: jsonb('detail').$type<Record<string, string>>().notNull().default({}),
    firedAt: timestamp('fired_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('alert_firings_once_per_period').on(t.alertId, t.period)],
)
