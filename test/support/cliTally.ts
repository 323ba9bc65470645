// A test file's own `tally start` (a fresh data directory, the bootstrap organisation and API key,
// an admin token) and the real `tally` binary signed in to it with that token: the set-up the CLI
// walkthrough tests share. Call at a test file's top level: started before its tests (`env` adds
// to or overrides the server's environment, e.g. TALLY_CLOCK), stopped and removed after them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { runTally, startTallyProcess, type TallyProcess } from './tallyProcess.ts'

export const CLI_ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_test_key_0123456789abcdefghijklmnop'

export interface CliTally {
  /** Runs `tally <args>` against the server. */
  cli(args: string[]): ReturnType<typeof runTally>
  /** Writes `body` as JSON to a file of the test's directory; its path. */
  file(name: string, body: unknown): string
}

export function useCliTally(name: string, admin: string, env: Record<string, string> = {}): CliTally {
  let dir = ''
  let tally: TallyProcess | undefined
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `tally-${name}-`))
    tally = await startTallyProcess({
      TALLY_DATA_DIR: join(dir, 'server'),
      TALLY_BOOTSTRAP_ORG: CLI_ORG,
      TALLY_BOOTSTRAP_API_KEY: KEY,
      TALLY_ADMIN_TOKEN: admin,
      ...env,
    })
  }, 120_000)
  afterAll(async () => {
    await tally?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  return {
    cli: (args) => runTally(args, { TALLY_URL: tally!.base, TALLY_ADMIN_TOKEN: admin, TALLY_DATA_DIR: join(dir, 'cli') }),
    file(fileName, body) {
      const path = join(dir, fileName)
      writeFileSync(path, JSON.stringify(body))
      return path
    },
  }
}
