// Multi-row statements for a chunk of rating drafts (invoiceDraftBatch.ts): each kind of write
// of the chunk is one statement (or a few, kept under Postgres' 65,535 bind parameters), not
// one per invoice. Updates pass their rows as one JSON parameter expanded by
// `jsonb_to_recordset`, which both drivers (PGlite, pg) send as a single bind value.
// Amounts stay strings in the JSON and become `numeric` through their text form (invariant 3).
import { inArray, sql } from 'drizzle-orm'
import type { Database } from '../platform/postgres/database.ts'
import type { InvoiceRow } from './draftDecision.ts'
import { invoiceLines, invoices } from './schema/invoices.ts'

type LineInsert = typeof invoiceLines.$inferInsert

/** Rows per INSERT: an invoice row binds 21 values and a line 20, so 1,000 stay far below the limit. */
const ROWS_PER_INSERT = 1_000

export function chunks<T>(rows: readonly T[], size = ROWS_PER_INSERT): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

export async function insertDraftRows(tx: Database, rows: readonly InvoiceRow[]): Promise<void> {
  for (const part of chunks(rows)) await tx.insert(invoices).values(part)
}

export async function insertLineRows(tx: Database, rows: readonly LineInsert[]): Promise<void> {
  for (const part of chunks(rows)) await tx.insert(invoiceLines).values(part)
}

export async function deleteLinesOf(tx: Database, invoiceIds: readonly string[]): Promise<void> {
  for (const part of chunks(invoiceIds)) await tx.delete(invoiceLines).where(inArray(invoiceLines.invoiceId, part))
}

/** Replaces the rated columns of re-rated drafts (draftDecision.ts `draftHeader`). */
export async function updateDraftHeaders(tx: Database, rows: readonly InvoiceRow[]): Promise<void> {
  if (rows.length === 0) return
  const json = rows.map((r) => ({
    id: r.id,
    period_index: r.periodIndex,
    currency: r.currency,
    total: r.total,
    content_hash: r.contentHash,
    rating_input: r.ratingInput,
    credit_draws: r.creditDraws,
    grace_until: r.graceUntil.toISOString(),
    due_date: r.dueDate,
    rated_at: r.ratedAt.toISOString(),
  }))
  await tx.execute(sql`update invoices i set period_index = v.period_index, currency = v.currency, total = v.total,
      content_hash = v.content_hash, rating_input = v.rating_input, credit_draws = v.credit_draws,
      grace_until = v.grace_until, due_date = v.due_date, rated_at = v.rated_at
    from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as v(id uuid, period_index integer, currency text, total numeric,
      content_hash text, rating_input jsonb, credit_draws jsonb, grace_until timestamptz, due_date date, rated_at timestamptz)
    where i.id = v.id and i.status = 'draft'`)
}

/** Moves the grace deadline of drafts whose content did not change. */
export async function moveGraceDeadlines(tx: Database, rows: readonly Pick<InvoiceRow, 'id' | 'graceUntil'>[]): Promise<void> {
  if (rows.length === 0) return
  const json = rows.map((r) => ({ id: r.id, grace_until: r.graceUntil.toISOString() }))
  await tx.execute(sql`update invoices i set grace_until = v.grace_until
    from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as v(id uuid, grace_until timestamptz)
    where i.id = v.id and i.status = 'draft'`)
}

/**
 * Drafts → finalized with the numbers, instants and totals with tax given (numbers taken in the
 * same transaction, documentNumbers.ts; tax fixed just before, tax/invoiceTaxes.ts). Returns how many rows changed: fewer than asked means a row was not a
 * draft any more, which the caller's locks rule out, so it rolls back.
 */
export async function finalizeDraftRows(
  tx: Database,
  rows: readonly {
    id: string
    number: number
    billingEntityId: string | null
    displayNumber: string | null
    finalizedAt: Date
    total: string
    taxTotal: string
  }[],
): Promise<number> {
  if (rows.length === 0) return 0
  const json = rows.map((r) => ({
    id: r.id,
    number: r.number,
    billing_entity_id: r.billingEntityId,
    display_number: r.displayNumber,
    finalized_at: r.finalizedAt.toISOString(),
    total: r.total,
    tax_total: r.taxTotal,
  }))
  const result = await tx.execute(sql`update invoices i set status = 'finalized', number = v.number, billing_entity_id = v.billing_entity_id,
      display_number = v.display_number, finalized_at = v.finalized_at, total = v.total, tax_total = v.tax_total
    from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as v(id uuid, number integer, billing_entity_id uuid, display_number text, finalized_at timestamptz, total numeric, tax_total numeric)
    where i.id = v.id and i.status = 'draft' returning i.id`)
  return (result as unknown as { rows: unknown[] }).rows.length
}
