// A second, private Kafka broker for a test that stops and restarts it, so the shared broker
// other suites use at 127.0.0.1:9092 is never disturbed. Same scripts as deploy/local (jars
// from Maven Central), its own temp data dir and ports.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const KAFKA_SCRIPTS = fileURLToPath(new URL('../../deploy/local/kafka/', import.meta.url))

export interface PrivateBroker {
  brokers: string[]
  start(): Promise<void>
  /** Controlled shutdown (SIGTERM); data and committed offsets are kept. */
  stop(): Promise<void>
  /** An outage: SIGKILL, no controlled shutdown (the next start recovers its logs). */
  kill(): Promise<void>
  /** Stops it and deletes its data dir. */
  destroy(): Promise<void>
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000) * 2
    if ((await portFree(port)) && (await portFree(port + 1))) return port
  }
  throw new Error('no free port pair for a private Kafka broker')
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function createPrivateBroker(): Promise<PrivateBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-test-kafka-'))
  const port = await freePortPair()
  const env = { ...process.env, TALLY_KAFKA_DIR: dir, TALLY_KAFKA_PORT: String(port), TALLY_KAFKA_HEAP: '256m' }
  const script = (name: string, ...args: string[]) => run(join(KAFKA_SCRIPTS, name), args, { env, timeout: 120_000 })
  return {
    brokers: [`127.0.0.1:${port}`],
    start: async () => void (await script('up.sh')),
    stop: async () => void (await script('down.sh')),
    async kill() {
      // Only this broker's own process: the pid its up.sh wrote into its private dir.
      const pid = Number(readFileSync(join(dir, 'kafka.pid'), 'utf8').trim())
      process.kill(pid, 'SIGKILL')
      while (alive(pid)) await new Promise((r) => setTimeout(r, 50))
    },
    async destroy() {
      await script('down.sh', '--purge').catch(() => {})
      if (dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true })
    },
  }
}
