// The scheduled ERP drain (`tally start`, `tally scheduler`): every minute, one pass over every
// active connection, run only by the process holding the ERP leader lock (its own advisory
// key, so it leads independently of the rating job). Passes never overlap (croner `protect`);
// stop() waits for the pass in flight, so nothing it uses closes under it.
import { Cron } from 'croner'
import type { Logger } from '../../../platform/logger.ts'
import type { ErpSync } from './erpSync.ts'

export interface ErpScheduler {
  stop(): Promise<void>
}

export function startErpScheduler(
  deps: { sync: ErpSync; logger: Logger; leader: { tryLead(): Promise<boolean> } },
  opts: { cron?: string } = {},
): ErpScheduler {
  let running: Promise<void> = Promise.resolve()
  const job = new Cron(opts.cron ?? '* * * * *', { timezone: 'UTC', protect: true }, async () => {
    running = (async () => {
      if (await deps.leader.tryLead()) await deps.sync.drainAll()
    })().catch((err: unknown) => deps.logger.error({ err: (err as Error).message }, 'erp drain failed'))
    await running
  })
  return {
    async stop() {
      job.stop()
      await running
    },
  }
}
