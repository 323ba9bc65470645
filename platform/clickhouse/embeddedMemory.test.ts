// Embedded chDB starts with Tally's memory bounds (EMBEDDED_MEMORY_SETTINGS), not a server's
// defaults (5 GiB caches, 90% of RAM), and a statement past the bound fails as unavailable.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EMBEDDED_MEMORY_SETTINGS, embeddedServerArgs, openClickHouse, type ClickHouseHandle } from './openClickHouse.ts'
import { toClickHouseError } from './clickHouseErrors.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'tally-ch-memory-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

async function serverSettings(handle: ClickHouseHandle): Promise<Record<string, number>> {
  const rs = await handle.client.query({
    query: 'SELECT name, value FROM system.server_settings WHERE name IN ({names:Array(String)})',
    query_params: { names: Object.keys(EMBEDDED_MEMORY_SETTINGS) },
    format: 'JSONEachRow',
  })
  const rows = await rs.json<{ name: string; value: string }>()
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.value)]))
}

describe('embedded chDB memory settings', () => {
  it('are given to the engine when it starts', async () => {
    const handle = await openClickHouse({ dataDir })
    try {
      expect(await serverSettings(handle)).toEqual(EMBEDDED_MEMORY_SETTINGS)
      expect(EMBEDDED_MEMORY_SETTINGS.max_server_memory_usage).toBe(2 * 1024 ** 3)
    } finally {
      await handle.close()
    }
  })

  it('take an override, and a statement past the memory bound fails as clickhouse_unavailable', async () => {
    const bound = 64 * 1024 * 1024
    const handle = await openClickHouse({ dataDir, memory: { max_server_memory_usage: bound } })
    try {
      expect(await serverSettings(handle)).toEqual({ ...EMBEDDED_MEMORY_SETTINGS, max_server_memory_usage: bound })
      // Ten million distinct keys in one hash table: hundreds of MB, far past 64 MiB.
      const err = await handle.client.command({ query: 'SELECT number % 10000000 AS k, count() FROM numbers(20000000) GROUP BY k FORMAT Null' }).then(
        () => null,
        (e: unknown) => toClickHouseError(e, 'query') as { code?: string; message?: string },
      )
      expect(err?.code).toBe('clickhouse_unavailable')
      expect(err?.message).toMatch(/memory limit exceeded/i)
      // The engine is still usable after the refusal.
      expect(await handle.client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' }).then((r) => r.json())).toEqual([{ one: 1 }])
    } finally {
      await handle.close()
    }
  })

  it('are passed in chDB command-line form', () => {
    expect(embeddedServerArgs({ mark_cache_size: 1024 })).toEqual([
      `--max_server_memory_usage=${2 * 1024 ** 3}`,
      '--mark_cache_size=1024',
      `--primary_index_cache_size=${128 * 1024 ** 2}`,
      `--index_mark_cache_size=${32 * 1024 ** 2}`,
      `--compiled_expression_cache_size=${32 * 1024 ** 2}`,
    ])
  })
})
