import { index, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'

// Only the SHA-256 of a secret is stored: a leaked table (or backup) grants no access. The
// secrets are 238 bits of randomness, so an unsalted fast hash is enough; a slow KDF would
// only add latency to every authenticated request.
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    /** The first 12 characters of the secret (`tly_` + 8), so people can tell keys apart. */
    prefix: varchar('prefix', { length: 12 }).notNull(),
    /** Lower-case hex SHA-256 of the whole secret; the lookup key for authentication. */
    hash: varchar('hash', { length: 64 }).notNull().unique('api_keys_hash_unique'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_org_id_idx').on(t.orgId, t.createdAt)],
)
