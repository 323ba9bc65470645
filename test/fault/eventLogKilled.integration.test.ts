// Issue 19, embedded mode with the event log (TALLY_EVENT_LOG=local): `tally start` SIGKILLed
// at random moments while 16 clients post single-event and 50-event requests. A 202 now means
// the log committed the events to disk; the drain inserts them later, so each kill lands on
// acknowledged events that are still only in the log, on a drain insert, or between an insert
// and the release of its entries. Unanswered requests are retried on the next life with the
// same event ids (a producer's retry). After the last life has drained, `events` must hold
// every event once and both rollups and GET /v1/usage must agree with a recount: counts, not
// timings. The ledger is on the machine's Postgres server, as in serverKilledDuringInsert.
// Scale: TALLY_FAULT_KILLS=50 npx vitest run test/fault/eventLogKilled
import { describe, expect, it } from 'vitest'
import { eventLogPath } from '../../app/embeddedSink.ts'
import type { EventRow } from '../../metering/eventRow.ts'
import { openLocalEventLog } from '../../metering/localLog/localEventLog.ts'
import { meteringMigrationsDir } from '../../metering/migrations.ts'
import { migrateClickHouse } from '../../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse } from '../../platform/clickhouse/openClickHouse.ts'
import { startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'
import { postUntilDead } from './crashClient.ts'
import { killTestStore } from './killTestStore.ts'
import { CRASH_METRIC, CRASH_RANGE, crashEvents } from './crashEvents.ts'
import { apiBuckets, drift, expectedBuckets, recountStore } from './crashRecount.ts'

const KILLS = Number(process.env.TALLY_FAULT_KILLS ?? 6)
const EVENTS = Number(process.env.TALLY_FAULT_EVENTS ?? KILLS * 8_000)
const CLIENTS = 16
/** Requests a life acknowledges before its kill is scheduled. */
const ACKS_BEFORE_KILL = 100
const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_kill_eventlog_key_00000000000000000'

let running: TallyProcess | undefined
let keep = Boolean(process.env.TALLY_FAULT_KEEP)
const store = killTestStore({
  prefix: 'tally-fault-kill-eventlog-',
  orgId: ORG,
  apiKey: KEY,
  env: { TALLY_EVENT_LOG: 'local' },
  running: () => running,
  keep: () => keep,
})
const dataDir = store.dataDir

const headers = { authorization: `Bearer ${KEY}` }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Alternates single-event requests and 50-event requests over the events. */
function requests(events: EventRow[]): EventRow[][] {
  const out: EventRow[][] = []
  for (let i = 0; i < events.length;) {
    const size = out.length % 2 === 0 ? 1 : 50
    out.push(events.slice(i, i + size))
    i += size
  }
  return out
}

async function hourUsage(base: string) {
  const res = await fetch(
    `${base}/v1/usage?raw_metric=${CRASH_METRIC}&granularity=hour&from=${CRASH_RANGE.from.toISOString()}&to=${CRASH_RANGE.to.toISOString()}`,
    { headers },
  )
  expect(res.status).toBe(200)
  return ((await res.json()) as { buckets: Array<{ events: string }> & never[] }).buckets
}

describe('tally start with the event log, killed under load', () => {
  it(
    `counts every acknowledged event once after ${KILLS} kills`,
    async () => {
      const events = crashEvents({ orgId: ORG, count: EVENTS, prefix: 'l' })
      const pending = requests(events)
      let kills = 0
      let ackedBeforeKills = 0
      while (kills < KILLS && pending.length > 0) {
        running = await startTallyProcess(store.env())
        if (kills === 0)
          await fetch(`${running.base}/v1/raw-metrics`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ name: CRASH_METRIC }),
          })
        const exited = new Promise((resolve) => running!.child.once('exit', resolve))
        let loaded: () => void = () => {}
        const underLoad = new Promise<void>((resolve) => (loaded = resolve))
        const onAck = (acked: number) => acked >= ACKS_BEFORE_KILL && loaded()
        const posting = postUntilDead({ base: running.base, apiKey: KEY, pending, clients: CLIENTS, retryMs: 100, onAck })
        // Once the life is under load (or out of events), kill it at a random moment: the drain
        // inserts every 200 ms, so the kill lands on acknowledged events still in the log,
        // inside an insert, or between an insert and its release.
        await Promise.race([underLoad, posting])
        await sleep(Math.random() * 1_000)
        running.child.kill('SIGKILL')
        await exited
        ackedBeforeKills += await posting
        kills++
      }
      // Some requests were acknowledged by lives that were then killed: the test means something.
      expect(ackedBeforeKills).toBeGreaterThan(0)

      running = await startTallyProcess(store.env())
      while (pending.length > 0) await postUntilDead({ base: running.base, apiKey: KEY, pending, clients: CLIENTS, retryMs: 100 })
      // Every event is acknowledged; wait (bounded by the test timeout) until the drain stored
      // at least as many as were sent: a double would show in the recount below.
      for (;;) {
        const stored = (await hourUsage(running.base)).reduce((n, b) => n + Number(b.events), 0)
        if (stored >= EVENTS) break
        await sleep(200)
      }
      const viaApi = drift(expectedBuckets(events, 'hour'), apiBuckets(await hourUsage(running.base)))
      expect(await running.stop()).toBe(0)
      running = undefined

      const log = openLocalEventLog({ path: eventLogPath(dataDir), maxBytes: 1 })
      const leftInLog = log.pendingRows()
      await log.close()
      const handle = await openClickHouse({ dataDir })
      try {
        await migrateClickHouse(handle, meteringMigrationsDir)
        const found = { ...(await recountStore(handle, ORG, events)), usage_api_hour: viaApi, leftInLog }
        process.stdout.write(
          `event log kill test: ${kills} kills, ${EVENTS} events, ${ackedBeforeKills} requests acked before kills: ${JSON.stringify(found)}\n`,
        )
        const clean = { doubled: 0, lost: 0, wrongSums: 0 }
        try {
          expect(found).toEqual({ events: clean, usage_minute: clean, usage_hour: clean, usage_api_hour: clean, leftInLog: 0 })
        } catch (err) {
          keep = true
          throw err
        }
      } finally {
        await handle.close()
      }
    },
    Math.max(600_000, KILLS * 60_000),
  )
})
