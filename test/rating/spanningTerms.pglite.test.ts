// The spanning terms suite on PGlite (embedded mode).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { describeSpanningTermsSuite } from './spanningTermsSuite.ts'

let dir: string | undefined
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describeSpanningTermsSuite('PGlite', async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-spanning-terms-'))
  return openDatabase({ dataDir: dir })
})
