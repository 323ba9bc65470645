import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { openDatabase } from '../platform/postgres/database.ts'
import { describeBillableMetricSuite } from './billableMetricsSuite.ts'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describeBillableMetricSuite('PGlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tally-billable-'))
  dirs.push(dir)
  return openDatabase({ dataDir: dir })
})
