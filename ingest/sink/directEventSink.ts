import type { EventWriter } from '../../metering/eventWriter.ts'
import type { EventSink } from './eventSink.ts'

/**
 * Embedded mode: events go straight to ClickHouse through the metering writer, which
 * resolves only after the insert is committed and reports the events it already had.
 */
export function directEventSink(writer: EventWriter): EventSink {
  return {
    dedup: 'checked',
    async write(rows) {
      const result = await writer.write(rows)
      return { duplicates: result.duplicateIds }
    },
    close: () => writer.close(),
  }
}
