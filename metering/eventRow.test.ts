import { describe, expect, it } from 'vitest'
import { eventRow } from '../test/support/eventRows.ts'
import { firstOfEachEvent } from './eventRow.ts'

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
