import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { oneOf } from './oneOf.ts'
import { organisations } from './organisations.ts'

export const RATING_RUN_STATUSES = ['running', 'succeeded', 'failed', 'abandoned'] as const
export type RatingRunStatus = (typeof RATING_RUN_STATUSES)[number]
export const RATING_RUN_TRIGGERS = ['api', 'scheduler'] as const
export type RatingRunTrigger = (typeof RATING_RUN_TRIGGERS)[number]

// One row per rating run of an organisation (rating/execute/recordedRatingRun.ts), so the console
// and on-call can see what past runs did. A process killed mid-run leaves its row `running`: no
// one is left to finish it; the next run of the organisation marks it `abandoned`. Times come
// from the run's Clock, never from the database's now().
export const ratingRuns = pgTable(
  'rating_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    trigger: text('trigger').$type<RatingRunTrigger>().notNull(),
    /** `api_key:<id>`, `admin` or `scheduler`. */
    actor: text('actor').notNull(),
    period: text('period'),
    contractId: text('contract_id'),
    asOf: timestamp('as_of', { withTimezone: true, precision: 3 }).notNull(),
    status: text('status').$type<RatingRunStatus>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 }),
    contractsRated: integer('contracts_rated'),
    invoicesDrafted: integer('invoices_drafted'),
    invoicesFinalized: integer('invoices_finalized'),
    skipped: integer('skipped'),
    unbilledUsage: integer('unbilled_usage'),
    heldForReview: integer('held_for_review'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
  },
  (t) => [
    index('rating_runs_org_started').on(t.orgId, t.startedAt, t.id),
    check('rating_runs_status', oneOf(t.status, RATING_RUN_STATUSES)),
    check('rating_runs_trigger', oneOf(t.trigger, RATING_RUN_TRIGGERS)),
  ],
)
