// The console sign-in failures suite on PGlite.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { openDatabase } from '../../platform/postgres/database.ts'
import { describeSignInFailuresSuite } from './signInFailuresSuite.ts'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describeSignInFailuresSuite('PGlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tally-console-sign-in-'))
  dirs.push(dir)
  return openDatabase({ dataDir: dir })
})
