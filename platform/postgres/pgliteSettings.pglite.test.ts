// The embedded ledger opens PGlite with the buffer pool PGLITE_SHARED_BUFFERS names (issue 20:
// the pool lives in the WASM heap, which never shrinks, so its size is chosen, not inherited), on
// a fresh directory and when it opens that directory again; the rest of PGlite's start
// parameters are its own (its fsync off among them, which ledger/README.md "Durability" states).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPglite, PGLITE_SHARED_BUFFERS } from './pglite.ts'
import { queryRows } from './queryRows.ts'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-pglite-settings-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function settings(): Promise<Record<string, string>> {
  const handle = await openPglite({ dataDir: dir })
  try {
    const rows = await queryRows<{ name: string; setting: string; unit: string | null }>(
      handle.db,
      sql`select name, setting, unit from pg_settings where name in ('shared_buffers', 'fsync')`,
    )
    return Object.fromEntries(rows.map((r) => [r.name, r.unit === '8kB' ? `${(Number(r.setting) * 8) / 1024}MB` : r.setting]))
  } finally {
    await handle.close()
  }
}

describe('the embedded ledger’s PGlite settings', () => {
  it('has a buffer pool of PGLITE_SHARED_BUFFERS when created and when opened again', async () => {
    expect(PGLITE_SHARED_BUFFERS).toBe('128MB')
    expect(await settings()).toEqual({ shared_buffers: PGLITE_SHARED_BUFFERS, fsync: 'off' })
    expect(await settings()).toEqual({ shared_buffers: PGLITE_SHARED_BUFFERS, fsync: 'off' })
  })
})
