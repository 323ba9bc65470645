import type { ClickHouseHandle } from './openClickHouse.ts'

/**
 * Inserts rows synchronously: the promise settles only after ClickHouse committed the parts
 * (never an async-insert buffer, DESIGN invariant 1).
 *
 * Block deduplication is off on purpose. Callers that need an insert to count once decide it
 * themselves (metering looks ids up in `events`); a block hash or token ClickHouse remembered
 * from an insert that a crash cut short would make it drop a retry that was never stored.
 * `queryId` names the insert so that a later recovery can wait for it to be gone
 * (`KILL QUERY … SYNC`) before it reads what the insert left behind.
 * NOTE: chDB keeps settings for the whole session, so every insert passes all of them.
 */
export async function insertCommitted(handle: ClickHouseHandle, opts: { table: string; rows: object[]; queryId?: string }): Promise<void> {
  if (opts.rows.length === 0) return
  await handle.client.insert({ table: opts.table, values: opts.rows, format: 'JSONEachRow', ...committed(opts.queryId) })
}

/**
 * `insertCommitted` of rows given as arrays of values, `columns` in order (JSONCompactEachRow):
 * for the drain's large batches. Half the CPU of JSONEachRow for the same 10,000 `events` rows
 * (encoding and ClickHouse's parsing together; metering/README.md "Write path"), since no field
 * name is written per row nor matched by the parser.
 */
export async function insertCommittedCompact(
  handle: ClickHouseHandle,
  opts: { table: string; columns: readonly [string, ...string[]]; rows: unknown[][]; queryId?: string },
): Promise<void> {
  if (opts.rows.length === 0) return
  await handle.client.insert({ table: opts.table, columns: [...opts.columns], values: opts.rows, format: 'JSONCompactEachRow', ...committed(opts.queryId) })
}

function committed(queryId: string | undefined) {
  return {
    ...(queryId === undefined ? {} : { query_id: queryId }),
    clickhouse_settings: { async_insert: 0, wait_end_of_query: 1, insert_deduplicate: 0 },
  } as const
}
