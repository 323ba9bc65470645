// One flush of the metering worker: a contiguous run of messages of one partition becomes
// one idempotent ClickHouse insert of events plus the dead letters among them. The caller
// commits the offsets only after this resolves (see meteringWorker.ts for the whole order).
import { createHash } from 'node:crypto'
import type { KafkaMessage } from 'kafkajs'
import type { ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { toClickHouseTime, eventKey, type EventRow } from '../eventRow.ts'
import { findStoredKeys, insertEventRows } from '../insertEventBatch.ts'
import { decodeEventMessage, ORG_HEADER } from './decodeEventMessage.ts'
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
  const rows: EventRow[] = []
  const deadLetters: DeadLetterRow[] = []
  const deadLetterMessages: KafkaMessage[] = []
  const seen = new Set<string>()
  let repeatedInChunk = 0
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
    const key = eventKey(decoded.row.org_id, decoded.row.event_id)
    if (seen.has(key)) {
      repeatedInChunk++
      continue
    }
    seen.add(key)
    rows.push(decoded.row)
  }
  return {
    rows,
    repeatedInChunk,
    deadLetters,
    deadLetterMessages,
    firstOffset: input.messages[0]?.offset ?? '0',
    lastOffset: input.messages.at(-1)?.offset ?? '0',
  }
}

/**
 * The insert deduplication token of a flush: the partition and offset range it covers, plus
 * a hash of the keys inserted. Replaying the same offsets with the same rows yields the same
 * token, so ClickHouse drops the repeat. NOTE: the hash is there because offsets alone are not
 * an identity: a topic deleted and re-created starts again at offset 0, and a token naming
 * only offsets would make ClickHouse silently drop the new topic's first batches.
 */
export function chunkToken(topic: string, partition: number, plan: ChunkPlan, rows: EventRow[]): string {
  const hash = createHash('sha256')
  for (const r of rows) hash.update(eventKey(r.org_id, r.event_id)).update('\u0001')
  return `tally-kafka-${topic}-${partition}-${plan.firstOffset}-${plan.lastOffset}-${hash.digest('hex').slice(0, 32)}`
}

export interface InsertOutcome {
  inserted: number
  /** Keys already in `event_keys` (an earlier batch, a producer retry at a new offset, a replay). */
  alreadyStored: number
}

/** Step 1 of the flush: drop keys already stored, insert the rest as one idempotent insert. */
export async function insertChunkEvents(handle: ClickHouseHandle, topic: string, partition: number, plan: ChunkPlan): Promise<InsertOutcome> {
  if (plan.rows.length === 0) return { inserted: 0, alreadyStored: 0 }
  const stored = await findStoredKeys(handle, plan.rows)
  const fresh = plan.rows.filter((r) => !stored.has(eventKey(r.org_id, r.event_id)))
  await insertEventRows(handle, fresh, chunkToken(topic, partition, plan, fresh))
  return { inserted: fresh.length, alreadyStored: plan.rows.length - fresh.length }
}

function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  if (value === undefined) return undefined
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined ? undefined : first.toString()
}
