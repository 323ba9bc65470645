import { checkEventRows } from '../../metering/eventRow.ts'
import type { LocalEventLog } from '../../metering/localLog/localEventLog.ts'
import type { LocalLogDrain } from '../../metering/localLog/localLogDrain.ts'
import type { EventSink, SinkResult } from './eventSink.ts'

/**
 * Embedded mode with the event log (`TALLY_EVENT_LOG=local`): a write resolves once its rows
 * are committed to the log on disk (fsync); the drain inserts them into ClickHouse later.
 *
 * `write` (the gateway): an id the log has seen (waiting in it, or drained within its recent
 * window, metering/localLog/recentIds.ts) is answered duplicate and not appended; any other is
 * appended and answered accepted, and the drain's lookup drops it if `events` holds an older copy
 * (`dedup: "deferred"`: `duplicate` is certain, `accepted` may be a resend of an old event).
 *
 * `writeCounted` (source syncs, whose run counters must be exact): the same append, then it waits
 * for the drain's insert of the entry and answers each row as the drain found it, exactly as the
 * direct sink does; at most `countWaitMs`, then 503 `event_log_behind` (the rows stay in the log).
 */
export function localLogEventSink(log: LocalEventLog, drain: LocalLogDrain, opts: { countWaitMs: number }): EventSink {
  return {
    dedup: 'deferred',
    async write(rows): Promise<SinkResult> {
      checkEventRows(rows)
      const { duplicateAt } = await log.append(rows)
      return { duplicates: idsAt(rows, duplicateAt) }
    },
    async writeCounted(rows): Promise<SinkResult> {
      checkEventRows(rows)
      let duplicateAt: boolean[] = []
      const appended = (
        await drain.outcomeOf(async (expect) => {
          const result = await log.append(rows, expect)
          duplicateAt = result.duplicateAt
          return result.seq
        }, opts.countWaitMs)
      )?.values()
      // The appended rows are the ones not seen, in order; the drain's flags follow them.
      return {
        duplicates: idsAt(
          rows,
          duplicateAt.map((seen) => seen || appended?.next().value !== true),
        ),
      }
    },
    // The log belongs to the composition root, which closes it after the drain.
    close: () => Promise.resolve(),
  }
}

function idsAt(rows: Array<{ event_id: string }>, flags: boolean[]): ReadonlySet<string> {
  const ids = new Set<string>()
  flags.forEach((flag, i) => {
    if (flag) ids.add(rows[i]!.event_id)
  })
  return ids
}
