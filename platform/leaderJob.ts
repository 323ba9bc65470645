// A job that runs on a cron (UTC) only in the process holding its leader lock (the ERP drain, the
// scheduled source syncs). Passes never overlap (croner `protect`); a pass that throws is logged
// and the next tick tries again; stop() waits for the pass in flight, so nothing it uses closes
// under it.
import { Cron } from 'croner'
import type { Logger } from './logger.ts'

export interface LeaderJob {
  stop(): Promise<void>
}

export function startLeaderJob(opts: {
  cron: string
  name: string
  logger: Logger
  leader: { tryLead(): Promise<boolean> }
  pass(): Promise<unknown>
}): LeaderJob {
  let running: Promise<void> = Promise.resolve()
  const job = new Cron(opts.cron, { timezone: 'UTC', protect: true }, async () => {
    running = (async () => {
      if (await opts.leader.tryLead()) await opts.pass()
    })().catch((err: unknown) => opts.logger.error({ err: (err as Error).message }, `${opts.name} failed`))
    await running
  })
  return {
    async stop() {
      job.stop()
      await running
    },
  }
}
