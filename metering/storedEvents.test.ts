// The dedup lookup over batches larger than one lookup query (LOOKUP_CHUNK_ROWS): every stored
// id is found whichever chunk it falls in, and only those.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertCommitted } from '../platform/clickhouse/insertCommitted.ts'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { eventRow } from '../test/support/eventRows.ts'
import { eventKey } from './eventRow.ts'
import { findStoredKeys } from './storedEvents.ts'

let ch: TestClickHouse
beforeAll(async () => {
  ch = await openTestClickHouse()
})
afterAll(async () => {
  await ch.destroy()
})

describe('findStoredKeys', () => {
  it('finds exactly the stored ids of a 12,001-row batch, across its lookup chunks and months', async () => {
    const at = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace('T', ' ').replace('Z', '')
    const rows = Array.from({ length: 12_001 }, (_, i) => eventRow({ event_id: `e${i}`, timestamp: at(i) }))
    // Every third row is stored already: some in each chunk, over the 16 months the batch spans.
    const stored = rows.filter((_, i) => i % 3 === 0)
    await insertCommitted(ch.handle, { table: 'events', rows: stored.map((r) => ({ ...r, writer_slot: 0 })) })

    const found = await findStoredKeys(ch.handle, rows, 34 * 86_400_000)
    expect(found.size).toBe(4_001)
    expect([...found].sort()).toEqual(stored.map((r) => eventKey(r.org_id, r.event_id)).sort())
  })
})
