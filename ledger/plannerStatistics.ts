// Planner statistics for the tables a rating run grows (issue 20). PGlite runs no autovacuum,
// and a server may have it off or lagging, so without this the tables a run writes are never
// analyzed: with no statistics Postgres prices each `col = v` at 0.5% of the rows, so a chunk's
// `invoice_id in (200 ids)` reads as "every row" and is answered by a sequential scan whose cost
// grows with the ledger (measured: the chunk's invoice-lines read 10 ms → 200 ms over a
// 20,000-contract run on the server). One ANALYZE, and the same read is an index scan again.
//
// The bulk writer (invoiceDraftBatch.ts) counts the rows its chunks write per database and
// analyzes those tables after the first chunk of the process and then each time the count has
// doubled, so a run pays log2(rows) analyzes (each samples at most 30,000 rows per table) and
// the statistics keep the proportions the plans depend on (rows per invoice, per contract).
// ANALYZE runs outside the chunk's transaction: it takes no row locks and only queues behind
// another ANALYZE of the same table, so concurrent runs cannot deadlock on it.
import { sql } from 'drizzle-orm'
import type { Database } from '../platform/postgres/database.ts'

/**
 * The tables a chunk reads by lists of ids through a non-unique index column (invoices by
 * contract, lines and taxes by invoice, journal lines by contract, journal entries by source,
 * grants by customer). A list on a primary key or unique column (contracts, customers) is priced
 * from the index's uniqueness without statistics, and each table analyzed costs a sample of up to
 * 30,000 rows (PGlite, the ten tables first listed here, load 18–30: 0.66 s at 3,200 invoices, 8.2 s at
 * 12,800), so only these are analyzed.
 */
export const RATED_TABLES = ['credit_grants', 'invoices', 'invoice_lines', 'invoice_line_taxes', 'journal_entries', 'journal_lines'] as const

/** The first analyze after this many rows when the process's first chunk found fewer. */
const FIRST_THRESHOLD = 1_000

interface Counter {
  written: number
  /** Analyze again when `written` reaches this; 0: at the next chunk (the process's first). */
  next: number
  running: Promise<void> | undefined
}

const counters = new WeakMap<Database, Counter>()

/** Counts `rows` written by a committed chunk and analyzes the rated tables when the count is due. */
export async function afterChunkWritten(db: Database, rows: number): Promise<void> {
  let c = counters.get(db)
  if (c === undefined) counters.set(db, (c = { written: 0, next: 0, running: undefined }))
  c.written += rows
  if (c.written < c.next || c.running !== undefined) return
  c.next = Math.max(FIRST_THRESHOLD, c.written * 2)
  c.running = analyzeRatedTables(db)
  try {
    await c.running
  } finally {
    c.running = undefined
  }
}

export async function analyzeRatedTables(db: Database): Promise<void> {
  await db.execute(sql.raw(`analyze ${RATED_TABLES.join(', ')}`))
}
