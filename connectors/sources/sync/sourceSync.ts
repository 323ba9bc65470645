// Runs sync jobs for the API, the CLI and the scheduler: one run per job at a time in a process
// (a second request while one runs is 409 `source_sync_running`), and the scheduled pass: every
// job whose cron came due since its last run. The scheduler runs it under its own leader lock,
// so across processes one runs the schedule; a run started by hand elsewhere at the same time
// only re-reads rows (event ids keep them from counting twice).
import { Cron } from 'croner'
import { ConflictError } from '../../../platform/errors.ts'
import type { SyncRun } from '../../../ledger/sourceStore.ts'
import { runSync, type SyncDeps } from './runSync.ts'

export interface SourceSyncService {
  /** 404 `source_sync_not_found`; 409 `source_sync_running`; otherwise the run, succeeded or failed. */
  run(orgId: string, syncId: string, opts: { full: boolean }): Promise<SyncRun>
  /** Every scheduled job that is due at the clock's now, one after another. */
  runDue(): Promise<SyncRun[]>
}

/** Whether a cron expression (UTC) had a tick in (since, now]. */
export function isDue(schedule: string, since: Date, now: Date): boolean {
  const next = new Cron(schedule, { timezone: 'UTC', paused: true }).nextRun(since)
  return next !== null && next.getTime() <= now.getTime()
}

export function createSourceSyncService(deps: SyncDeps): SourceSyncService {
  const running = new Set<string>()
  const service: SourceSyncService = {
    async run(orgId, syncId, opts) {
      await deps.store.syncs.get(orgId, syncId)
      if (running.has(syncId)) throw new ConflictError('source_sync_running', `sync job ${syncId} is running; see its progress with \`tally sources status\``)
      running.add(syncId)
      try {
        return await runSync(deps, { orgId, syncId, full: opts.full })
      } finally {
        running.delete(syncId)
      }
    },

    async runDue() {
      const now = deps.clock.now()
      const runs: SyncRun[] = []
      for (const { sync, lastStartedAt } of await deps.store.syncs.scheduled()) {
        if (running.has(sync.id) || !isDue(sync.schedule!, lastStartedAt ?? new Date(sync.createdAt), now)) continue
        runs.push(await service.run(sync.orgId, sync.id, { full: false }))
      }
      return runs
    },
  }
  return service
}
