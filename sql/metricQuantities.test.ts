// The correctness suite (metricQuantitiesSuite.ts) on a fresh embedded engine.
import { afterAll, beforeAll } from 'vitest'
import { openTestClickHouse, type TestClickHouse } from '../test/support/clickhouseTestHandle.ts'
import { metricQuantitiesSuite } from './metricQuantitiesSuite.ts'
import { metricSandboxLimitsSuite } from './metricSandboxLimitsSuite.ts'

let ch: TestClickHouse

beforeAll(async () => {
  ch = await openTestClickHouse('tally-sql-run-')
})
afterAll(async () => {
  await ch?.destroy()
})

metricQuantitiesSuite(() => ch.handle)
metricSandboxLimitsSuite(() => ch.handle)
