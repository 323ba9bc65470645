// Read-your-writes in embedded mode with the event log: an acknowledged event is on disk in the
// log, and reaches ClickHouse with the drain's next insert (≤ TALLY_EVENT_LOG_FLUSH_MS later).
// A reader built on the handle this returns first waits until every event acknowledged before
// its query is inserted (`settled`, which also skips the drain's wait), so a usage read, a
// preview or a rating run right after an ingest sees that ingest, as with the direct sink.
// Only `client.query` waits: statements that write (commands, inserts) are not reads.
//
// The wait is bounded (`waitMs`, TALLY_EVENT_LOG_READ_WAIT_MS): a drain that cannot insert
// (ClickHouse down, an insert failing every time) answers reads with 503 `event_log_behind`
// rather than hanging them or answering without events already acknowledged, which a rating
// run would bill as missing usage.
import type { ClickHouseClient } from '@clickhouse/client'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { UnavailableError } from '../platform/errors.ts'

export function withReadBarrier(handle: ClickHouseHandle, settled: () => Promise<void>, waitMs: number): ClickHouseHandle {
  const query: ClickHouseClient['query'] = async (params: Parameters<ClickHouseClient['query']>[0]) => {
    await settledWithin(settled, waitMs)
    return handle.client.query(params)
  }
  const client = new Proxy(handle.client, {
    get(target, prop) {
      if (prop === 'query') return query
      const value: unknown = Reflect.get(target, prop, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
  // The handle's own functions close over the unwrapped client, which is what they should use.
  return { ...handle, client }
}

async function settledWithin(settled: () => Promise<void>, waitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), waitMs)
  })
  try {
    if ((await Promise.race([settled(), late])) === 'late')
      throw new UnavailableError(
        'event_log_behind',
        `The event log's drain has not stored the events acknowledged before this read within ${waitMs} ms, so the answer could miss them. ` +
          'The drain retries by itself: check that ClickHouse is reachable (the event-log-drain lines of the log say why inserts fail), then retry.',
        5,
      )
  } finally {
    clearTimeout(timer)
  }
}
