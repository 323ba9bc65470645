// Read-your-writes in embedded mode with the event log: an acknowledged event is on disk in the
// log, and reaches ClickHouse with the drain's next insert (≤ TALLY_EVENT_LOG_FLUSH_MS later).
// A reader built on the handle this returns first waits until every event acknowledged before
// its query is inserted (`settled`, which also skips the drain's wait), so a usage read, a
// preview or a rating run right after an ingest sees that ingest, as with the direct sink.
// Only `client.query` waits: statements that write (commands, inserts) are not reads.
import type { ClickHouseClient } from '@clickhouse/client'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'

export function withReadBarrier(handle: ClickHouseHandle, settled: () => Promise<void>): ClickHouseHandle {
  const query: ClickHouseClient['query'] = async (params: Parameters<ClickHouseClient['query']>[0]) => {
    await settled()
    return handle.client.query(params)
  }
  const client = new Proxy(handle.client, {
    get(target, prop) {
      if (prop === 'query') return query
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
  return { ...handle, client, templateWork: (orgId, fn) => handle.templateWork(orgId, fn), ping: () => handle.ping(), close: () => handle.close() }
}
