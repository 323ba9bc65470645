// The wire format of `tally.events`, shared contract with metering/worker/decodeEventMessage.ts:
//   key     the event_id (so every copy of one event lands on one partition, and so with one
//           worker, which is what lets the worker's dedup lookup see earlier copies)
//   value   the stored row as JSON: the eight string columns of ClickHouse `events`
//   header  `tally-org`: the organisation, so a message that cannot be decoded can still be
//           dead-lettered under its organisation
import type { EventRow } from '../../metering/eventRow.ts'

export const ORG_HEADER = 'tally-org'

export function encodeEventMessage(row: EventRow): { key: string; value: string; headers: Record<string, string> } {
  return {
    key: row.event_id,
    value: JSON.stringify({
      org_id: row.org_id,
      raw_metric: row.raw_metric,
      customer_id: row.customer_id,
      event_id: row.event_id,
      timestamp: row.timestamp,
      data: row.data,
      ingested_at: row.ingested_at,
      source: row.source,
    }),
    headers: { [ORG_HEADER]: row.org_id },
  }
}
