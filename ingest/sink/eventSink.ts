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
  /**
   * What `SinkResult.duplicates` can know. `checked`: the rows were compared with the stored
   * events, so an id missing from `duplicates` was stored now. `deferred`: the sink only queued
   * them durably (Kafka) and cannot tell without a lookup; the drain drops the ones already
   * stored, so each still counts once. The API reports it to producers as `dedup`.
   */
  readonly dedup: 'checked' | 'deferred'
  write(rows: EventRow[]): Promise<SinkResult>
  /**
   * For callers that count what they wrote (source syncs): like `write`, but `duplicates` is
   * exact for every row, as a `checked` sink's (the event log waits for its drain's insert).
   * Absent when `write` already is (`checked`) or cannot be (Kafka).
   */
  writeCounted?(rows: EventRow[]): Promise<SinkResult>
  close(): Promise<void>
}
