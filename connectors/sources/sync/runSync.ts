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
import { buildEvents, type BuiltEvents } from '../../../ingest/envelope/buildEvents.ts'
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
import { columnPlan, rowMapper, type RowMapper } from './rowMapping.ts'

export interface SyncDeps {
  store: SourceStore
  sink: EventSink
  catalog: IngestCatalog
  clock: Clock
  logger: Logger
  openDriver(connection: SourceConnection): Promise<SourceDriver>
  acceptUnknownCustomers: boolean
  /** Rows read, validated and written at once (memory holds at most three batches); default DEFAULT_BATCH_ROWS. */
  batchRows?: number
}

// 20,000: the sink's per-write work (lookup chunks, intent, one insert with its views) costs ~25%
// less CPU per row than at 5,000 (docs/benchmarks.md, "Source sync"); 50,000 saves no more and
// holds 2.5 times the rows.
export const DEFAULT_BATCH_ROWS = 20_000

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
  const mapper = rowMapper({ spec: sync.spec, plan, orgId: sync.orgId, rawMetric: sync.rawMetric })
  const cursorAt = cursor === undefined ? -1 : plan.at(cursor.column)
  let checkpoint = sync.checkpoint
  const batches = driver.read({
    from,
    columns: plan.columns,
    ...(cursor === undefined ? {} : { cursor: { column: cursor.column, type: cursor.type, from: start } }),
    batchRows: deps.batchRows ?? DEFAULT_BATCH_ROWS,
  })
  // The pipeline: while the sink writes batch n, batch n + 1 is mapped and validated and batch
  // n + 2 is read. One write is in flight at a time, and its batch is checkpointed (after the
  // ack, in order) before the next write starts: memory holds at most three batches.
  let inFlight: InFlight | null = null
  const settle = async (batch: InFlight) => {
    const written = await batch.written
    await deps.store.syncs.recordBatch(ctx.runId, { at: deps.clock.now(), rowsRead: batch.rowsRead, ...written, checkpoint: batch.last }, MAX_REJECTS)
    checkpoint = batch.last ?? checkpoint
  }
  try {
    for await (const rows of readAhead(batches)) {
      const mapped = await mapBatch(deps, { sync, mapper, rows })
      if (inFlight !== null) await settle(inFlight)
      inFlight = { rowsRead: rows.length, last: cursorAt < 0 ? null : (rows.at(-1)![cursorAt] ?? null), written: writeMapped(deps, mapped) }
      inFlight.written.catch(() => undefined)
    }
    if (inFlight !== null) await settle(inFlight)
    inFlight = null
  } finally {
    // A failed read or mapping waits for the write in flight, so the run ends with nothing of it still writing.
    await inFlight?.written.catch(() => undefined)
  }
  return checkpoint
}

type Written = { accepted: number; duplicate: number; rejects: SyncReject[] }

/** A batch handed to the sink: its ack, and what its checkpoint records once acked. */
interface InFlight {
  rowsRead: number
  last: string | null
  written: Promise<Written>
}

/** The batches, the next one read while the caller works on this one (one batch ahead). */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]()
  let next = it.next()
  try {
    for (;;) {
      const r = await next
      if (r.done === true) return
      next = it.next()
      // Seen when awaited; until then a failing read must not be an unhandled rejection.
      next.catch(() => undefined)
      yield r.value
    }
  } finally {
    await it.return?.()
  }
}

interface MappedBatch {
  rows: BuiltEvents['rows']
  rejects: SyncReject[]
}

/** Maps and validates a batch as the gateway does: the rows to write, and the rejects by the source row's key. */
async function mapBatch(deps: SyncDeps, ctx: { sync: SourceSync; mapper: RowMapper; rows: Array<Array<string | null>> }): Promise<MappedBatch> {
  const rejects: SyncReject[] = []
  const items: unknown[] = []
  /** The source row of each item (its key is built only if buildEvents rejects it). */
  const from: number[] = []
  for (let i = 0; i < ctx.rows.length; i++) {
    const mapped = ctx.mapper.map(ctx.rows[i]!)
    if (!mapped.ok) {
      rejects.push(mapped.reject)
      continue
    }
    items.push(mapped.item)
    from.push(i)
  }
  const built = await buildEvents({
    orgId: ctx.sync.orgId,
    items,
    source: 'sync',
    catalog: deps.catalog,
    acceptUnknownCustomers: deps.acceptUnknownCustomers,
    now: deps.clock.now().getTime(),
  })
  for (const e of built.errors)
    rejects.push({ key: ctx.mapper.keyOf(ctx.rows[from[e.index]!]!), code: e.code, ...(e.field ? { field: e.field } : {}), message: e.message })
  return { rows: built.rows, rejects }
}

/** Writes a mapped batch; resolves once the sink acknowledged it. */
async function writeMapped(deps: SyncDeps, batch: MappedBatch): Promise<Written> {
  if (batch.rows.length === 0) return { accepted: 0, duplicate: 0, rejects: batch.rejects }
  // The exact answer when the sink has one (the event log's waits for its drain): the counters
  // must not call a re-read row accepted.
  const result = deps.sink.writeCounted ? await deps.sink.writeCounted(batch.rows) : await deps.sink.write(batch.rows)
  return { accepted: batch.rows.length - result.duplicates.size, duplicate: result.duplicates.size, rejects: batch.rejects }
}
