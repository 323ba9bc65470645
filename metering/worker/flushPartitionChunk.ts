// One flush of the metering worker: a contiguous run of records of one partition becomes
// one batch of the partition's drain slot plus the dead letters among them. The caller
// commits the offsets only after this resolves (see meteringWorker.ts for the whole order).
import type { KafkaMessage } from 'kafkajs'
import type { DrainSlot } from '../drainSlot.ts'
import { firstOfEachEvent, toClickHouseTime, type EventRow } from '../eventRow.ts'
import { decodeEventRecord, FORMAT_HEADER, ORG_HEADER, type DecodedEvent } from '../eventMessage.ts'
import { encodePayload, type DeadLetterRow } from './deadLetters.ts'

export interface ChunkPlan {
  /** Rows to look up and insert, in offset order, already unique within the chunk. */
  rows: EventRow[]
  /** Rows dropped because an earlier row of the same chunk had the same event id. */
  repeatedInChunk: number
  deadLetters: DeadLetterRow[]
  /**
   * What goes to the dead-letter topic for each of `deadLetters`, same order: the record's key,
   * the bytes kept (the whole record, or the dead row's line), and that line's number in a packed record.
   */
  deadLetterMessages: { key: Buffer | null; value: Buffer | null; sourceLine: number | null }[]
  firstOffset: string
  lastOffset: string
}

/**
 * A contiguous run of records of one partition cut into chunks of at most `flushRows` events
 * each (rows and dead letters; a record holding more goes alone, records are never split, as
 * offsets are per record), each with one outcome per event, gathered in one place.
 */
export function planChunks(input: {
  topic: string
  partition: number
  messages: KafkaMessage[]
  flushRows: number
  maxMessageBytes: number
  now: Date
}): ChunkPlan[] {
  const plans: ChunkPlan[] = []
  let chunk: { message: KafkaMessage; events: DecodedEvent[] }[] = []
  let events = 0
  for (const message of input.messages) {
    const decoded = decodeEventRecord({
      value: message.value,
      orgHeader: headerText(message.headers?.[ORG_HEADER]),
      formatHeader: headerText(message.headers?.[FORMAT_HEADER]),
      maxBytes: input.maxMessageBytes,
    })
    if (chunk.length > 0 && events + decoded.length > input.flushRows) {
      plans.push(planChunk(input, chunk))
      chunk = []
      events = 0
    }
    chunk.push({ message, events: decoded })
    events += decoded.length
  }
  if (chunk.length > 0) plans.push(planChunk(input, chunk))
  return plans
}

function planChunk(input: { topic: string; partition: number; now: Date }, chunk: { message: KafkaMessage; events: DecodedEvent[] }[]): ChunkPlan {
  const decodedRows: EventRow[] = []
  const deadLetters: DeadLetterRow[] = []
  const deadLetterMessages: ChunkPlan['deadLetterMessages'] = []
  for (const { message, events } of chunk) {
    for (const decoded of events) {
      if (decoded.ok) {
        decodedRows.push(decoded.row)
        continue
      }
      deadLetters.push({
        org_id: decoded.orgId,
        source_topic: input.topic,
        source_partition: input.partition,
        source_offset: message.offset,
        source_line: decoded.line ?? 0,
        message_key: message.key === null ? '' : encodePayload(message.key).payload,
        ...encodePayload(decoded.payload),
        error_code: decoded.code,
        error_message: decoded.message,
        failed_at: toClickHouseTime(input.now),
      })
      deadLetterMessages.push({ key: message.key, value: decoded.payload, sourceLine: decoded.line })
    }
  }
  const rows = firstOfEachEvent(decodedRows).map((i) => decodedRows[i]!)
  return {
    rows,
    repeatedInChunk: decodedRows.length - rows.length,
    deadLetters,
    deadLetterMessages,
    firstOffset: chunk[0]!.message.offset,
    lastOffset: chunk.at(-1)!.message.offset,
  }
}

export interface InsertOutcome {
  inserted: number
  /** Ids already in `events` (an earlier batch, a producer retry at a new offset, a replay). */
  alreadyStored: number
}

/**
 * Step 1 of the flush: the chunk's rows through the partition's drain slot. Called even when
 * the chunk holds no rows (all dead letters or repeats), so a slot left in doubt by a crash is
 * recovered before any offset after it is committed.
 */
export async function insertChunkEvents(slot: DrainSlot, plan: ChunkPlan): Promise<InsertOutcome> {
  const { inserted } = await slot.insert(plan.rows)
  return { inserted, alreadyStored: plan.rows.length - inserted }
}

function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  if (value === undefined) return undefined
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined ? undefined : first.toString()
}
