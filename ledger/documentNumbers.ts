// Gap-free per-organisation document numbers. The counter row is created on first use
// (`on conflict do nothing`) and incremented with `update … returning` in the caller's
// transaction: the row lock queues concurrent finalizations, and a rollback returns the
// number, so numbers are 1, 2, 3 … with no gaps and no duplicates (unlike a sequence,
// which never gives a number back).
import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../platform/postgres/database.ts'
import { documentCounters } from './schema/invoices.ts'

export async function nextDocumentNumber(tx: Database, orgId: string, kind: 'invoice' | 'credit_note'): Promise<number> {
  return (await nextDocumentNumbers(tx, orgId, kind, 1))[0]!
}

/** `count` consecutive numbers in one statement (a chunk of a rating run finalizing many invoices), in order. */
export async function nextDocumentNumbers(tx: Database, orgId: string, kind: 'invoice' | 'credit_note', count: number): Promise<number[]> {
  if (count <= 0) return []
  await tx.insert(documentCounters).values({ orgId, kind, last: 0 }).onConflictDoNothing()
  const [row] = await tx
    .update(documentCounters)
    .set({ last: sql`${documentCounters.last} + ${count}` })
    .where(and(eq(documentCounters.orgId, orgId), eq(documentCounters.kind, kind)))
    .returning({ last: documentCounters.last })
  return Array.from({ length: count }, (_, i) => row!.last - count + 1 + i)
}
