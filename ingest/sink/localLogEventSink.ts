import { checkEventRows } from '../../metering/eventRow.ts'
import type { LocalEventLog } from '../../metering/localLog/localEventLog.ts'
import type { EventSink, SinkResult } from './eventSink.ts'

const NO_DUPLICATES: ReadonlySet<string> = new Set()

/**
 * Embedded mode with the event log (`TALLY_EVENT_LOG=local`): a write resolves once its rows
 * are committed to the log on disk (fsync); the drain inserts them into ClickHouse later.
 * Like the Kafka sink it only queues, so duplicates are dropped by the drain, not reported.
 */
export function localLogEventSink(log: LocalEventLog): EventSink {
  return {
    dedup: 'deferred',
    async write(rows): Promise<SinkResult> {
      checkEventRows(rows)
      await log.append(rows)
      return { duplicates: NO_DUPLICATES }
    },
    // The log belongs to the composition root, which closes it after the drain.
    close: () => Promise.resolve(),
  }
}
