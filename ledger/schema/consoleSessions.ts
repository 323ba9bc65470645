import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

// The web console's signed-in sessions (console/session.ts), kept here so a restart keeps users
// signed in and every process behind one database shares them. Nothing in a row signs anyone in:
// the browser's session token is stored only as its SHA-256, and the API key the session calls
// the API with is sealed (AES-256-GCM) under a key derived from that token. Times come from the
// console's clock.
export const consoleSessions = pgTable(
  'console_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    sealedSecret: text('sealed_secret').notNull(),
    /** The organisation an admin-token session acts on; null for an organisation API key. */
    organisation: text('organisation'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('console_sessions_last_seen').on(t.lastSeenAt)],
)
