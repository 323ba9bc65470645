import { sql } from 'drizzle-orm'
import { boolean, integer, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'

// A legal entity an organisation invoices from. Each has its own gap-free invoice and credit-note
// sequences (billing_entity_counters), because a legal entity's documents must be numbered
// without gaps on their own. Customers without an entity keep the organisation's sequence
// (document_counters), so organisations that never declare an entity see no change. At most one
// entity per organisation is its default (`is_default`): customers created without naming an
// entity are given it.
export const billingEntities = pgTable(
  'billing_entities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    /** Free text (address, registration and tax numbers) printed on the entity's invoices. */
    legalDetails: text('legal_details'),
    invoicePrefix: text('invoice_prefix'),
    creditNotePrefix: text('credit_note_prefix'),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('billing_entities_org_name_unique').on(t.orgId, t.name),
    uniqueIndex('billing_entities_one_default')
      .on(t.orgId)
      .where(sql`${t.isDefault}`),
  ],
)

// Same discipline as document_counters: created on first use, incremented by `update … returning`
// in the finalizing transaction, so the row lock queues concurrent finalizations per entity.
export const billingEntityCounters = pgTable(
  'billing_entity_counters',
  {
    billingEntityId: uuid('billing_entity_id')
      .notNull()
      .references(() => billingEntities.id),
    kind: text('kind').$type<'invoice' | 'credit_note'>().notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.billingEntityId, t.kind] })],
)
