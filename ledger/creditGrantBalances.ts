// What a credit grant has left, read in the transaction that decides with it. The balance is
// never stored: it is the grant's entries (grant + top-ups − expire − void) less every live draw,
// a draw being an entry `{ id: <grant id>, drawn }` in a not-void invoice's credit_draws
// (written by rating, whatever the invoice's date; a void invoice's draw is reversed by the
// void). Readers that decide (rating, a top-up, a void, an expiry) first lock the grant rows
// (`select … for update`, in id order so two lockers never deadlock), so two rating runs of the
// customer's contracts draw one after the other, the second seeing the first's invoice.
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm'
import { Dec } from '../platform/decimal.ts'
import type { Database } from '../platform/postgres/database.ts'
import { creditGrantEntries, creditGrants } from './schema/creditGrants.ts'
import { invoices } from './schema/invoices.ts'

export type CreditGrantRow = typeof creditGrants.$inferSelect
export type CreditEntryRow = typeof creditGrantEntries.$inferSelect

/** One invoice's draw of a grant; `live` while the invoice is not void. */
export interface CreditGrantDraw {
  grantId: string
  invoiceId: string
  invoiceNumber: number | null
  contractId: string
  billingDate: string
  invoiceStatus: string
  drawn: string
  live: boolean
}

/**
 * A grant as rating/compute's credit term reads it (rating/compute/credits.ts
 * `creditGrantSchema`): `amount` is what this contract may still draw before its own invoices'
 * draws, which rating takes off as it does for a contract term's grant.
 */
export type CreditGrantTerm = {
  id: string
  amount: string
  currency: string
  priority: number
  granted_at: string
  expires_at?: string
}

/** Every draw of `grantIds` by the customer's invoices, oldest billing date first. */
export async function grantDraws(
  tx: Database,
  customerId: string,
  grantIds: readonly string[],
  opts: { exceptContract?: string } = {},
): Promise<CreditGrantDraw[]> {
  if (grantIds.length === 0) return []
  const rows = await tx
    .select({
      id: invoices.id,
      number: invoices.number,
      contractId: invoices.contractId,
      billingDate: invoices.billingDate,
      status: invoices.status,
      creditDraws: invoices.creditDraws,
    })
    .from(invoices)
    .where(
      and(
        eq(invoices.customerId, customerId),
        sql`jsonb_array_length(${invoices.creditDraws}) > 0`,
        opts.exceptContract === undefined ? undefined : ne(invoices.contractId, opts.exceptContract),
      ),
    )
    .orderBy(asc(invoices.billingDate), asc(invoices.createdAt))
  const wanted = new Set(grantIds)
  return rows.flatMap((r) =>
    r.creditDraws
      .filter((d) => wanted.has(d.id))
      .map((d) => ({
        grantId: d.id,
        invoiceId: r.id,
        invoiceNumber: r.number,
        contractId: r.contractId,
        billingDate: r.billingDate,
        invoiceStatus: r.status,
        drawn: d.drawn,
        live: r.status !== 'void',
      })),
  )
}

/**
 * A grant's life in the order it can happen: granted, topped up, then voided or expired (the
 * last: neither takes another entry). It breaks ties of `created_at`, which is the caller's
 * clock: on a fixed clock (tests, a replay) a grant's entries share one instant.
 */
const LIFE_ORDER = sql`case ${creditGrantEntries.kind} when 'grant' then 0 when 'top_up' then 1 else 2 end`

/** The grants' entries, oldest first (same instant: in life order, then by effective date). */
export async function grantEntries(tx: Database, grantIds: readonly string[]): Promise<CreditEntryRow[]> {
  if (grantIds.length === 0) return []
  return tx
    .select()
    .from(creditGrantEntries)
    .where(inArray(creditGrantEntries.grantId, [...grantIds]))
    .orderBy(asc(creditGrantEntries.createdAt), LIFE_ORDER, asc(creditGrantEntries.effectiveDate), asc(creditGrantEntries.id))
}

const SIGN: Record<CreditEntryRow['kind'], 1 | -1> = { grant: 1, top_up: 1, expire: -1, void: -1 }

/** Entries (signed by kind) less live draws; exact, unrounded. */
export function grantBalance(entries: readonly Pick<CreditEntryRow, 'kind' | 'amount'>[], draws: readonly Pick<CreditGrantDraw, 'drawn' | 'live'>[]): Dec {
  const credited = entries.reduce((acc, e) => acc.plus(new Dec(e.amount).times(SIGN[e.kind])), new Dec(0))
  return draws.filter((d) => d.live).reduce((acc, d) => acc.minus(d.drawn), credited)
}

