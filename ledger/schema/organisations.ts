import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

// The tenant. Every other ledger row hangs off one organisation (DESIGN invariant 5). The id
// may be chosen by the caller (scripted deployments pin the documented example's UUID).
export const organisations = pgTable('organisations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
})
