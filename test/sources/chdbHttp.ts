// Starts chdbHttpServer.ts (ClickHouse's HTTP interface over chDB) in a child process on a free
// local port, with its own throwaway data directory and one user, and stops it (the directory
// removed) when the test is done.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const SERVER = join(import.meta.dirname, 'chdbHttpServer.ts')

export interface ChdbHttp {
  /** `http://127.0.0.1:<port>` */
  url: string
  user: string
  password: string
  stop(): Promise<void>
}

export async function startChdbHttp(credentials: { user: string; password: string }): Promise<ChdbHttp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-chdb-http-'))
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER, JSON.stringify({ dataDir, ...credentials })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      const m = /^LISTENING (\d+)$/.exec(line)
      if (m !== null) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`chdbHttpServer exited with ${code} before listening`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    ...credentials,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
