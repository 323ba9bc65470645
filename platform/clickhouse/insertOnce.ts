import type { ClickHouseHandle } from './openClickHouse.ts'

/**
 * Inserts rows synchronously and idempotently: the promise settles only after ClickHouse
 * committed the parts (never an async-insert buffer, DESIGN invariant 1), and a retry with
 * the same `token` is dropped by ClickHouse, in the table and in every materialized view it
 * feeds. NOTE: chDB keeps settings for the whole session, so every insert passes all of them.
 */
export async function insertOnce(handle: ClickHouseHandle, opts: { table: string; rows: object[]; token: string }): Promise<void> {
  if (opts.rows.length === 0) return
  await handle.client.insert({
    table: opts.table,
    values: opts.rows,
    format: 'JSONEachRow',
    clickhouse_settings: {
      async_insert: 0,
      wait_end_of_query: 1,
      insert_deduplicate: 1,
      insert_deduplication_token: opts.token,
      // NOTE: without this, ClickHouse drops a retried block from the table but still pushes
      // it through the materialized views, double counting rollups and dedup keys. The view
      // targets carry non_replicated_deduplication_window for the same reason.
      deduplicate_blocks_in_dependent_materialized_views: 1,
    },
  })
}
