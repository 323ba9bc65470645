// The correctness suite (metricQuantitiesSuite.ts) on a fresh embedded engine.
import { afterAll, beforeAll } from 'vitest'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { metricQuantitiesSuite } from './metricQuantitiesSuite.ts'

let ch: TestClickHouse

beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-run-')
})
afterAll(async () => {
  await ch?.destroy()
})

metricQuantitiesSuite(() => ch.handle)
