// The event log on a real LMDB environment in a throwaway directory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { UnavailableError } from '../../platform/errors.ts'
import { eventRow } from '../../test/support/eventRows.ts'
import { openLocalEventLog, type LocalEventLog } from './localEventLog.ts'

const dirs: string[] = []
const open: LocalEventLog[] = []
function logAt(dir: string, maxBytes = 1 << 20): LocalEventLog {
  const log = openLocalEventLog({ path: dir, maxBytes })
  open.push(log)
  return log
}
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tally-eventlog-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  for (const log of open.splice(0)) await log.close().catch(() => undefined)
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const rows = (...ids: string[]) => ids.map((id) => eventRow({ event_id: id }))
const ids = (batch: { rows: Array<{ event_id: string }> } | null) => batch?.rows.map((r) => r.event_id)

describe('local event log', () => {
  it('hands out whole entries, oldest first, until the row limit, and forgets only what is released', async () => {
    const log = logAt(freshDir())
    await Promise.all([log.append(rows('a', 'b')), log.append(rows('c')), log.append(rows('d', 'e', 'f'))])
    expect(log.pendingRows()).toBe(6)
    expect(log.committedSeq()).toBe(3)

    // 2 rows reach the limit of 2: one entry. A limit of 3 takes the second entry whole.
    expect(ids(log.peek(2))).toEqual(['a', 'b'])
    const first = log.peek(3)!
    expect(ids(first)).toEqual(['a', 'b', 'c'])
    // The first entry alone exceeds a limit of 1: it still comes whole (an entry is never split).
    expect(ids(log.peek(1))).toEqual(['a', 'b'])
    // After sequence number 1 (the drain's place while entry 1's release is still committing).
    expect(ids(log.peek(2, 1))).toEqual(['c', 'd', 'e', 'f'])
    expect(log.peek(100, 3)).toBeNull()

    await log.release(first)
    expect(log.pendingRows()).toBe(3)
    expect(ids(log.peek(100))).toEqual(['d', 'e', 'f'])
    await log.release(log.peek(100)!)
    expect(log.peek(100)).toBeNull()
    expect(log.pendingRows()).toBe(0)
    expect(log.pendingBytes()).toBe(0)
  })

  it('reopens with what was not released, counted, and continues the sequence after it', async () => {
    const dir = freshDir()
    const before = logAt(dir)
    await before.append(rows('a'))
    await before.append(rows('b', 'c'))
    await before.release(before.peek(1)!)
    await before.close()

    const after = logAt(dir)
    expect(after.pendingRows()).toBe(2)
    expect(after.committedSeq()).toBe(2)
    await after.append(rows('d'))
    expect(after.committedSeq()).toBe(3)
    expect(ids(after.peek(100))).toEqual(['b', 'c', 'd'])
  })

  it('refuses an append past its byte bound with 503 event_log_full, and accepts again once drained', async () => {
    const one = Buffer.byteLength(JSON.stringify(rows('a')))
    const log = logAt(freshDir(), one * 2)
    await log.append(rows('a'))
    await log.append(rows('b'))
    const refused = await log.append(rows('c')).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(UnavailableError)
    expect(refused).toMatchObject({ code: 'event_log_full', retryAfterSeconds: 5 })
    expect(ids(log.peek(100))).toEqual(['a', 'b'])

    await log.release(log.peek(100)!)
    await log.append(rows('c'))
    expect(ids(log.peek(100))).toEqual(['c'])
  })

  it('refuses appends once closed', async () => {
    const log = logAt(freshDir())
    await log.close()
    await expect(log.append(rows('a'))).rejects.toMatchObject({ code: 'event_log_unavailable' })
  })
})
