import { describe, expect, it } from 'vitest'
import { eventRow } from '../test/support/eventRows.ts'
import { firstOfEachEvent, STORED_COLUMNS, storedValues } from './eventRow.ts'

describe('firstOfEachEvent', () => {
  it('keeps the earliest row of each event id within its organisation, in order', () => {
    const rows = [
      eventRow({ event_id: 'a' }),
      eventRow({ event_id: 'b' }),
      eventRow({ event_id: 'a', customer_id: 'later copy' }),
      // The same id in another organisation is another event.
      eventRow({ event_id: 'a', org_id: 'org-b' }),
      eventRow({ event_id: 'b' }),
    ]
    expect(firstOfEachEvent(rows)).toEqual([0, 1, 3])
    expect(firstOfEachEvent([])).toEqual([])
  })
})

describe('storedValues', () => {
  it('lists a row as the values of STORED_COLUMNS, the writer slot last', () => {
    const row = eventRow({ event_id: 'e1' })
    expect(STORED_COLUMNS.map((c, i) => [c, storedValues(row, 7)[i]])).toEqual([
      ['org_id', 'org-a'],
      ['raw_metric', 'cpu_usage'],
      ['customer_id', 'cust-1'],
      ['event_id', 'e1'],
      ['timestamp', '2024-03-05 10:15:30.000'],
      ['data', '{"cpu":"1"}'],
      ['ingested_at', '2024-03-05 10:15:31.000'],
      ['source', 'api'],
      ['writer_slot', 7],
    ])
  })
})
