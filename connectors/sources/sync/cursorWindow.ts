// Cursor arithmetic of an incremental sync, on the source's own text of the cursor value:
// where a run starts reading (checkpoint − allowed lateness, inclusive) and how far behind the
// source's newest synced row is. Times are UTC microseconds in a BigInt (Postgres and MySQL keep
// microseconds; a JS Date would drop three digits and could skip rows at the window's edge).
import { Dec } from '../../../platform/decimal.ts'
import type { SyncCursor } from '../../../ledger/sourceStore.ts'

const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

/** A time cursor's text (`2026-03-01 10:00:00.123456+00`, `2026-03-01`, `…T10:00:00Z`) as UTC microseconds; null when it is not one. */
export function timeMicros(text: string): bigint | null {
  const m = TIME.exec(text)
  if (m === null) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  let micros = BigInt(ms) * 1000n + BigInt(frac.padEnd(6, '0'))
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n
    const digits = zone.slice(1).replace(':', '')
    const minutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'))
    micros -= sign * minutes * 60_000_000n
  }
  return micros
}

/** UTC microseconds as `YYYY-MM-DD HH:MM:SS.ffffff`, text both Postgres and MySQL read as that instant in a UTC session. */
export function formatMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n)
  const iso = new Date(Number(ms)).toISOString()
  const sub = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${sub.toString().padStart(6, '0')}`
}

/** The first cursor value a run reads: checkpoint − lateness (the run reads `>=` it). */
export function windowStart(checkpoint: string, cursor: Pick<SyncCursor, 'type' | 'lateness'>): string {
  if (cursor.type === 'number') return new Dec(checkpoint).minus(cursor.lateness).toFixed()
  const micros = timeMicros(checkpoint)
  if (micros === null) throw new Error(`checkpoint ${JSON.stringify(checkpoint)} is not a time`)
  return formatMicros(micros - BigInt(new Dec(cursor.lateness).times(1_000_000).toFixed(0)))
}

/** How far the checkpoint is behind `now`, in ms (time cursors only; null for a number cursor or no checkpoint). */
export function lagMs(checkpoint: string | null, cursor: Pick<SyncCursor, 'type'> | undefined, now: Date): number | null {
  if (checkpoint === null || cursor?.type !== 'time') return null
  const micros = timeMicros(checkpoint)
  return micros === null ? null : Math.max(0, now.getTime() - Number(micros / 1000n))
}
