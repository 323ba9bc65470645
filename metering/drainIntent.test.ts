// The drain's per-row work without Date: the hours a batch touches and its time span, read from
// the stored `YYYY-MM-DD HH:mm:ss.SSS` text, agree with the Date arithmetic they replace.
import { describe, expect, it } from 'vitest'
import { eventRow } from '../test/support/eventRows.ts'
import { touchedBuckets } from './drainIntent.ts'
import { timeSpanMs } from './storedEvents.ts'

describe('touchedBuckets', () => {
  it('names each (org, raw metric, UTC hour) once, however the rows interleave', () => {
    const rows = [
      eventRow({ event_id: '1', timestamp: '2024-03-05 10:59:59.999' }),
      eventRow({ event_id: '2', timestamp: '2024-03-05 11:00:00.000' }),
      eventRow({ event_id: '3', timestamp: '2024-03-05 10:00:00.000' }),
      eventRow({ event_id: '4', timestamp: '2024-03-05 10:30:00.000', org_id: 'org-b' }),
      eventRow({ event_id: '5', timestamp: '2024-03-05 10:31:00.000', raw_metric: 'storage' }),
      eventRow({ event_id: '6', timestamp: '2024-03-05 10:45:00.000' }),
      // Not the stored form (no milliseconds): still bucketed by its instant.
      eventRow({ event_id: '7', timestamp: '2024-12-31 23:59:59' }),
    ]
    expect(touchedBuckets(rows)).toEqual([
      { org_id: 'org-a', raw_metric: 'cpu_usage', hour: '2024-03-05 10:00:00' },
      { org_id: 'org-a', raw_metric: 'cpu_usage', hour: '2024-03-05 11:00:00' },
      { org_id: 'org-b', raw_metric: 'cpu_usage', hour: '2024-03-05 10:00:00' },
      { org_id: 'org-a', raw_metric: 'storage', hour: '2024-03-05 10:00:00' },
      { org_id: 'org-a', raw_metric: 'cpu_usage', hour: '2024-12-31 23:00:00' },
    ])
  })
})

describe('timeSpanMs', () => {
  it('is the earliest and latest instant of the rows, stored form or not', () => {
    const at = (timestamp: string) => eventRow({ event_id: timestamp, timestamp })
    expect(timeSpanMs([at('2024-03-05 10:00:00.500'), at('2024-02-29 23:59:59.999'), at('2024-03-05 09:00:00.000')])).toEqual({
      min: Date.parse('2024-02-29T23:59:59.999Z'),
      max: Date.parse('2024-03-05T10:00:00.500Z'),
    })
    expect(timeSpanMs([at('2024-03-05 10:00:00.500'), at('2025-01-01 00:00:00'), at('2023-01-01 00:00:00')])).toEqual({
      min: Date.parse('2023-01-01T00:00:00.000Z'),
      max: Date.parse('2025-01-01T00:00:00.000Z'),
    })
  })
})
