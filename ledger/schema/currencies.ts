import { sql } from 'drizzle-orm'
import { check, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { CUSTOM_CURRENCY_CODE, MAX_CURRENCY_PRECISION } from '../../platform/currency.ts'
import { organisations } from './organisations.ts'

// A custom currency an organisation declared (`CREDITS`, 4 decimals), beside the ISO 4217 table
// (platform/currency.ts). Rows are never updated: invoices are rounded to `precision`, so a
// changed precision would make finalized invoices disagree with their currency.
export const currencies = pgTable(
  'currencies',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** Minor units: digits after the decimal point of the smallest amount. */
    precision: integer('precision').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'currencies_pkey', columns: [t.orgId, t.code] }),
    // The repository refuses first with a friendly error; the checks guard every other writer.
    check('currencies_code_format', sql`${t.code} ~ ${sql.raw(`'${CUSTOM_CURRENCY_CODE.source}'`)}`),
    check('currencies_precision_range', sql`${t.precision} between 0 and ${sql.raw(String(MAX_CURRENCY_PRECISION))}`),
    check('currencies_name_not_blank', sql`length(btrim(${t.name})) between 1 and 100`),
  ],
)
