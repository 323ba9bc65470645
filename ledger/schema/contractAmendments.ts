import { sql } from 'drizzle-orm'
import { check, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { contracts } from './contracts.ts'
import { oneOf } from './oneOf.ts'
import { organisations } from './organisations.ts'

export const AMENDMENT_KINDS = ['end_date', 'terminate', 'phase_added', 'phase_edited', 'phase_deleted'] as const
export type AmendmentKind = (typeof AMENDMENT_KINDS)[number]

/** The parts of a contract an amendment may change, as stored before and after it. */
export interface AmendedState {
  end_date: string | null
  renewal: 'auto_renew' | 'end'
  end_proration: 'prorate' | 'none'
  phases: unknown[]
}

// Every change made to a contract after it was created: its version (1, 2, … per contract,
// taken under the contract's row lock, so two amendments never share one), who made it (an API
// key id or `admin`), when (the caller's clock), what was asked and the amended parts before and
// after. Rows are only inserted: the contract row holds the current state, this table its history.
export const contractAmendments = pgTable(
  'contract_amendments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id),
    version: integer('version').notNull(),
    kind: text('kind').$type<AmendmentKind>().notNull(),
    /** `api_key:<id>` or `admin`. */
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** The request as the API received it (snake_case). */
    request: jsonb('request').$type<Record<string, unknown>>().notNull(),
    before: jsonb('before').$type<AmendedState>().notNull(),
    after: jsonb('after').$type<AmendedState>().notNull(),
  },
  (t) => [
    uniqueIndex('contract_amendments_version').on(t.contractId, t.version),
    check('contract_amendments_kind', oneOf(t.kind, AMENDMENT_KINDS)),
    check('contract_amendments_version_positive', sql`${t.version} >= 1`),
  ],
)
