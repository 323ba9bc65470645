// Embedded mode's way into ClickHouse, by TALLY_EVENT_LOG: `local` (the default: the durable event
// log in the data directory, drained through slot 0 in this process; each 2xx waits for the log's
// fsync) or `direct` (the writer: each 2xx waits for its insert).
import { join } from 'node:path'
import { directEventSink } from '../ingest/sink/directEventSink.ts'
import type { EventSink } from '../ingest/sink/eventSink.ts'
import { localLogEventSink } from '../ingest/sink/localLogEventSink.ts'
import { createEventWriter } from '../metering/eventWriter.ts'
import { openLocalEventLog } from '../metering/localLog/localEventLog.ts'
import { startLocalLogDrain } from '../metering/localLog/localLogDrain.ts'
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import type { Config } from '../platform/config/schema.ts'
import type { Logger } from '../platform/logger.ts'
import type { Closers } from './closers.ts'

export interface EmbeddedSink {
  sink: EventSink
  /** Resolves once every event acknowledged before the call is in ClickHouse (at once for `direct`). */
  settled(): Promise<void>
}

/** The event log's directory inside the data directory. */
export function eventLogPath(dataDir: string): string {
  return join(dataDir, 'eventlog')
}

/** Builds the sink and, for the log, its drain; registers their closers (sink, drain, log close in that order). */
export async function openEmbeddedSink(config: Config, logger: Logger, clickhouse: ClickHouseHandle, closers: Closers): Promise<EmbeddedSink> {
  const dedupWindowMs = config.meteringDedupWindowDays * 86_400_000
  if (config.eventLog === 'direct') {
    const writer = createEventWriter(clickhouse, {
      maxBatchRows: config.writerMaxBatchRows,
      maxWaitMs: config.writerMaxWaitMs,
      dedupWindowDays: config.meteringDedupWindowDays,
    })
    const sink = directEventSink(writer)
    closers.push('event sink', () => sink.close())
    await writer.ready()
    return { sink, settled: () => Promise.resolve() }
  }
  const log = openLocalEventLog({
    path: eventLogPath(config.dataDir),
    maxBytes: config.eventLogMaxBytes,
    recent: { keepIds: config.eventLogRecentIds, keepMs: config.eventLogRecentHours * 3_600_000, dedupWindowMs },
  })
  closers.push('event log', () => log.close())
  const drain = startLocalLogDrain({
    log,
    handle: clickhouse,
    logger,
    dedupWindowMs,
    flushRows: config.eventLogFlushRows,
    flushMs: config.eventLogFlushMs,
  })
  closers.push('event log drain', () => drain.close())
  await drain.ready()
  const sink = localLogEventSink(log, drain, { countWaitMs: config.eventLogReadWaitMs })
  closers.push('event sink', () => sink.close())
  return { sink, settled: () => drain.settled() }
}
