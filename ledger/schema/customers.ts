import { sql } from 'drizzle-orm'
import { boolean, check, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { CUSTOM_CURRENCY_CODE } from '../../platform/currency.ts'
import { billingEntities } from './billingEntities.ts'
import { organisations } from './organisations.ts'

export interface CustomerAddress {
  line1?: string
  line2?: string
  city?: string
  postal_code?: string
  region?: string
  country?: string
}

// A customer as the producer knows it: `external_id` is the `customer_id` carried by events,
// so it is unique per organisation, not globally.
export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    /** ISO 4217 code or a custom currency the organisation declared; decides the minor units invoices round to. */
    currency: text('currency').notNull().default('USD'),
    /** IANA zone name; billing periods fall on midnight in this zone when a contract says so. */
    timeZone: text('time_zone').notNull().default('UTC'),
    /** The legal entity that invoices this customer; null: the organisation's own numbering. */
    billingEntityId: uuid('billing_entity_id').references(() => billingEntities.id),
    /** The customer's default tax rate (ledger/tax/README.md); null: untaxed unless a product has a rate. */
    taxRateId: uuid('tax_rate_id'),
    /** The customer's tax registration, e.g. a VAT number, printed on its invoices. */
    taxId: text('tax_id'),
    /** B2B across borders: the customer accounts for the tax; its lines are taxed at 0% with the note "Reverse charge". */
    reverseCharge: boolean('reverse_charge').notNull().default(false),
    /** Billing address printed on invoices: line1, line2, city, postal_code, region, country (ISO 3166-1 alpha-2). */
    address: jsonb('address').$type<CustomerAddress>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // Also the index behind keyset pagination (`order by external_id`) within an org.
    unique('customers_org_external_id_unique').on(t.orgId, t.externalId),
    // The repository validates first with a friendly error; the check guards every other writer.
    // Any code of the custom-currency shape (ISO codes have it too); whether the organisation
    // may bill in it is the repository's question (its currency table).
    check('customers_currency_format', sql`${t.currency} ~ ${sql.raw(`'${CUSTOM_CURRENCY_CODE.source}'`)}`),
  ],
)
