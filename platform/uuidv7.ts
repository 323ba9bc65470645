// Time-ordered UUIDs (version 7, RFC 9562 §5.7) for ledger rows written in bulk (issue 20). A
// random v4 id puts every insert on a random leaf of its primary key and of every index that
// leads with it (lines by invoice, journal lines by entry …); once those indexes outgrow the
// embedded ledger's buffer pool each insert is a page miss. A v7 id grows with time, so a run's
// inserts land on the right-most leaves, which stay in the pool.
//
// Layout (big-endian, 128 bits):
//   48 bits  unix time in milliseconds
//    4 bits  version 0b0111
//   12 bits  counter, high part   (rand_a)
//    2 bits  variant 0b10
//   30 bits  counter, low part    (rand_b's first 30 bits)
//   32 bits  random               (rand_b's last 32 bits)
// The 42-bit counter is RFC 9562's "fixed bit-length dedicated counter" (method 1, §6.2): seeded
// with 41 random bits (its top bit 0, so it has 2^41 increments of headroom) at each new
// millisecond and incremented by one for each id within it; should it overflow, the id borrows
// the next millisecond. So ids from one process sort in the order they were made, even within a
// millisecond or when the wall clock steps back (the last time is kept until the clock passes
// it), and each still carries 73 random bits (41 in the seed, 32 per id).
//
// The time is the wall clock's (Date.now), NOT the injected Clock of the caller: it only orders
// inserts, no code reads it back, and a business date (a fixed test clock, a back-dated run)
// would put a run's ids anywhere in the index. What it does reveal is when the row was written,
// to the millisecond, to anyone who sees the id: fine for invoices, lines and journal rows,
// whose ids are not secrets (every read is scoped by organisation), and why secrets (API keys,
// session tokens, webhook secrets) never use this.
import { randomFillSync } from 'node:crypto'

const COUNTER_BITS = 42
const COUNTER_MAX = 2 ** COUNTER_BITS - 1
/** Random bytes taken from the OS a pool at a time (as node's randomUUID does), not per id. */
const POOL_BYTES = 4096

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export type UuidV7Generator = () => string

/**
 * A generator with its own sequence; `now` is injectable for tests (clock steps back, many ids
 * in one millisecond). Production code uses `uuidv7`, the process's one sequence.
 */
export function createUuidV7(now: () => number = Date.now): UuidV7Generator {
  const pool = Buffer.alloc(POOL_BYTES)
  let poolAt = POOL_BYTES
  const random = (bytes: number): number => {
    if (poolAt + bytes > POOL_BYTES) {
      randomFillSync(pool)
      poolAt = 0
    }
    let value = 0
    for (let i = 0; i < bytes; i++) value = value * 256 + pool[poolAt++]!
    return value
  }
  /** 41 random bits: the top bit of the 42-bit counter stays 0. */
  const seed = () => random(6) % 2 ** (COUNTER_BITS - 1)
  let lastMs = -1
  let counter = 0
  return () => {
    const ms = now()
    if (ms > lastMs) {
      lastMs = ms
      counter = seed()
    } else if (counter < COUNTER_MAX) {
      counter++
    } else {
      lastMs++
      counter = seed()
    }
    const high = Math.floor(counter / 2 ** 30) // 12 bits
    const low = counter % 2 ** 30 // 30 bits
    const tail = random(4)
    const msHigh = Math.floor(lastMs / 2 ** 16) // 32 bits
    const b = [
      msHigh >>> 24,
      (msHigh >>> 16) & 0xff,
      (msHigh >>> 8) & 0xff,
      msHigh & 0xff,
      (lastMs >>> 8) & 0xff,
      lastMs & 0xff,
      0x70 | (high >>> 8),
      high & 0xff,
      0x80 | (low >>> 24),
      (low >>> 16) & 0xff,
      (low >>> 8) & 0xff,
      low & 0xff,
      tail >>> 24,
      (tail >>> 16) & 0xff,
      (tail >>> 8) & 0xff,
      tail & 0xff,
    ].map((x) => HEX[x]!)
    return `${b[0]}${b[1]}${b[2]}${b[3]}-${b[4]}${b[5]}-${b[6]}${b[7]}-${b[8]}${b[9]}-${b[10]}${b[11]}${b[12]}${b[13]}${b[14]}${b[15]}`
  }
}

// NOTE: one sequence for the process, made on first use: ids are ordered across every writer of
// the process, which a generator per repository would not give. It holds no resource to close.
let shared: UuidV7Generator | undefined

/** A new time-ordered id (see the top of this file); a valid Postgres `uuid`. */
export function uuidv7(): string {
  shared ??= createUuidV7()
  return shared()
}
