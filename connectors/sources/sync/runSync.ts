// One run of a sync job: read the rows at or above (checkpoint − lateness) in cursor order, map
// each to an event envelope, validate them as the gateway does (buildEvents), write the valid ones
// to the event sink, and only after the sink acknowledged a batch advance the checkpoint to the
// batch's last cursor value (recordBatch: counters and checkpoint in one transaction).
//
// Killed at any instant, a run leaves a checkpoint no later than what the sink holds; the next
// run re-reads from there, and the deterministic event ids make the re-read rows duplicates,
// never second counts. Before reading, the run counts the rows below its window: more than the
// last run left there means rows arrived behind the cursor (it is not monotonic), and the run
// fails `cursor_not_monotonic` instead of silently missing them.
import { buildEvents } from '../../../ingest/envelope/buildEvents.ts'
import type { IngestCatalog } from '../../../ingest/catalog.ts'
import type { EventSink } from '../../../ingest/sink/eventSink.ts'
import { Dec } from '../../../platform/decimal.ts'
import { TallyError } from '../../../platform/errors.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Logger } from '../../../platform/logger.ts'
import type { SourceConnection, SourceStore, SourceSync, SourceSyncSpec, SyncReject, SyncRun } from '../../../ledger/sourceStore.ts'
import type { SourceDriver, SourceFrom } from '../sourceDriver.ts'
import { checkSpec } from './checkSpec.ts'
import { lagMs, windowStart } from './cursorWindow.ts'
import { columnPlan, mapRow } from './rowMapping.ts'

export interface SyncDeps {
  store: SourceStore
  sink: EventSink
  catalog: IngestCatalog
  clock: Clock
  logger: Logger
  openDriver(connection: SourceConnection): Promise<SourceDriver>
  acceptUnknownCustomers: boolean
  /** Rows read, validated and written at once (and so held in memory); default 5,000. */
  batchRows?: number
}

/** Rejects kept per run (the count is exact; the list stops here). */
export const MAX_REJECTS = 1_000

export function sourceFrom(spec: SourceSyncSpec): SourceFrom {
  return spec.table !== undefined ? { table: spec.table } : { query: spec.query! }
}

class RunFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Runs the job once; the run is recorded whatever happens (a failed run carries its code and message). */
export async function runSync(deps: SyncDeps, input: { orgId: string; syncId: string; full: boolean }): Promise<SyncRun> {
  const sync = await deps.store.syncs.get(input.orgId, input.syncId)
  const connection = await deps.store.connections.get(input.orgId, sync.connectionId)
  const run = await deps.store.syncs.startRun({ ...input, at: deps.clock.now() })
  const fresh = input.full ? { ...sync, checkpoint: null, rowsBelowWindow: null } : sync
  let driver: SourceDriver | null = null
  try {
    driver = await deps.openDriver(connection)
    const checkpoint = await readAll(deps, { sync: fresh, runId: run.id, driver })
    const cursor = sync.spec.cursor
    const below =
      cursor !== undefined && checkpoint !== null ? await driver.countBelow(sourceFrom(sync.spec), { ...cursor, bound: windowStart(checkpoint, cursor) }) : null
    return await deps.store.syncs.finishRun(run.id, {
      status: 'succeeded',
      at: deps.clock.now(),
      lagMs: lagMs(checkpoint, cursor, deps.clock.now()),
      rowsBelowWindow: below,
    })
  } catch (err) {
    const code = err instanceof RunFailure || err instanceof TallyError ? err.code : 'sync_failed'
    const message = err instanceof Error ? err.message : String(err)
    deps.logger.warn({ sync: sync.id, run: run.id, code, err: message }, 'source sync failed')
    const latest = await deps.store.syncs.get(input.orgId, input.syncId)
    return deps.store.syncs.finishRun(run.id, {
      status: 'failed',
      at: deps.clock.now(),
      lagMs: lagMs(latest.checkpoint, sync.spec.cursor, deps.clock.now()),
      error: { code, message },
    })
  } finally {
    await driver?.close()
  }
}

/** Reads, writes and checkpoints every batch; answers the last checkpoint. */
async function readAll(deps: SyncDeps, ctx: { sync: SourceSync; runId: string; driver: SourceDriver }): Promise<string | null> {
  const { sync, driver } = ctx
  const from = sourceFrom(sync.spec)
  const cursorType = checkSpec(sync.spec, await driver.columns(from))
  const cursor = sync.spec.cursor === undefined ? undefined : { ...sync.spec.cursor, type: cursorType! }
  const start = cursor !== undefined && sync.checkpoint !== null ? windowStart(sync.checkpoint, cursor) : null
  if (cursor !== undefined && start !== null && sync.rowsBelowWindow !== null) {
    const below = await driver.countBelow(from, { ...cursor, bound: start })
    if (new Dec(below).gt(sync.rowsBelowWindow)) {
      throw new RunFailure(
        'cursor_not_monotonic',
        `${new Dec(below).minus(sync.rowsBelowWindow).toFixed()} row(s) appeared with ${cursor.column} below ${start} (checkpoint ${sync.checkpoint} − lateness ${cursor.lateness}) after it was passed: the cursor does not grow with every insert or change, so these rows would be missed. Widen the lateness or pick a cursor that always grows, then run a full resync (\`tally sources sync --full\`)`,
      )
    }
  }
  const plan = columnPlan(sync.spec)
  const cursorAt = cursor === undefined ? -1 : plan.at(cursor.column)
  let checkpoint = sync.checkpoint
  const batches = driver.read({
    from,
    columns: plan.columns,
    ...(cursor === undefined ? {} : { cursor: { column: cursor.column, type: cursor.type, from: start } }),
    batchRows: deps.batchRows ?? 5_000,
  })
  for await (const rows of batches) {
    const written = await writeBatch(deps, { sync, plan, rows })
    const last = cursorAt < 0 ? null : (rows.at(-1)![cursorAt] ?? null)
    await deps.store.syncs.recordBatch(ctx.runId, { at: deps.clock.now(), rowsRead: rows.length, ...written, checkpoint: last }, MAX_REJECTS)
    checkpoint = last ?? checkpoint
  }
  return checkpoint
}

/** Maps and validates a batch, writes the valid rows; resolves once the sink acknowledged them. */
async function writeBatch(
  deps: SyncDeps,
  ctx: { sync: SourceSync; plan: ReturnType<typeof columnPlan>; rows: Array<Array<string | null>> },
): Promise<{ accepted: number; duplicate: number; rejects: SyncReject[] }> {
  const rejects: SyncReject[] = []
  const items: unknown[] = []
  const keys: string[] = []
  for (const row of ctx.rows) {
    const mapped = mapRow(row, { spec: ctx.sync.spec, plan: ctx.plan, orgId: ctx.sync.orgId, rawMetric: ctx.sync.rawMetric })
    if (!mapped.ok) {
      rejects.push(mapped.reject)
      continue
    }
    items.push(mapped.item)
    keys.push(mapped.key)
  }
  const built = await buildEvents({
    orgId: ctx.sync.orgId,
    items,
    source: 'sync',
    catalog: deps.catalog,
    acceptUnknownCustomers: deps.acceptUnknownCustomers,
    now: deps.clock.now().getTime(),
  })
  for (const e of built.errors) rejects.push({ key: keys[e.index]!, code: e.code, ...(e.field ? { field: e.field } : {}), message: e.message })
  if (built.rows.length === 0) return { accepted: 0, duplicate: 0, rejects }
  const result = await deps.sink.write(built.rows)
  return { accepted: built.rows.length - result.duplicates.size, duplicate: result.duplicates.size, rejects }
}
