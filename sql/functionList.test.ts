// The deny list in forbiddenFunctions.ts is only as good as its last review. This pins the
// engine's function list at that review: a ClickHouse upgrade that adds functions (26.x added
// aiGenerate & co., which call model services over the network) fails here, naming them,
// until they are reviewed and reviewedFunctions.txt is regenerated.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'

let ch: TestClickHouse
beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-functions-')
})
afterAll(async () => {
  await ch?.destroy()
})

it('every function the engine offers was there when the deny list was reviewed', async () => {
  const reviewed = new Set(
    readFileSync(join(import.meta.dirname, 'reviewedFunctions.txt'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#')),
  )
  const rs = await ch.handle.client.query({ query: 'SELECT name FROM system.functions ORDER BY name', format: 'JSONEachRow' })
  const unreviewed = (await rs.json<{ name: string }>()).map((r) => r.name).filter((n) => !reviewed.has(n))
  expect(unreviewed).toEqual([])
})
