import type { Command } from '../command.ts'
import { UsageError } from '../command.ts'

export const schedulerCommand: Command = {
  path: ['scheduler'],
  summary: 'Run scheduled jobs: the rating job on TALLY_RATING_CRON, on the one leader (Postgres advisory lock)',
  usage: '',
  example: "TALLY_RATING_CRON='0 * * * *' tally scheduler",
  async run(ctx) {
    const config = ctx.config()
    if (config.ratingCron === 'off') throw new UsageError('TALLY_RATING_CRON is off: tally scheduler has nothing to run')
    // A long-running process: it logs at TALLY_LOG_LEVEL (the CLI's default logger says only warnings).
    const { createLogger } = await import('../../../platform/logger.ts')
    const logger = createLogger(config.logLevel, 'tally-scheduler')
    const { createTally } = await import('../../createTally.ts')
    const { onShutdownSignal } = await import('../../serve.ts')
    // The same scheduled jobs as `tally start` (app/scheduledJobs.ts), closed
    // first on shutdown: the run in progress stops between contracts, then the stores close.
    const tally = await createTally(config, logger, { scheduler: true })
    onShutdownSignal(logger, async () => {
      await tally.close()
      logger.info('stopped')
    })
    await new Promise(() => {})
  },
}
