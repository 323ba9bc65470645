// A process for rollupDeleteKilled.test.ts: the drain's recovery killed in the middle of its
// lightweight DELETE, then the restart. Run: node --import tsx rollupDeleteProcess.ts '<json>'.
// - phase `delete`: slot 1 drains `first`, then recovers its intent with merges (and so
//   mutations) stopped on usage_minute, so the DELETE registers its mutation and waits for it
//   forever; once the mutation file is on disk the process SIGKILLs itself. Deterministic: the
//   kill lands after the mutation was written and before any part was mutated.
// - phase `restart`: reopens the store (ClickHouse reloads the unfinished mutation and resumes
//   it in the background), inserts `late` into `events` outside the drain while merges are
//   stopped again, lets the mutation finish, then drains `next` through slot 1 (a recovery
//   first). Prints one JSON line: the mutation, the first block number of every part written
//   after the restart, and what each rollup counts per customer.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { latestIntent } from '../../metering/drainIntent.ts'
import { createDrainSlot } from '../../metering/drainSlot.ts'
import type { EventRow } from '../../metering/eventRow.ts'
import { meteringMigrationsDir } from '../../metering/migrations.ts'
import { rebuildRollups } from '../../metering/rebuildRollups.ts'
import { insertCommitted } from '../../platform/clickhouse/insertCommitted.ts'
import { migrateClickHouse } from '../../platform/clickhouse/migrateClickHouse.ts'
import { openClickHouse, type ClickHouseHandle } from '../../platform/clickhouse/openClickHouse.ts'

interface Args {
  phase: 'delete' | 'restart'
  dataDir: string
  first: EventRow[]
  late: EventRow[]
  next: EventRow[]
}

const SLOT = 1
const WINDOW_MS = 34 * 86_400_000
const args = JSON.parse(process.argv[2] ?? '{}') as Args
const handle = await openClickHouse({ dataDir: args.dataDir })
await migrateClickHouse(handle, meteringMigrationsDir)

async function rows<T>(h: ClickHouseHandle, query: string): Promise<T[]> {
  return (await h.client.query({ query, format: 'JSONEachRow' })).json<T>()
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

if (args.phase === 'delete') {
  await createDrainSlot(handle, { slot: SLOT, dedupWindowMs: WINDOW_MS }).insert(args.first)
  const intent = (await latestIntent(handle, SLOT))!
  const [table] = await rows<{ path: string }>(
    handle,
    `SELECT data_paths[1] AS path FROM system.tables WHERE database = currentDatabase() AND name = 'usage_minute'`,
  )
  await handle.client.command({ query: 'SYSTEM STOP MERGES usage_minute' })
  const mutationFiles = () => readdirSync(table!.path).filter((f) => f.startsWith('mutation_'))
  const before = mutationFiles().length
  // Never resolves: the DELETE waits for a mutation that stopped merges keep from running. A
  // rejection (the DELETE refused) ends the process without the MUTATION line the test waits for.
  rebuildRollups(handle, SLOT, intent.buckets).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`)
    process.exit(1)
  })
  while (mutationFiles().length === before) await sleep(5)
  process.stdout.write(`MUTATION ${mutationFiles().sort().at(-1)} ${join(table!.path)}\n`, () => process.kill(process.pid, 'SIGKILL'))
} else {
  await handle.client.command({ query: 'SYSTEM STOP MERGES usage_minute' })
  const [mutation] = await rows<{ version: string; is_done: number }>(
    handle,
    `SELECT toString(block_numbers.number[1]) AS version, is_done FROM system.mutations
     WHERE database = currentDatabase() AND table = 'usage_minute' AND command LIKE '%_row_exists%'
     ORDER BY block_numbers.number[1] DESC LIMIT 1`,
  )
  const [blocks] = await rows<{ max: string }>(
    handle,
    `SELECT toString(max(max_block_number)) AS max FROM system.parts WHERE database = currentDatabase() AND table = 'usage_minute'`,
  )
  // Rows of the slot and of the hours the unfinished DELETE names, written after it.
  await insertCommitted(handle, { table: 'events', rows: args.late.map((r) => ({ ...r, writer_slot: SLOT })) })
  const newParts = await rows<{ min: string }>(
    handle,
    `SELECT toString(min_block_number) AS min FROM system.parts
     WHERE database = currentDatabase() AND table = 'usage_minute' AND active AND min_block_number > ${Number(blocks!.max)}`,
  )
  await handle.client.command({ query: 'SYSTEM START MERGES usage_minute' })
  for (;;) {
    const [pending] = await rows<{ n: string }>(
      handle,
      `SELECT toString(count()) AS n FROM system.mutations WHERE database = currentDatabase() AND table = 'usage_minute' AND NOT is_done`,
    )
    if (pending!.n === '0') break
    await sleep(50)
  }
  const countBy = (table: string) =>
    rows<{ customer_id: string; events: string }>(
      handle,
      `SELECT customer_id, toString(countMerge(count)) AS events FROM ${table} WHERE field = '' GROUP BY customer_id ORDER BY customer_id`,
    )
  const afterMutation = await countBy('usage_minute')
  await createDrainSlot(handle, { slot: SLOT, dedupWindowMs: WINDOW_MS }).insert(args.next)
  const out = {
    mutation: mutation === undefined ? null : { version: Number(mutation.version), doneAtOpen: mutation.is_done === 1 },
    newPartBlocks: newParts.map((p) => Number(p.min)),
    afterMutation,
    events: await rows<{ customer_id: string; events: string }>(
      handle,
      `SELECT customer_id, toString(count()) AS events FROM events GROUP BY customer_id ORDER BY customer_id`,
    ),
    usage_minute: await countBy('usage_minute'),
    usage_hour: await countBy('usage_hour'),
  }
  await handle.close()
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`)
}
