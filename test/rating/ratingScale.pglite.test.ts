import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { describeRatingScaleSuite } from './ratingScaleSuite.ts'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describeRatingScaleSuite('PGlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tally-rating-scale-'))
  dirs.push(dir)
  return openDatabase({ dataDir: dir })
})
