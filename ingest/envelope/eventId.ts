import { createHash } from 'node:crypto'

/**
 * The id of an event the producer sent without one. The reference docs define an event's
 * identity as its customer and timestamp (within one raw metric of one organisation), so
 * the id is a hash of exactly those, taken after the timestamp is normalised: the same
 * instant written as `…09:30:38.731` or `…T15:00:38.731+05:30` is the same event.
 */
export function deriveEventId(parts: { orgId: string; rawMetric: string; customerId: string; timestampMs: number }): string {
  return createHash('sha256').update(`${parts.orgId}\u0000${parts.rawMetric}\u0000${parts.customerId}\u0000${parts.timestampMs}`).digest('hex').slice(0, 32)
}
