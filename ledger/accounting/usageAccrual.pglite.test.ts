import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { describeUsageAccrualSuite } from './usageAccrualSuite.ts'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describeUsageAccrualSuite('PGlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tally-usage-accrual-'))
  dirs.push(dir)
  return openDatabase({ dataDir: dir })
})
