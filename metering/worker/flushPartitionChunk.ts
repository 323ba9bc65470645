// One flush of the metering worker: a contiguous run of messages of one partition becomes
// one batch of the partition's drain slot plus the dead letters among them. The caller
// commits the offsets only after this resolves (see meteringWorker.ts for the whole order).
import type { KafkaMessage } from 'kafkajs'
import type { DrainSlot } from '../drainSlot.ts'
import { firstOfEachEvent, toClickHouseTime, type EventRow } from '../eventRow.ts'
import { decodeEventMessage, ORG_HEADER } from '../eventMessage.ts'
import { encodePayload, type DeadLetterRow } from './deadLetters.ts'

export interface ChunkPlan {
  /** Rows to look up and insert, in offset order, already unique within the chunk. */
  rows: EventRow[]
  /** Rows dropped because an earlier message of the same chunk had the same key. */
  repeatedInChunk: number
  deadLetters: DeadLetterRow[]
  /** The original messages of `deadLetters`, same order, copied to the dead-letter topic as they are. */
  deadLetterMessages: KafkaMessage[]
  firstOffset: string
  lastOffset: string
}

/** Per-message outcome of decoding, gathered in one place: a row to store, or a dead letter. */
export function planChunk(input: { topic: string; partition: number; messages: KafkaMessage[]; maxMessageBytes: number; now: Date }): ChunkPlan {
  const decodedRows: EventRow[] = []
  const deadLetters: DeadLetterRow[] = []
  const deadLetterMessages: KafkaMessage[] = []
  for (const message of input.messages) {
    const orgHeader = headerText(message.headers?.[ORG_HEADER])
    const decoded = decodeEventMessage({ value: message.value, orgHeader, maxBytes: input.maxMessageBytes })
    if (!decoded.ok) {
      deadLetters.push({
        org_id: decoded.orgId,
        source_topic: input.topic,
        source_partition: input.partition,
        source_offset: message.offset,
        message_key: message.key === null ? '' : encodePayload(message.key).payload,
        ...encodePayload(message.value),
        error_code: decoded.code,
        error_message: decoded.message,
        failed_at: toClickHouseTime(input.now),
      })
      deadLetterMessages.push(message)
      continue
    }
    decodedRows.push(decoded.row)
  }
  const rows = firstOfEachEvent(decodedRows).map((i) => decodedRows[i]!)
  return {
    rows,
    repeatedInChunk: decodedRows.length - rows.length,
    deadLetters,
    deadLetterMessages,
    firstOffset: input.messages[0]?.offset ?? '0',
    lastOffset: input.messages.at(-1)?.offset ?? '0',
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
