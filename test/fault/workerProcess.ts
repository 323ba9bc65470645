// A metering worker in its own process for the crash tests: the real composition root
// (createMeteringWorker). Run: node --import tsx workerProcess.ts '<json>'. Prints `READY` once
// consuming. Two ways to die, chosen by the test:
// - killAfterInserts N: SIGKILLs itself after its Nth ClickHouse insert and before that flush's
//   offset commit, printing `INSERTED <partition> <first>-<last> <rows>` first;
// - announceInserts: prints `INSERTING <rows>` as each insert into `events` starts and
//   `INSERT_TOOK <ms>` when it returned, so the test can SIGKILL it from outside at a random
//   moment *inside* an insert; also `INTENT …` per intent and `COMMAND …` per recovery
//   statement, for the test's timeline (TALLY_FAULT_TIMELINE). The announcement wraps the real client's `insert`; the insert
//   itself still goes to the real chDB.
// - announceFlushes: prints `FLUSHED <partition> <first>-<last> <inserted>` after every insert
//   (before its commit), so a test with several workers knows which partitions each drained.
import { writeSync } from 'node:fs'
import type { ClickHouseClient } from '@clickhouse/client'
import { loadConfig } from '../../platform/config/load.ts'
import { createLogger } from '../../platform/logger.ts'
import { createClosers } from '../../app/closers.ts'
import { createMeteringWorker } from '../../app/createMeteringWorker.ts'
import { openMeteringStore } from '../../app/stores.ts'

const args = JSON.parse(process.argv[2] ?? '{}') as {
  env: Record<string, string>
  killAfterInserts?: number
  announceInserts?: boolean
  announceFlushes?: boolean
}
const config = loadConfig(args.env)
const logger = createLogger('warn', 'fault-worker')
let inserts = 0
const clickhouse = args.announceInserts === true ? await openMeteringStore(config, logger, createClosers(logger)) : undefined
if (clickhouse !== undefined) {
  const insert = clickhouse.client.insert.bind(clickhouse.client)
  clickhouse.client.insert = ((params: Parameters<ClickHouseClient['insert']>[0]) => {
    // Synchronous, so the line is out before the insert starts.
    if (params.table === 'drain_intents') {
      const intent = (params.values as Array<{ writer_slot: number; version: number; buckets: Array<{ hour: string }> }>)[0]!
      const hours = intent.buckets.map((b) => b.hour).sort()
      writeSync(1, `INTENT slot=${intent.writer_slot} v=${intent.version} hours=${hours.length} ${hours[0]}..${hours.at(-1)}\n`)
    }
    if (params.table !== 'events') return insert(params)
    writeSync(1, `INSERTING ${Array.isArray(params.values) ? params.values.length : '?'}\n`)
    const started = performance.now()
    return insert(params).then((result) => {
      writeSync(1, `INSERT_TOOK ${Math.round(performance.now() - started)}\n`)
      return result
    })
  }) as ClickHouseClient['insert']
}
if (clickhouse !== undefined) {
  // Recovery's statements (KILL QUERY, DELETE, INSERT INTO rollup_feed), for the test's timeline.
  const command = clickhouse.client.command.bind(clickhouse.client)
  clickhouse.client.command = ((params: Parameters<ClickHouseClient['command']>[0]) => {
    const what = params.query.replace(/\s+/g, ' ').slice(0, 40)
    const slot = (params.query_params as { slot?: number } | undefined)?.slot
    writeSync(1, `COMMAND ${what}${slot === undefined ? '' : ` slot=${slot}`}\n`)
    return command(params).then((result) => {
      writeSync(1, `COMMAND_DONE ${what}\n`)
      return result
    })
  }) as ClickHouseClient['command']
}
const worker = await createMeteringWorker(config, logger, {
  clickhouse,
  afterInsert: (info) => {
    if (args.announceFlushes === true) writeSync(1, `FLUSHED ${info.partition} ${info.firstOffset}-${info.lastOffset} ${info.inserted}\n`)
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
