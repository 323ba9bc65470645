// The scheduled jobs of a process (`tally scheduler`, and `tally start` in both modes): the
// rating job on TALLY_RATING_CRON, run only while this process holds the scheduler's leader
// lock. Shared by the composition roots so `tally start` and `tally scheduler` run the same code.
import type { RatingRunRepository, RatingStore } from '../ledger/ratingStore.ts'
import type { QuantitySource } from '../rating/execute/quantitySource.ts'
import { startRatingScheduler, type RatingScheduler } from '../rating/execute/ratingScheduler.ts'
import type { Clock } from '../platform/clock.ts'
import type { Config } from '../platform/config/schema.ts'
import type { Logger } from '../platform/logger.ts'
import type { DatabaseHandle } from '../platform/postgres/database.ts'
import { openLeaderLock } from '../platform/postgres/leaderLock.ts'
import type { Closers } from './closers.ts'
import { ERP_ADAPTERS } from '../connectors/erp/adapters.ts'
import { startErpScheduler } from '../connectors/erp/drain/erpScheduler.ts'
import { createErpSync } from '../connectors/erp/drain/erpSync.ts'
import { createErpStore } from '../ledger/erpStore.ts'
import { createWebhookStore } from '../ledger/webhookStore.ts'
import { createWebhookDrain } from '../connectors/webhooks/webhookDrain.ts'
import { startWebhookScheduler } from '../connectors/webhooks/webhookScheduler.ts'
import { createAlertStore } from '../ledger/alertStore.ts'
import { evaluateAlerts } from '../rating/execute/alertEvaluation.ts'
import type { CreditGrantRepository } from '../ledger/creditGrants.ts'
import { sweepCreditExpiries } from '../ledger/creditExpirySweep.ts'
import { createSecretBox } from '../platform/secretBox.ts'
import { startLeaderJob } from '../platform/leaderJob.ts'
import type { IngestCatalog } from '../ingest/catalog.ts'
import type { EventSink } from '../ingest/sink/eventSink.ts'
import { createSourceServices } from './sourceServices.ts'

export interface ScheduledJobParts {
  config: Config
  logger: Logger
  /** What runs rate, the history each run of the rating job writes, and the organisations a tick rates in turn. */
  ledger: RatingStore & {
    ratingRuns: RatingRunRepository
    organisations: { list(): Promise<readonly { id: string }[]> }
    creditGrants: Pick<CreditGrantRepository, 'expireDue'>
  }
  database: DatabaseHandle
  /** The root's metering services' quantity source (app/services.ts), shared with the API. */
  quantities: QuantitySource
  /** Each tick rates as of `clock.now()` (TALLY_CLOCK in tests and rehearsals). */
  clock: Clock
  /**
   * Push the scheduler here AFTER the stores: closers run in reverse, so the scheduler stops
   * (and its leader lock is released) before anything it uses closes.
   */
  closers: Closers
  /** The process's event sink and catalog: the scheduled source syncs write through them (not run without). */
  sources?: { sink: EventSink; catalog: IngestCatalog }
}

/** Advisory key of the ERP drain's leader lock (the rating job keeps the default key). */
const ERP_LEADER_KEY = 0x7461_6c6c_7965_7270n
/** Advisory key of the webhook drain's leader lock. */
const WEBHOOK_LEADER_KEY = 0x7461_6c6c_7977_6862n
/** Advisory key of the alert job's leader lock. */
const ALERTS_LEADER_KEY = 0x7461_6c6c_7961_6c74n
/** Advisory key of the credit-expiry sweep's leader lock. */
const CREDITS_LEADER_KEY = 0x7461_6c6c_7963_7265n
/** Advisory key of the scheduled source syncs' leader lock. */
const SOURCES_LEADER_KEY = 0x7461_6c6c_7973_7263n

