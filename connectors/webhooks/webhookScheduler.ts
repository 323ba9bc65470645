// The scheduled webhook drain (`tally start`, `tally scheduler`): every 10 seconds, one pass,
// run only by the process holding the webhook leader lock (its own advisory key, so it leads
// independently of the rating job and the ERP drain); platform/leaderJob.ts keeps passes from
// overlapping and lets stop() wait for the pass in flight. The first retry waits 5–10 s
// (retrySchedule.ts), so a tick every 10 s keeps the schedule within a tick.
import type { Logger } from '../../platform/logger.ts'
import { startLeaderJob, type LeaderJob } from '../../platform/leaderJob.ts'
import type { WebhookDrain } from './webhookDrain.ts'

export function startWebhookScheduler(
  deps: { drain: WebhookDrain; logger: Logger; leader: { tryLead(): Promise<boolean> } },
  opts: { cron?: string } = {},
): LeaderJob {
  return startLeaderJob({
    cron: opts.cron ?? '*/10 * * * * *',
    name: 'webhook drain',
    logger: deps.logger,
    leader: deps.leader,
    pass: () => deps.drain.drain(),
  })
}
