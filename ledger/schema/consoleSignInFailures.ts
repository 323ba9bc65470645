import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

// Failed sign-ins to the web console (console/signInLimiter.ts), one row per failure and limit
// key: the account an attempt names (`key:` + the key's displayed prefix `tly_` + 8, or `org:` +
// the organisation of an admin-token sign-in) and its client address (`address:` + the IP). Kept
// here so every gateway on one database counts the same failures. Rows older than the limit's
// window are deleted as new failures arrive. Times come from the console's clock.
export const consoleSignInFailures = pgTable(
  'console_sign_in_failures',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    limitKey: text('limit_key').notNull(),
    failedAt: timestamp('failed_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('console_sign_in_failures_key').on(t.limitKey, t.failedAt), index('console_sign_in_failures_at').on(t.failedAt)],
)