/** Starts the ERP drain and the due source syncs (every minute), the webhook drain (every 10 s), the alert job and the credit-expiry sweep (every 5 min), and the rating scheduler, or returns null when TALLY_RATING_CRON is `off`. */
export function startScheduledJobs(parts: ScheduledJobParts): RatingScheduler | null {
  const { config, logger, ledger } = parts
  const erpLeader = openLeaderLock(parts.database, { logger, key: ERP_LEADER_KEY })
  parts.closers.push('erp leader lock', () => erpLeader.close())
  const erp = createErpStore(parts.database.db, { secrets: createSecretBox(config.secretKey) })
  const erpScheduler = startErpScheduler({ sync: createErpSync({ erp, adapters: ERP_ADAPTERS, clock: parts.clock, logger }), logger, leader: erpLeader })
  parts.closers.push('erp scheduler', () => erpScheduler.stop())
  const webhookLeader = openLeaderLock(parts.database, { logger, key: WEBHOOK_LEADER_KEY })
  parts.closers.push('webhook leader lock', () => webhookLeader.close())
  const webhooks = createWebhookStore(parts.database.db, { secrets: createSecretBox(config.secretKey) })
  const webhookScheduler = startWebhookScheduler({
    drain: createWebhookDrain({ webhooks, clock: parts.clock, logger, allowPrivate: config.webhookAllowPrivate }),
    logger,
    leader: webhookLeader,
  })
  parts.closers.push('webhook scheduler', () => webhookScheduler.stop())
  const alertsLeader = openLeaderLock(parts.database, { logger, key: ALERTS_LEADER_KEY })
  parts.closers.push('alerts leader lock', () => alertsLeader.close())
  const alerts = createAlertStore(parts.database.db)
  const alertJob = startLeaderJob({
    cron: '*/5 * * * *',
    name: 'alert evaluation',
    logger,
    leader: alertsLeader,
    pass: () => evaluateAlerts({ alerts, preview: { ledger, quantities: parts.quantities }, clock: parts.clock, logger }),
  })
  parts.closers.push('alert job', () => alertJob.stop())
  const creditsLeader = openLeaderLock(parts.database, { logger, key: CREDITS_LEADER_KEY })
  parts.closers.push('credit expiry leader lock', () => creditsLeader.close())
  const creditJob = startLeaderJob({
    cron: '*/5 * * * *',
    name: 'credit expiry sweep',
    logger,
    leader: creditsLeader,
    pass: () => sweepCreditExpiries({ creditGrants: ledger.creditGrants, clock: parts.clock, logger }),
  })
  parts.closers.push('credit expiry sweep', () => creditJob.stop())
  if (parts.sources !== undefined) {
    const sourcesLeader = openLeaderLock(parts.database, { logger, key: SOURCES_LEADER_KEY })
    parts.closers.push('sources leader lock', () => sourcesLeader.close())
    const { syncs } = createSourceServices({ config, database: parts.database, ...parts.sources, clock: parts.clock, logger })
    const sourceJob = startLeaderJob({ cron: '* * * * *', name: 'scheduled source syncs', logger, leader: sourcesLeader, pass: () => syncs.runDue() })
    parts.closers.push('source sync scheduler', () => sourceJob.stop())
  }
  if (config.ratingCron === 'off') {
    logger.info('rating scheduler off (TALLY_RATING_CRON=off)')
    return null
  }
  const leader = openLeaderLock(parts.database, { logger })
  parts.closers.push('scheduler leader lock', () => leader.close())
  const scheduler = startRatingScheduler(
    { ledger, ratingRuns: ledger.ratingRuns, organisations: ledger.organisations, quantities: parts.quantities, clock: parts.clock, logger, leader },
    { cron: config.ratingCron, graceHours: config.ratingGraceHours },
  )
  parts.closers.push('rating scheduler', () => scheduler.stop())
  logger.info(
    {
      cron: config.ratingCron,
      clock: config.clock ?? 'system',
      next: scheduler.next()?.toISOString(),
      leaderElection: parts.database.driver === 'pg' ? 'postgres advisory lock' : 'single process (PGlite)',
    },
    'rating scheduler started',
  )
  return scheduler
}
