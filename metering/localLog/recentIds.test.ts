// The event log's id index (recentIds.ts) on a real LMDB environment: which resends it answers
// duplicate, how long it keeps an id after the drain released it, and a reopen.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { eventRow } from '../../test/support/eventRows.ts'
import type { EventRow } from '../eventRow.ts'
import { openLocalEventLog, type LocalEventLog } from './localEventLog.ts'
import type { RecentIdsOptions } from './recentIds.ts'

const dirs: string[] = []
const opened: LocalEventLog[] = []
afterEach(async () => {
  for (const log of opened.splice(0)) await log.close().catch(() => undefined)
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tally-recent-ids-'))
  dirs.push(dir)
  return dir
}
function logAt(dir: string, recent: Partial<RecentIdsOptions> = {}): LocalEventLog {
  const log = openLocalEventLog({ path: dir, maxBytes: 1 << 20, recent: { dedupWindowMs: 34 * 86_400_000, ...recent } })
  opened.push(log)
  return log
}
const rows = (...ids: string[]) => ids.map((id) => eventRow({ event_id: id }))
const peekIds = (log: LocalEventLog) => log.peek(1_000)?.rows.map((r) => r.event_id) ?? []
/** Drains the whole log, as the drain does after its insert. */
async function drainAll(log: LocalEventLog): Promise<void> {
  const batch = log.peek(1_000)
  if (batch !== null) await log.release(batch)
}

describe('event log id index', () => {
  it('answers an id the log holds as a duplicate and does not append it again; another org, or a copy moved past the dedup window, is new', async () => {
    const log = logAt(freshDir())
    expect((await log.append(rows('a', 'b'))).duplicateAt).toEqual([false, false])
    // A resend of a, a repeat of c inside the batch, and d: one entry with c and d.
    const again = await log.append(rows('a', 'c', 'c', 'd'))
    expect(again.duplicateAt).toEqual([true, false, true, false])
    expect(peekIds(log)).toEqual(['a', 'b', 'c', 'd'])
    // Every row seen: no entry at all.
    expect(await log.append(rows('b', 'd'))).toEqual({ duplicateAt: [true, true], seq: null })
    expect(log.committedSeq()).toBe(2)

    const otherOrg: EventRow = eventRow({ event_id: 'a', org_id: 'org-b' })
    // The drain's rule: a copy whose timestamp moved by more than the window counts again.
    const moved: EventRow = eventRow({ event_id: 'a', timestamp: '2024-04-09 10:15:30.001' })
    const near: EventRow = eventRow({ event_id: 'b', timestamp: '2024-04-08 10:15:30.000' })
    expect((await log.append([otherOrg, moved, near])).duplicateAt).toEqual([false, false, true])
  })

  it('answers concurrent appends of one id (one commit) with one accepted copy', async () => {
    const log = logAt(freshDir())
    const results = await Promise.all(Array.from({ length: 20 }, () => log.append(rows('same'))))
    expect(results.filter((r) => !r.duplicateAt[0])).toHaveLength(1)
    expect(peekIds(log)).toEqual(['same'])
  })

  it('keeps a drained id while it is among the last keepIds drained and drained less than keepMs ago, then forgets it', async () => {
    let now = 1_000_000
    const log = logAt(freshDir(), { keepIds: 3, keepMs: 60_000, now: () => now })
    await log.append(rows('a', 'b'))
    await drainAll(log)
    expect(log.recentIds.drainedIds()).toBe(2)
    // Released, not forgotten: a resend after the drain is still a duplicate.
    expect((await log.append(rows('a'))).duplicateAt).toEqual([true])

    // Two more ids drained: 4 > 3, so the oldest entry (a and b, released together) goes.
    await log.append(rows('c', 'd'))
    await drainAll(log)
    expect(log.recentIds.drainedIds()).toBe(2)
    expect(log.recentIds.size()).toBe(2)
    expect((await log.append(rows('a', 'c'))).duplicateAt).toEqual([false, true])

    // Age: 'a' (appended again above) drains now; a minute later the next release prunes c, d and a.
    await drainAll(log)
    now += 60_001
    await log.append(rows('e'))
    await drainAll(log)
    expect(log.recentIds.size()).toBe(1)
    expect((await log.append(rows('c', 'd', 'e'))).duplicateAt).toEqual([false, false, true])
  })

  it('never forgets an id whose entry still waits in the log, whatever the bounds', async () => {
    const log = logAt(freshDir(), { keepIds: 0, keepMs: 0 })
    await log.append(rows('a'))
    await log.append(rows('b'))
    await log.release(log.peek(1)!) // a drained (and pruned at once), b waiting
    expect((await log.append(rows('a', 'b'))).duplicateAt).toEqual([false, true])
  })

  it('keeps the index and the drained count across a reopen', async () => {
    const dir = freshDir()
    const before = logAt(dir)
    await before.append(rows('a', 'b'))
    await drainAll(before)
    await before.append(rows('c'))
    await before.close()

    const after = logAt(dir)
    expect(after.recentIds.drainedIds()).toBe(2)
    expect(after.pendingRows()).toBe(1)
    expect((await after.append(rows('a', 'c', 'z'))).duplicateAt).toEqual([true, true, false])
    expect(peekIds(after)).toEqual(['c', 'z'])
  })
})
