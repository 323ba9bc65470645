// A metering worker in its own process for the crash test: the real composition root
// (createMeteringWorker) with a hook that SIGKILLs the process after its Nth ClickHouse insert
// and before that flush's offset commit. Run: node --import tsx workerProcess.ts '<json>'.
// Prints `READY` once consuming and `INSERTED <partition> <first>-<last> <rows>` before dying.
import { loadConfig } from '../../platform/config/load.ts'
import { createLogger } from '../../platform/logger.ts'
import { createMeteringWorker } from '../../platform/runtime/createMeteringWorker.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as { env: Record<string, string>; killAfterInserts: number }
const config = loadConfig(args.env)
const logger = createLogger('warn', 'fault-worker')
let inserts = 0
const worker = await createMeteringWorker(config, logger, {
  afterInsert: (info) => {
    if (info.inserted === 0) return
    inserts++
    if (inserts === args.killAfterInserts) {
      process.stdout.write(`INSERTED ${info.partition} ${info.firstOffset}-${info.lastOffset} ${info.inserted}\n`, () => {
        process.kill(process.pid, 'SIGKILL')
      })
      // Never reach the commit: the process dies while this flush waits.
      return new Promise<void>(() => {})
    }
  },
})
process.stdout.write('READY\n')
process.on('SIGTERM', () => {
  void worker.close().then(() => process.exit(0))
})
worker.failed.catch((err: unknown) => {
  logger.fatal({ err }, 'worker failed')
  process.exit(1)
})
