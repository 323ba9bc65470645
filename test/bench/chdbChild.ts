// Shared parts of the in-process stages (writer, query): a throwaway chDB with metering's
// migrations, and the CPU/RSS counters of this process (chDB's threads included).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrateClickHouse } from '../../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse, type ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'
import { meteringMigrationsDir } from '../../metering/migrations.ts'

export async function openBenchClickHouse(prefix: string): Promise<{ handle: ClickHouseHandle; destroy(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  const handle = await openClickHouse({ dataDir })
  await migrateClickHouse(handle, meteringMigrationsDir)
  return {
    handle,
    async destroy() {
      await handle.close()
      if (dataDir.startsWith(tmpdir())) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function cpuSec(): number {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1e6
}

/** Runs `fn` once, adding the process's CPU seconds to `cpu` and the wall milliseconds to `wall`. */
export async function timed(fn: () => Promise<unknown>, cpu: number[], wall: number[]): Promise<void> {
  const c0 = cpuSec()
  const t0 = performance.now()
  await fn()
  wall.push(performance.now() - t0)
  cpu.push(cpuSec() - c0)
}

export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024
}

export async function scalar(handle: ClickHouseHandle, query: string): Promise<string> {
  const rs = await handle.client.query({ query, format: 'JSONEachRow' })
  const rows = await rs.json<Record<string, unknown>>()
  return String(Object.values(rows[0] ?? {})[0])
}

/** Runs `main` as a forked child: replies to each message with `handle(msg)`'s answer. */
export function serveChild(
  init: () => Promise<{ ready: Record<string, unknown>; handle(msg: Record<string, unknown>): Promise<Record<string, unknown>>; close(): Promise<void> }>,
): void {
  init().then(
    ({ ready, handle, close }) => {
      process.on('message', (msg: Record<string, unknown>) => {
        if (msg.type === 'stop') {
          close().finally(() => process.exit(0))
          return
        }
        handle(msg).then(
          (reply) => process.send?.({ type: 'result', ...reply }),
          (err: unknown) => process.send?.({ type: 'error', message: String((err as Error).stack ?? err) }),
        )
      })
      process.send?.({ type: 'ready', ...ready })
    },
    (err: unknown) => {
      process.send?.({ type: 'error', message: String((err as Error).stack ?? err) })
      process.exit(1)
    },
  )
}
