// The scheduled ERP drain (`tally start`, `tally scheduler`): every minute, one pass over every
// active connection, run only by the process holding the ERP leader lock (its own advisory
// key, so it leads independently of the rating job); platform/leaderJob.ts keeps passes from
// overlapping and lets stop() wait for the pass in flight.
import type { Logger } from '../../../platform/logger.ts'
import { startLeaderJob, type LeaderJob } from '../../../platform/leaderJob.ts'
import type { ErpSync } from './erpSync.ts'

export type ErpScheduler = LeaderJob

export function startErpScheduler(
  deps: { sync: ErpSync; logger: Logger; leader: { tryLead(): Promise<boolean> } },
  opts: { cron?: string } = {},
): ErpScheduler {
  return startLeaderJob({ cron: opts.cron ?? '* * * * *', name: 'erp drain', logger: deps.logger, leader: deps.leader, pass: () => deps.sync.drainAll() })
}
