// Gap-free document numbers per issuer: the organisation itself (document_counters) or one of its
// billing entities (billing_entity_counters). The counter row is created on first use
// (`on conflict do nothing`) and incremented with `update … returning` in the caller's
// transaction: the row lock queues concurrent finalizations of the same issuer, and a rollback
// returns the number, so numbers are 1, 2, 3 … with no gaps and no duplicates (unlike a
// sequence, which never gives a number back).
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../platform/postgres/database.ts'
import { billingEntities, billingEntityCounters } from './schema/billingEntities.ts'
import { customers } from './schema/customers.ts'
import { documentCounters } from './schema/invoices.ts'

export type DocumentKind = 'invoice' | 'credit_note'

/** Whose sequence a document is numbered from: a billing entity of the organisation, or (null) the organisation. */
export interface Issuer {
  orgId: string
  billingEntityId: string | null
}

export interface DocumentNumber {
  number: number
  /** The issuer's prefix + the number padded to DISPLAY_NUMBER_DIGITS; null when the issuer has no prefix for the kind. */
  displayNumber: string | null
}

/** `ACME-2026-` + 42 → `ACME-2026-000042`; a number past 999999 keeps all its digits. */
export const DISPLAY_NUMBER_DIGITS = 6

export function displayNumber(prefix: string | null, number: number): string | null {
  return prefix === null ? null : `${prefix}${String(number).padStart(DISPLAY_NUMBER_DIGITS, '0')}`
}

export async function nextDocumentNumber(tx: Database, issuer: Issuer, kind: DocumentKind): Promise<DocumentNumber> {
  return (await nextDocumentNumbers(tx, { ...issuer, kind }, 1))[0]!
}

/** `count` consecutive numbers in one statement (a chunk of a rating run finalizing many invoices), in order. */
export async function nextDocumentNumbers(tx: Database, of: Issuer & { kind: DocumentKind }, count: number): Promise<DocumentNumber[]> {
  if (count <= 0) return []
  const last = of.billingEntityId === null ? await bumpOrganisation(tx, of.orgId, of.kind, count) : await bumpEntity(tx, of.billingEntityId, of.kind, count)
  const prefix = of.billingEntityId === null ? null : await prefixOf(tx, of.billingEntityId, of.kind)
  return Array.from({ length: count }, (_, i) => {
    const number = last - count + 1 + i
    return { number, displayNumber: displayNumber(prefix, number) }
  })
}

async function bumpOrganisation(tx: Database, orgId: string, kind: DocumentKind, count: number): Promise<number> {
  await tx.insert(documentCounters).values({ orgId, kind, last: 0 }).onConflictDoNothing()
  const [row] = await tx
    .update(documentCounters)
    .set({ last: sql`${documentCounters.last} + ${count}` })
    .where(and(eq(documentCounters.orgId, orgId), eq(documentCounters.kind, kind)))
    .returning({ last: documentCounters.last })
  return row!.last
}

async function bumpEntity(tx: Database, billingEntityId: string, kind: DocumentKind, count: number): Promise<number> {
  await tx.insert(billingEntityCounters).values({ billingEntityId, kind, last: 0 }).onConflictDoNothing()
  const [row] = await tx
    .update(billingEntityCounters)
    .set({ last: sql`${billingEntityCounters.last} + ${count}` })
    .where(and(eq(billingEntityCounters.billingEntityId, billingEntityId), eq(billingEntityCounters.kind, kind)))
    .returning({ last: billingEntityCounters.last })
  return row!.last
}

async function prefixOf(tx: Database, billingEntityId: string, kind: DocumentKind): Promise<string | null> {
  const [row] = await tx
    .select({ invoice: billingEntities.invoicePrefix, creditNote: billingEntities.creditNotePrefix })
    .from(billingEntities)
    .where(eq(billingEntities.id, billingEntityId))
  return (kind === 'invoice' ? row?.invoice : row?.creditNote) ?? null
}

/** Each customer's issuer: its billing entity now (finalization fixes it on the document), or null. */
export async function customerIssuers(tx: Database, customerIds: readonly string[]): Promise<Map<string, string | null>> {
  if (customerIds.length === 0) return new Map()
  const rows = await tx
    .select({ id: customers.id, billingEntityId: customers.billingEntityId })
    .from(customers)
    .where(inArray(customers.id, [...new Set(customerIds)]))
  return new Map(rows.map((r) => [r.id, r.billingEntityId]))
}
