import type { EventRow } from '../../metering/eventRow.ts'

export interface SinkResult {
  /** Event ids of the written rows that were already stored (known only to sinks that can tell). */
  duplicates: ReadonlySet<string>
}

/**
 * Where accepted events go. `write` resolves only once the events are durable (DESIGN
 * invariant 1): committed to ClickHouse, or acknowledged by Kafka with acks=all. A sink that
 * cannot make them durable rejects, and the gateway answers 503; it never buffers and acks.
 */
export interface EventSink {
  write(rows: EventRow[]): Promise<SinkResult>
  close(): Promise<void>
}
