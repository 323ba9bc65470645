// Issue 12: the drain's recovery SIGKILLed in the middle of its lightweight DELETE, at the one
// instant where the delete can outlive the process: its mutation is on disk and no part has
// been mutated yet. After the restart ClickHouse resumes the mutation in the background. The
// drain relies on that mutation masking only the parts that existed when it was issued (a
// mutation applies to parts whose data version is below its own, and the restart initialises
// the block-number counter above every mutation on disk, so later parts are out of its reach);
// if a resumed mutation masked rows inserted after the restart, those rows would vanish from
// the rollups while `events` keeps them. Real chDB in two processes, no timing: the DELETE is
// held by stopped merges, and the kill waits for the mutation file.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { EventRow } from '../../metering/eventRow.ts'
import { eventRow } from '../support/eventRows.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), 'tally-rollup-delete-killed-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const at = (customer: string, id: string, timestamp: string): EventRow =>
  eventRow({ org_id: 'org-delete-killed', customer_id: customer, event_id: id, timestamp })

// Two hours over a month boundary (two partitions per rollup); `late` and `next` fall in the
// same hours as `first`, so the interrupted DELETE's predicate matches their rollup rows.
const first = ['2024-01-31 23:05:00.000', '2024-01-31 23:40:00.000', '2024-02-01 00:10:00.000', '2024-02-01 00:50:00.000'].map((t, i) =>
  at('cust-first', `f${i}`, t),
)
const late = ['2024-01-31 23:06:00.000', '2024-02-01 00:11:00.000', '2024-02-01 00:12:00.000'].map((t, i) => at('cust-late', `l${i}`, t))
const next = ['2024-01-31 23:07:00.000', '2024-02-01 00:13:00.000'].map((t, i) => at('cust-next', `n${i}`, t))

/** Runs rollupDeleteProcess.ts in `phase` and resolves with its stdout once it has exited (by a kill or by itself). */
function runPhase(phase: 'delete' | 'restart'): Promise<{ stdout: string; signal: NodeJS.Signals | null }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/fault/rollupDeleteProcess.ts'), JSON.stringify({ phase, dataDir, first, late, next })],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let stdout = ''
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
  return new Promise((resolve) => child.on('exit', (_, signal) => resolve({ stdout, signal })))
}

describe('recovery killed inside its lightweight DELETE', () => {
  it('the resumed mutation masks only the rows it was issued for; rows written after the restart survive it and the drain converges', async () => {
    const killed = await runPhase('delete')
    expect(killed.signal).toBe('SIGKILL')
    expect(killed.stdout).toMatch(/^MUTATION mutation_\d+\.txt /m)

    const restarted = await runPhase('restart')
    const line = restarted.stdout.split('\n').find((l) => l.startsWith('RESULT '))
    expect(line).toBeDefined()
    const result = JSON.parse(line!.slice('RESULT '.length)) as {
      mutation: { version: number; doneAtOpen: boolean } | null
      newPartBlocks: number[]
      afterMutation: unknown
      events: unknown
      usage_minute: unknown
      usage_hour: unknown
    }
    // The cut-short DELETE was reloaded, and every part written after the restart (one per
    // month of `late`) numbers its blocks above that mutation's version.
    expect(result.mutation).not.toBeNull()
    expect(result.newPartBlocks).toHaveLength(2)
    for (const block of result.newPartBlocks) expect(block).toBeGreaterThan(result.mutation!.version)
    // Once the resumed mutation finished: `first` is masked (the DELETE did take effect after
    // the restart), `late` is whole.
    expect(result.afterMutation).toEqual([{ customer_id: 'cust-late', events: '3' }])
    // The drain's next batch recovers the intent again and inserts `next`: rollups = events.
    const expected = [
      { customer_id: 'cust-first', events: '4' },
      { customer_id: 'cust-late', events: '3' },
      { customer_id: 'cust-next', events: '2' },
    ]
    expect(result.events).toEqual(expected)
    expect(result.usage_minute).toEqual(expected)
    expect(result.usage_hour).toEqual(expected)
  }, 120_000)
})
