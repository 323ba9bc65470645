// A metering worker in its own process for the crash tests: the real composition root
// (createMeteringWorker). Run: node --import tsx workerProcess.ts '<json>'. Prints `READY` once
// consuming. Two ways to die, chosen by the test:
// - killAfterInserts N: SIGKILLs itself after its Nth ClickHouse insert and before that flush's
//   offset commit, printing `INSERTED <partition> <first>-<last> <rows>` first;
// - announceInserts: prints `INSERTING <rows>` as each insert into `events` starts and
//   `INSERT_TOOK <ms>` when it returned, so the test can SIGKILL it from outside at a random
//   moment *inside* an insert. The announcement wraps the real client's `insert`; the insert
//   itself still goes to the real chDB.
import { writeSync } from 'node:fs'
import type { ClickHouseClient } from '@clickhouse/client'
import { loadConfig } from '../../platform/config/load.ts'
import { createLogger } from '../../platform/logger.ts'
import { createClosers } from '../../app/closers.ts'
import { createMeteringWorker } from '../../app/createMeteringWorker.ts'
import { openMeteringStore } from '../../app/stores.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as { env: Record<string, string>; killAfterInserts?: number; announceInserts?: boolean }
const config = loadConfig(args.env)
const logger = createLogger('warn', 'fault-worker')
let inserts = 0
const clickhouse = args.announceInserts === true ? await openMeteringStore(config, logger, createClosers(logger)) : undefined
if (clickhouse !== undefined) {
  const insert = clickhouse.client.insert.bind(clickhouse.client)
  clickhouse.client.insert = ((params: Parameters<ClickHouseClient['insert']>[0]) => {
    // Synchronous, so the line is out before the insert starts.
    if (params.table !== 'events') return insert(params)
    writeSync(1, `INSERTING ${Array.isArray(params.values) ? params.values.length : '?'}\n`)
    const started = performance.now()
    return insert(params).then((result) => {
      writeSync(1, `INSERT_TOOK ${Math.round(performance.now() - started)}\n`)
      return result
    })
  }) as ClickHouseClient['insert']
}
const worker = await createMeteringWorker(config, logger, {
  clickhouse,
  afterInsert: (info) => {
    if (args.killAfterInserts === undefined || info.inserted === 0) return
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
