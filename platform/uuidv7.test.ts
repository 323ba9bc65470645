import { PGlite } from '@electric-sql/pglite'
import { describe, expect, it } from 'vitest'
import { createUuidV7, uuidv7 } from './uuidv7.ts'

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
/** The 48-bit millisecond at the front of the id. */
const timeOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)
/** The 42-bit counter: rand_a's 12 bits, then the 30 bits of rand_b after the variant. */
const counterOf = (id: string) => {
  const hex = id.replaceAll('-', '')
  return Number.parseInt(hex.slice(13, 16), 16) * 2 ** 30 + (Number.parseInt(hex.slice(16, 24), 16) & 0x3fffffff)
}

describe('uuidv7', () => {
  it('puts the millisecond first, then version 7 and variant 10', () => {
    // 2024-06-27T08:22:41.912Z = 1,719,476,561,912 ms = 0x0190_58ca_27f8
    const id = createUuidV7(() => 1_719_476_561_912)()
    expect(id).toMatch(V7)
    expect(id.slice(0, 13)).toBe('019058ca-27f8')
    expect(timeOf(id)).toBe(1_719_476_561_912)
    expect(uuidv7()).toMatch(V7)
  })

  it('counts up within one millisecond, so ids sort in the order they were made', () => {
    const next = createUuidV7(() => 1_800_000_000_000)
    const ids = Array.from({ length: 10_000 }, next)
    expect(new Set(ids).size).toBe(10_000)
    expect([...ids].sort()).toEqual(ids)
    expect(ids.every((id) => timeOf(id) === 1_800_000_000_000)).toBe(true)
    // Seeded below 2^41 at the millisecond's first id, then +1 an id.
    expect(counterOf(ids[0]!)).toBeLessThan(2 ** 41)
    expect(counterOf(ids[9_999]!) - counterOf(ids[0]!)).toBe(9_999)
    expect(ids.every((id) => id.match(V7))).toBe(true)
  })

  it('reseeds at a new millisecond and keeps the order when the clock steps back', () => {
    let ms = 1_800_000_000_000
    const next = createUuidV7(() => ms)
    const a = next()
    ms += 1
    const b = next()
    ms -= 500 // the wall clock corrected backwards
    const c = next()
    ms += 10_000
    const d = next()
    expect([a, b, c, d].sort()).toEqual([a, b, c, d])
    expect([a, b, c, d].map(timeOf)).toEqual([1_800_000_000_000, 1_800_000_000_001, 1_800_000_000_001, 1_800_000_009_501])
    expect(counterOf(c)).toBe(counterOf(b) + 1)
  })

  it('leaves random bits that differ between generators started in the same millisecond', () => {
    const ids = Array.from({ length: 100 }, () => createUuidV7(() => 1_800_000_000_000)())
    expect(new Set(ids).size).toBe(100)
    expect(new Set(ids.map((id) => id.slice(-8))).size).toBeGreaterThan(90)
  })

  it('is a Postgres uuid that Postgres orders as it was made', async () => {
    const db = await PGlite.create()
    try {
      const next = createUuidV7()
      const ids = Array.from({ length: 500 }, next)
      await db.exec('create table t (id uuid primary key, n integer not null)')
      const shuffled = ids.map((id, n) => ({ id, n })).sort(() => Math.random() - 0.5)
      for (const { id, n } of shuffled) await db.query('insert into t values ($1, $2)', [id, n])
      const rows = (await db.query<{ id: string; n: number }>('select id::text as id, n from t order by id')).rows
      expect(rows.map((r) => r.n)).toEqual(ids.map((_, n) => n))
      expect(rows.map((r) => r.id)).toEqual(ids)
    } finally {
      await db.close()
    }
  })
})
