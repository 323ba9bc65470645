// Sync jobs and their runs (connectors/sources). The checkpoint moves only in `recordBatch`, the
// call the runner makes after the event sink acknowledged a batch, in one transaction with the
// run's counters: a run killed at any instant leaves a checkpoint no later than what is durable.
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm'
import { ConflictError, NotFoundError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { assertOrgId, isUuid, toIso, toIsoOrNull } from '../ids.ts'
import { insertError } from '../insertError.ts'
import { sourceSyncRuns, sourceSyncs } from '../schema/sources.ts'
import type { SourceSyncSpec, SyncReject, SyncRunStatus } from './sourceTypes.ts'

export interface SourceSync {
  id: string
  orgId: string
  connectionId: string
  name: string
  rawMetric: string
  spec: SourceSyncSpec
  /** A cron expression (UTC) the scheduler runs it on, or null: on demand only. */
  schedule: string | null
  checkpoint: string | null
  rowsBelowWindow: string | null
  createdAt: string
}

export interface SyncRun {
  id: string
  syncId: string
  status: SyncRunStatus
  full: boolean
  startedAt: string
  updatedAt: string
  finishedAt: string | null
  checkpointFrom: string | null
  checkpointTo: string | null
  rowsRead: number
  rowsAccepted: number
  rowsDuplicate: number
  rowsRejected: number
  rejects: SyncReject[]
  lagMs: number | null
  errorCode: string | null
  errorMessage: string | null
}

export interface BatchRecord {
  at: Date
  rowsRead: number
  accepted: number
  duplicate: number
  rejects: SyncReject[]
  /** The cursor text of the batch's last row (the new checkpoint), or null when the job has no cursor. */
  checkpoint: string | null
}

export interface SourceSyncRepository {
  /**
   * 409 `source_sync_exists` (name taken in the organisation). `createdAt` is the caller's clock:
   * a scheduled job's first due tick is counted from it, on the same clock as its runs.
   */
  create(input: Omit<SourceSync, 'id' | 'checkpoint' | 'rowsBelowWindow' | 'createdAt'> & { createdAt: Date }): Promise<SourceSync>
  list(orgId: string, connectionId: string): Promise<SourceSync[]>
  /** 404 `source_sync_not_found`. */
  get(orgId: string, id: string): Promise<SourceSync>
  /** Every job with a schedule, of every organisation, with when its last run started. */
  scheduled(): Promise<Array<{ sync: SourceSync; lastStartedAt: Date | null }>>
  /** Opens a run; runs of the job still `running` (their process died) become `interrupted`. A full run forgets the checkpoint first. */
  startRun(input: { orgId: string; syncId: string; full: boolean; at: Date }): Promise<SyncRun>
  /** After the sink acknowledged a batch: the run's counters and rejects (at most `maxRejects` kept) and the job's checkpoint, at once. */
  recordBatch(runId: string, batch: BatchRecord, maxRejects: number): Promise<void>
  finishRun(
    runId: string,
    end: { status: SyncRunStatus; at: Date; lagMs: number | null; error?: { code: string; message: string }; rowsBelowWindow?: string | null },
  ): Promise<SyncRun>
  /** The job's runs, newest first. */
  runs(orgId: string, syncId: string, limit: number): Promise<SyncRun[]>
}

type SyncRow = typeof sourceSyncs.$inferSelect
type RunRow = typeof sourceSyncRuns.$inferSelect

function toSync(row: SyncRow): SourceSync {
  return {
    id: row.id,
    orgId: row.orgId,
    connectionId: row.connectionId,
    name: row.name,
    rawMetric: row.rawMetric,
    spec: row.spec,
    schedule: row.schedule,
    checkpoint: row.checkpoint,
    rowsBelowWindow: row.rowsBelowWindow,
    createdAt: toIso(row.createdAt),
  }
}

function toRun(row: RunRow): SyncRun {
  return {
    id: row.id,
    syncId: row.syncId,
    status: row.status,
    full: row.full,
    startedAt: toIso(row.startedAt),
    updatedAt: toIso(row.updatedAt),
    finishedAt: toIsoOrNull(row.finishedAt),
    checkpointFrom: row.checkpointFrom,
    checkpointTo: row.checkpointTo,
    rowsRead: row.rowsRead,
    rowsAccepted: row.rowsAccepted,
    rowsDuplicate: row.rowsDuplicate,
    rowsRejected: row.rowsRejected,
    rejects: row.rejects,
    lagMs: row.lagMs,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
  }
}

const notFound = (id: string) => new NotFoundError('source_sync_not_found', `no sync job ${id} in this organisation; list them with \`tally sources status\``)

export function createSourceSyncRepository(db: Database): SourceSyncRepository {
  const repo: SourceSyncRepository = {
    async create(input) {
      assertOrgId(input.orgId)
      try {
        const [row] = await db.insert(sourceSyncs).values(input).returning()
        return toSync(row!)
      } catch (err) {
        throw insertError(err, input.orgId, () => new ConflictError('source_sync_exists', `a sync job named "${input.name}" exists; pick another name`))
      }
    },

    async list(orgId, connectionId) {
      assertOrgId(orgId)
      const rows = await db
        .select()
        .from(sourceSyncs)
        .where(and(eq(sourceSyncs.orgId, orgId), eq(sourceSyncs.connectionId, connectionId)))
        .orderBy(sourceSyncs.createdAt, sourceSyncs.id)
      return rows.map(toSync)
    },

    async get(orgId, id) {
      assertOrgId(orgId)
      if (!isUuid(id)) throw notFound(id)
      const [row] = await db
        .select()
        .from(sourceSyncs)
        .where(and(eq(sourceSyncs.orgId, orgId), eq(sourceSyncs.id, id)))
      if (row === undefined) throw notFound(id)
      return toSync(row)
    },

    async scheduled() {
      const last = db
        .select({ syncId: sourceSyncRuns.syncId, lastStartedAt: sql<Date>`max(${sourceSyncRuns.startedAt})`.as('last_started_at') })
        .from(sourceSyncRuns)
        .groupBy(sourceSyncRuns.syncId)
        .as('last')
      const rows = await db.select().from(sourceSyncs).leftJoin(last, eq(last.syncId, sourceSyncs.id)).where(isNotNull(sourceSyncs.schedule))
      return rows.map((r) => ({ sync: toSync(r.source_syncs), lastStartedAt: r.last?.lastStartedAt == null ? null : new Date(r.last.lastStartedAt) }))
    },

    async startRun(input) {
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        await tx
          .update(sourceSyncRuns)
          .set({
            status: 'interrupted',
            finishedAt: input.at,
            errorCode: 'sync_interrupted',
            errorMessage: 'the process running it stopped; a later run went on from its checkpoint',
          })
          .where(and(eq(sourceSyncRuns.syncId, input.syncId), eq(sourceSyncRuns.status, 'running')))
        if (input.full) await tx.update(sourceSyncs).set({ checkpoint: null, rowsBelowWindow: null }).where(eq(sourceSyncs.id, input.syncId))
        const [sync] = await tx.select({ checkpoint: sourceSyncs.checkpoint }).from(sourceSyncs).where(eq(sourceSyncs.id, input.syncId))
        const [row] = await tx
          .insert(sourceSyncRuns)
          .values({
            orgId: input.orgId,
            syncId: input.syncId,
            full: input.full,
            startedAt: input.at,
            updatedAt: input.at,
            checkpointFrom: sync?.checkpoint ?? null,
          })
          .returning()
        return toRun(row!)
      })
    },

    async recordBatch(runId, batch, maxRejects) {
      await db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const [run] = await tx
          .select({ syncId: sourceSyncRuns.syncId, rejected: sourceSyncRuns.rowsRejected })
          .from(sourceSyncRuns)
          .where(eq(sourceSyncRuns.id, runId))
          .for('update')
        const kept = batch.rejects.slice(0, Math.max(0, maxRejects - run!.rejected))
        await tx
          .update(sourceSyncRuns)
          .set({
            updatedAt: batch.at,
            rowsRead: sql`${sourceSyncRuns.rowsRead} + ${batch.rowsRead}`,
            rowsAccepted: sql`${sourceSyncRuns.rowsAccepted} + ${batch.accepted}`,
            rowsDuplicate: sql`${sourceSyncRuns.rowsDuplicate} + ${batch.duplicate}`,
            rowsRejected: sql`${sourceSyncRuns.rowsRejected} + ${batch.rejects.length}`,
            rejects: sql`${sourceSyncRuns.rejects} || ${JSON.stringify(kept)}::jsonb`,
            ...(batch.checkpoint === null ? {} : { checkpointTo: batch.checkpoint }),
          })
          .where(eq(sourceSyncRuns.id, runId))
        if (batch.checkpoint !== null) await tx.update(sourceSyncs).set({ checkpoint: batch.checkpoint }).where(eq(sourceSyncs.id, run!.syncId))
      })
    },

    async finishRun(runId, end) {
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const [row] = await tx
          .update(sourceSyncRuns)
          .set({
            status: end.status,
            finishedAt: end.at,
            updatedAt: end.at,
            lagMs: end.lagMs,
            errorCode: end.error?.code ?? null,
            errorMessage: end.error?.message ?? null,
          })
          .where(eq(sourceSyncRuns.id, runId))
          .returning()
        if (end.rowsBelowWindow !== undefined) await tx.update(sourceSyncs).set({ rowsBelowWindow: end.rowsBelowWindow }).where(eq(sourceSyncs.id, row!.syncId))
        return toRun(row!)
      })
    },

    async runs(orgId, syncId, limit) {
      await repo.get(orgId, syncId)
      const rows = await db.select().from(sourceSyncRuns).where(eq(sourceSyncRuns.syncId, syncId)).orderBy(desc(sourceSyncRuns.startedAt)).limit(limit)
      return rows.map(toRun)
    },
  }
  return repo
}
