// A server under test, in its own process so its CPU time and peak RSS are its own and
// chDB gets its own data directory. Modes:
//   bare      node:http, JSON.parse of the body, 202: the floor any gateway stands on
//   gateway   Tally's real API (createApp, ingestRoutes, auth, PGlite ledger) with a no-op
//             EventSink whose write resolves at once: validation and HTTP alone
//   embedded  `tally start` without Kafka (createTally): HTTP → direct sink → chDB
// Kafka modes are added in kafkaTargets.ts. Messages: `stats` → CPU and RSS; `stop`.
import { createServer } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../platform/config/load.ts'
import type { Config } from '../../platform/config/schema.ts'
import { createLogger, type Logger } from '../../platform/logger.ts'
import { startServer } from '../../app/serve.ts'
import { BENCH_KEY, BENCH_ORG, BENCH_METRIC, PROBE_CUSTOMER } from './benchIds.ts'
import { customerId } from './events.ts'
import type { AppTarget } from './targets.ts'

export interface ServerStats {
  type: 'stats'
  cpuSec: number
  maxRssMB: number
  rssMB: number
}

function stats(): ServerStats {
  const cpu = process.cpuUsage()
  return { type: 'stats', cpuSec: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024, rssMB: process.memoryUsage().rss / 2 ** 20 }
}

function startBare(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      try {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        const n = Array.isArray(body) ? body.length : 1
        res.writeHead(202, { 'content-type': 'application/json' }).end(`{"accepted":${n},"duplicates":0,"rejected":0}`)
      } catch {
        res.writeHead(400).end()
      }
    })
  })
  server.keepAliveTimeout = 65_000
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve({ port: typeof address === 'object' && address !== null ? address.port : 0, close: () => new Promise((r) => server.close(() => r())) })
    })
  })
}

/** Raw metric, customers and the freshness probe's customer, created through the API itself. */
async function seed(target: AppTarget, customers: number): Promise<void> {
  const call = async (path: string, body: object) => {
    const res = await target.app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (res.status !== 201) throw new Error(`seed ${path}: ${res.status} ${await res.text()}`)
  }
  await call('/v1/raw-metrics', { name: BENCH_METRIC })
  for (let i = 0; i < customers; i++) await call('/v1/customers', { external_id: customerId(i), name: customerId(i) })
  await call('/v1/customers', { external_id: PROBE_CUSTOMER, name: 'freshness probe' })
}

async function main(mode: string, customers: number, extraEnv: Record<string, string>): Promise<void> {
  let port: number
  let close: () => Promise<void>
  const dataDir = mkdtempSync(join(tmpdir(), `tally-bench-${mode}-`))
  if (mode === 'bare') {
    ;({ port, close } = await startBare())
  } else {
    // Imported only here: the bare server must not carry Tally's modules (chDB, PGlite) in its RSS.
    const { tallyTargets } = await import('./targets.ts')
    const build = tallyTargets[mode]
    if (build === undefined) throw new Error(`unknown server mode ${mode}; known: bare, ${Object.keys(tallyTargets).join(', ')}`)
    const config: Config = loadConfig({
      TALLY_DATA_DIR: dataDir,
      TALLY_BOOTSTRAP_ORG: BENCH_ORG,
      TALLY_BOOTSTRAP_API_KEY: BENCH_KEY,
      TALLY_LOG_LEVEL: 'warn',
      TALLY_HOST: '127.0.0.1',
      ...extraEnv,
    })
    const logger: Logger = createLogger(config.logLevel, `bench-${mode}`)
    const target = await build(config, logger)
    await seed(target, customers)
    const server = await startServer({ app: target.app, port: 0, host: '127.0.0.1', logger })
    port = server.port
    close = async () => {
      await server.stop(5_000)
      await target.close()
    }
  }
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'stats') process.send?.(stats())
    if (msg.type === 'stop') {
      close()
        .catch((err: unknown) => console.error('bench server close failed', err))
        .finally(() => {
          if (dataDir.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
          process.exit(0)
        })
    }
  })
  process.send?.({ ...stats(), type: 'ready', port })
}

if (process.send !== undefined && process.argv.at(-1) === 'child') {
  const [mode = 'bare', customers = '200', env = '{}'] = process.argv.slice(2)
  main(mode, Number(customers), JSON.parse(env) as Record<string, string>).catch((err: unknown) => {
    process.send?.({ type: 'error', message: String((err as Error).stack ?? err) })
    process.exit(1)
  })
}
