// Connections, jobs and runs as the API answers them (snake_case). A connection's JSON is built
// field by field from the view, which has no credentials: nothing secret can leak here.
import { Dec } from '../../../platform/decimal.ts'
import type { SourceConnection, SourceSync, SyncRun } from '../../../ledger/sourceStore.ts'
import { SOURCE_KIND_INFO } from '../sourceKinds.ts'
import type { TestResult } from '../sourceDriver.ts'
import type { FileFormat } from '../files/filePaths.ts'

export function sourceToJson(c: SourceConnection) {
  const where =
    c.kind === 'files'
      ? {
          path: c.settings['path']!,
          ...(c.settings['format'] === undefined ? {} : { format: c.settings['format'] as FileFormat }),
          // S3: where and as whom (the secret key is in the sealed credentials, not here).
          ...(c.settings['endpoint'] === undefined
            ? {}
            : { endpoint: c.settings['endpoint'], region: c.settings['region']!, access_key_id: c.settings['access_key_id']! }),
        }
      : c.kind === 'clickhouse'
        ? { url: c.settings['url']!, database: c.settings['database']!, user: c.settings['user']! }
        : {
            host: c.settings['host']!,
            port: Number(c.settings['port'] ?? SOURCE_KIND_INFO[c.kind].defaultPort),
            database: c.settings['database']!,
            user: c.settings['user']!,
          }
  return { id: c.id, kind: c.kind, name: c.name, ...where, created_at: c.createdAt }
}

export function testToJson(t: TestResult) {
  return { ok: true as const, server_version: t.serverVersion, read_only_transaction: t.readOnlyTransaction, readable_tables: t.readableTables }
}

export function syncToJson(s: SourceSync) {
  return {
    id: s.id,
    source_id: s.connectionId,
    name: s.name,
    raw_metric: s.rawMetric,
    table: s.spec.table ?? null,
    query: s.spec.query ?? null,
    schedule: s.schedule,
    checkpoint: s.checkpoint,
    created_at: s.createdAt,
  }
}

export function runToJson(r: SyncRun) {
  const ms = Date.parse(r.finishedAt ?? r.updatedAt) - Date.parse(r.startedAt)
  return {
    id: r.id,
    sync_id: r.syncId,
    status: r.status,
    full: r.full,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    checkpoint_from: r.checkpointFrom,
    checkpoint_to: r.checkpointTo,
    rows_read: r.rowsRead,
    rows_accepted: r.rowsAccepted,
    rows_duplicate: r.rowsDuplicate,
    rows_rejected: r.rowsRejected,
    rows_per_second: ms > 0 ? new Dec(r.rowsRead).times(1000).div(ms).toFixed(1) : null,
    lag_ms: r.lagMs,
    rejects: r.rejects,
    error: r.errorCode === null ? null : { code: r.errorCode, message: r.errorMessage ?? '' },
  }
}
