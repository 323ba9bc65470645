// Issue 12, embedded mode: `tally start` (direct sink: every 202 waits for its chDB insert)
// SIGKILLed at random moments while clients post large batches, dozens of times. Requests
// without an answer are retried against the restarted server with the same event ids, until
// every one was acknowledged. Then `events` must hold every event once, and usage_minute,
// usage_hour and GET /v1/usage must agree with a recount of the events sent.
// The ledger is on the machine's Postgres server (a throwaway database), not PGlite: the test
// is about chDB, and PGlite's start-up would be most of every restart.
// Scale: TALLY_FAULT_KILLS=300 npx vitest run test/fault/serverKilledDuringInsert
import { describe, expect, it } from 'vitest'
import type { EventRow } from '../../metering/eventRow.ts'
import { meteringMigrationsDir } from '../../metering/migrations.ts'
import { queryUsage } from '../../metering/usageQuery.ts'
import { migrateClickHouse } from '../../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse } from '../../platform/clickhouse/openClickHouse.ts'
import { startTallyProcess, type TallyProcess } from '../support/tallyProcess.ts'
import { eventsBody } from './crashClient.ts'
import { killTestStore } from './killTestStore.ts'
import { CRASH_METRIC, CRASH_RANGE, crashEvents } from './crashEvents.ts'
import { apiBuckets, drift, expectedBuckets, recountStore } from './crashRecount.ts'

const KILLS = Number(process.env.TALLY_FAULT_KILLS ?? 12)
const REQUEST_EVENTS = 2_500
const CLIENTS = 4
const EVENTS = Number(process.env.TALLY_FAULT_EVENTS ?? KILLS * REQUEST_EVENTS * 2)
const ORG = '23507783-d5b4-4854-b012-2bf4ea922205'
const KEY = 'tly_kill_insert_key_0000000000000000000'

let running: TallyProcess | undefined
/** A run that found drift keeps its store whatever TALLY_FAULT_KEEP says, for the post-mortem. */
let keep = Boolean(process.env.TALLY_FAULT_KEEP)
// This test is about the direct sink (the event log has its own: eventLogKilled), so it pins it.
const store = killTestStore({
  prefix: 'tally-fault-kill-server-',
  orgId: ORG,
  apiKey: KEY,
  running: () => running,
  keep: () => keep,
  env: { TALLY_EVENT_LOG: 'direct' },
})
const dataDir = store.dataDir

const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Posts the unacknowledged batches with CLIENTS requests in flight until the server dies (a
 * request fails) or nothing is left. A batch leaves `pending` only on a 202.
 */
async function post(base: string, pending: EventRow[][]): Promise<void> {
  let dead = false
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (!dead && pending.length > 0) {
        const batch = pending.shift()!
        try {
          const res = await fetch(`${base}/v1/events`, { method: 'POST', headers, body: eventsBody(batch) })
          await res.arrayBuffer()
          if (res.status === 202) continue
          pending.push(batch)
          await sleep(100)
        } catch {
          dead = true
          pending.push(batch)
        }
      }
    }),
  )
}

describe('tally start killed during inserts', () => {
  it(
    `counts every event once in events, both rollups and GET /v1/usage after ${KILLS} kills`,
    async () => {
      const events = crashEvents({ orgId: ORG, count: EVENTS, prefix: 's' })
      const pending: EventRow[][] = []
      for (let i = 0; i < events.length; i += REQUEST_EVENTS) pending.push(events.slice(i, i + REQUEST_EVENTS))

      let kills = 0
      while (kills < KILLS && pending.length > 0) {
        running = await startTallyProcess(store.env())
        if (kills === 0) await fetch(`${running.base}/v1/raw-metrics`, { method: 'POST', headers, body: JSON.stringify({ name: CRASH_METRIC }) })
        const exited = new Promise((resolve) => running!.child.once('exit', resolve))
        const posting = post(running.base, pending)
        // The server spends most of its time inside inserts of ~10k rows (four concurrent
        // 2,500-event requests, group-committed), so most kills land inside one.
        await sleep(200 + Math.random() * 1_500)
        running.child.kill('SIGKILL')
        await exited
        await posting
        kills++
      }

      running = await startTallyProcess(store.env())
      while (pending.length > 0) await post(running.base, pending)
      const res = await fetch(
        `${running.base}/v1/usage?raw_metric=${CRASH_METRIC}&granularity=hour&from=${CRASH_RANGE.from.toISOString()}&to=${CRASH_RANGE.to.toISOString()}`,
        { headers },
      )
      expect(res.status).toBe(200)
      const viaApi = drift(expectedBuckets(events, 'hour'), apiBuckets(((await res.json()) as { buckets: never[] }).buckets))
      expect(await running.stop()).toBe(0)
      running = undefined

      const handle = await openClickHouse({ dataDir })
      try {
        await migrateClickHouse(handle, meteringMigrationsDir)
        const recount = await recountStore(handle, ORG, events)
        const minutes = await queryUsage(handle, { orgId: ORG, rawMetric: CRASH_METRIC, granularity: 'minute', ...CRASH_RANGE })
        const viaQuery = drift(expectedBuckets(events, 'minute'), apiBuckets(minutes.buckets))
        const found = { ...recount, usage_api_hour: viaApi, usage_query_minute: viaQuery }
        process.stdout.write(`kill-during-insert (tally start): ${kills} kills, ${EVENTS} events: ${JSON.stringify(found)}\n`)
        const clean = { doubled: 0, lost: 0, wrongSums: 0 }
        try {
          expect(found).toEqual({ events: clean, usage_minute: clean, usage_hour: clean, usage_api_hour: clean, usage_query_minute: clean })
        } catch (err) {
          keep = true
          throw err
        }
      } finally {
        await handle.close()
      }
    },
    Math.max(900_000, KILLS * 60_000),
  )
})
