// A real `tally start` for a test file, with its organisation bootstrapped, and `cli(args)`
// running the real binary (`tally … --org ORG`) against it with the admin token. Started before
// the file's tests, stopped (and its data removed) after them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { runTally, startTallyProcess, type TallyProcess } from './tallyProcess.ts'

export interface TallyCli {
  /** `tally <args> --org <org>`: exit code and output. */
  cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>
  /** A directory of the test's own, removed after it. */
  readonly dir: string
}

export function useTallyCli(options: { org: string; env?: Record<string, string> }): TallyCli {
  const admin = `tly_admin_${options.org.replace(/-/g, '')}`
  let dir = ''
  let tally: TallyProcess | undefined
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tally-cli-'))
    tally = await startTallyProcess({
      TALLY_DATA_DIR: join(dir, 'server'),
      TALLY_BOOTSTRAP_ORG: options.org,
      TALLY_BOOTSTRAP_API_KEY: `tly_test_key_${options.org.replace(/-/g, '').slice(0, 26)}`,
      TALLY_ADMIN_TOKEN: admin,
      TALLY_RATING_CRON: 'off',
      ...options.env,
    })
  }, 120_000)
  afterAll(async () => {
    await tally?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  return {
    cli: (args) => runTally([...args, '--org', options.org], { TALLY_URL: tally!.base, TALLY_ADMIN_TOKEN: admin, TALLY_DATA_DIR: join(dir, 'cli') }),
    get dir() {
      return dir
    },
  }
}