/** A grant as rating's credit term, with `left` (never below zero) as its amount. */
function termOf(r: CreditGrantRow, left: Dec): CreditGrantTerm {
  return {
    id: r.id,
    amount: (left.isNegative() ? new Dec(0) : left).toFixed(),
    currency: r.currency,
    priority: r.priority,
    granted_at: r.effectiveDate,
    ...(r.expiryDate === null ? {} : { expires_at: r.expiryDate }),
  }
}

/** Locks the rows (`for update`, id order) of the grants `where` selects and returns them. */
export async function lockGrants(tx: Database, where: ReturnType<typeof and>): Promise<CreditGrantRow[]> {
  return tx.select().from(creditGrants).where(where).orderBy(asc(creditGrants.id)).for('update')
}

/**
 * The customer's grants a rating of `contractId` may draw, locked for the rest of the
 * transaction: each not void, its amount what is left after the entries and every live draw of
 * the customer's other contracts. Rating takes this contract's own live draws off as it does for
 * a contract term's grant (all of its invoices but the draft being re-rated), and the dates
 * (effective, expiry) are rating's to apply against the invoice's date.
 */
export async function lockedGrantsForContract(tx: Database, input: { orgId: string; customerId: string; contractId: string }): Promise<CreditGrantTerm[]> {
  const rows = await lockGrants(tx, and(eq(creditGrants.orgId, input.orgId), eq(creditGrants.customerId, input.customerId), ne(creditGrants.status, 'void')))
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  // One statement at a time: a transaction holds one connection (and PGlite runs one statement at a time).
  const entries = await grantEntries(tx, ids)
  const draws = await grantDraws(tx, input.customerId, ids, { exceptContract: input.contractId })
  return rows.map((r) =>
    termOf(
      r,
      grantBalance(
        entries.filter((e) => e.grantId === r.id),
        draws.filter((d) => d.grantId === r.id),
      ),
    ),
  )
}

/**
 * The chunk path of a rating run (invoiceDraftBatch.ts): the grants of every customer of the
 * chunk's contracts, locked at once (id order), each with what is left after its entries and
 * the live draws of contracts outside the chunk. `forContract` then takes off the draws of the
 * customer's other contracts in the chunk as their sessions hold them (`rowsOf`: a contract's
 * invoice rows, with the writes held so far), so contracts rated one after the other in a chunk
 * see each other's draws as two transactions would.
 */
export async function lockedGrantsForChunk(
  tx: Database,
  chunk: readonly { orgId: string; id: string; customerId: string }[],
): Promise<{
  forContract(contractId: string, rowsOf: (contractId: string) => readonly Pick<typeof invoices.$inferSelect, 'status' | 'creditDraws'>[]): CreditGrantTerm[]
}> {
  const customers = [...new Set(chunk.map((c) => c.customerId))]
  const rows = customers.length === 0 ? [] : await lockGrants(tx, and(inArray(creditGrants.customerId, customers), ne(creditGrants.status, 'void')))
  const inChunk = new Set(chunk.map((c) => c.id))
  const base = new Map<string, Dec>()
  for (const customerId of new Set(rows.map((r) => r.customerId))) {
    const ids = rows.filter((r) => r.customerId === customerId).map((r) => r.id)
    const entries = await grantEntries(tx, ids)
    const draws = (await grantDraws(tx, customerId, ids)).filter((d) => !inChunk.has(d.contractId))
    for (const id of ids)
      base.set(
        id,
        grantBalance(
          entries.filter((e) => e.grantId === id),
          draws.filter((d) => d.grantId === id),
        ),
      )
  }
  return {
    forContract(contractId, rowsOf) {
      const contract = chunk.find((c) => c.id === contractId)!
      const others = chunk.filter((c) => c.customerId === contract.customerId && c.id !== contractId)
      const drawnInChunk = others.flatMap((c) =>
        rowsOf(c.id)
          .filter((r) => r.status !== 'void')
          .flatMap((r) => r.creditDraws),
      )
      return rows
        .filter((r) => r.customerId === contract.customerId && r.orgId === contract.orgId)
        .map((r) => {
          const left = drawnInChunk.filter((d) => d.id === r.id).reduce((acc, d) => acc.minus(d.drawn), base.get(r.id)!)
          return termOf(r, left)
        })
    },
  }
}
