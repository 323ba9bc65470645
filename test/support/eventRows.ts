// Builders of stored event rows for metering tests.
import type { EventRow } from '../../metering/eventRow.ts'

export function eventRow(overrides: Partial<EventRow> & Pick<EventRow, 'event_id'>): EventRow {
  return {
    org_id: 'org-a',
    raw_metric: 'cpu_usage',
    customer_id: 'cust-1',
    timestamp: '2024-03-05 10:15:30.000',
    data: '{"cpu":"1"}',
    ingested_at: '2024-03-05 10:15:31.000',
    source: 'api',
    ...overrides,
  }
}
