// Credit grants made through the API (POST /v1/customers/:id/credits): grant, top up, void and
// expire, each an entry of the grant's ledger (schema/creditGrants.ts), each decided under the
// grant's row lock so the balance it reads (creditGrantBalances.ts) cannot move under it. Rating
// draws them (invoiceDrafts.ts locks a contract's customer's grants). A refused request writes
// nothing: it is checked before the first insert, inside the transaction.
import { and, eq, lte } from 'drizzle-orm'
import { ConflictError, NotFoundError, UnprocessableError } from '../platform/errors.ts'
import type { CurrencyTable } from '../platform/currency.ts'
import type { Database } from '../platform/postgres/database.ts'
import { assertDate } from './contracts.ts'
import type { CurrencyRepository } from './currencies.ts'
import type { CustomerRepository } from './customers.ts'
import { assertOrgId, isUuid, toIso, toIsoOrNull } from './ids.ts'
import { parseAmount } from './invoices.ts'
import {
  grantBalance,
  grantDraws,
  grantEntries,
  lockedGrantsForContract,
  lockGrants,
  type CreditGrantDraw,
  type CreditGrantRow,
  type CreditGrantTerm,
} from './creditGrantBalances.ts'
import { creditGrantEntries, creditGrants as table, type CreditEntryKind, type CreditGrantStatus } from './schema/creditGrants.ts'
import { contracts } from './schema/contracts.ts'

export interface CreditEntry {
  id: string
  kind: CreditEntryKind
  amount: string
  effectiveDate: string
  memo: string | null
  createdAt: string
}

export interface CreditGrant {
  id: string
  customerId: string
  currency: string
  amount: string
  priority: number
  effectiveDate: string
  expiryDate: string | null
  status: CreditGrantStatus
  source: string
  memo: string | null
  voidedAt: string | null
  voidReason: string | null
  createdAt: string
  /** Entries less live draws, in the currency's minor units. */
  balance: string
  entries: CreditEntry[]
  draws: CreditGrantDraw[]
}

export interface GrantCreditInput {
  orgId: string
  /** The customer's external id. */
  customer: string
  amount: string
  /** Default: the customer's currency. */
  currency?: string
  priority?: number
  effectiveDate: string
  expiryDate?: string | null
  memo?: string | null
  /** When it is granted (the caller's clock): `created_at` of the grant and its entry. */
  now: Date
}

export interface CreditGrantRepository {
  grant(input: GrantCreditInput): Promise<CreditGrant>
  /** `now` (the caller's clock) is the entry's `created_at`. */
  topUp(input: {
    orgId: string
    grantId: string
    amount: string
    currency?: string
    effectiveDate: string
    memo?: string | null
    now: Date
  }): Promise<CreditGrant>
  /** Idempotent: a void grant stays as it was voided. */
  void(input: { orgId: string; grantId: string; reason: string; now: Date }): Promise<CreditGrant>
  /** Expires every active grant whose expiry date is on or before `asOf`: an `expire` entry of what lapsed, created `now` (the caller's clock). */
  expire(orgId: string, asOf: string, now: Date): Promise<CreditGrant[]>
  /** `expire` in every organisation that has a grant due by `asOf` (the scheduled sweep, creditExpirySweep.ts); idempotent. */
  expireDue(asOf: string, now: Date): Promise<CreditGrant[]>
  get(orgId: string, grantId: string): Promise<CreditGrant>
  listForCustomer(orgId: string, customer: string): Promise<CreditGrant[]>
  /** What rating of `contractId` may draw now, as its session would see it (an invoice preview); read in a short transaction under the grants' lock. */
  drawableFor(input: { orgId: string; customerId: string; contractId: string }): Promise<CreditGrantTerm[]>
}

const fail = (field: string, code: string, message: string) => new UnprocessableError(code, message, [{ field, code, message }])

/** A positive amount in the currency's minor units, else 422 `invalid_amount`. */
function positiveAmount(value: string, currency: string, currencies: CurrencyTable): string {
  const amount = parseAmount(value, 'amount')
  const minor = currencies.minorUnits(currency) ?? 0
  if (!amount.greaterThan(0)) throw fail('amount', 'invalid_amount', `a credit is greater than zero, got ${value}`)
  if (amount.decimalPlaces() > minor) throw fail('amount', 'invalid_amount', `amounts in ${currency} have at most ${minor} decimals, got ${value}`)
  return amount.toFixed(minor)
}

const notFound = (id: string) => new NotFoundError('credit_grant_not_found', `credit grant ${id} does not exist`)

async function readGrant(tx: Database, row: CreditGrantRow, currencies: CurrencyTable): Promise<CreditGrant> {
  const entries = await grantEntries(tx, [row.id])
  const draws = await grantDraws(tx, row.customerId, [row.id])
  const minor = currencies.minorUnits(row.currency) ?? 0
  return {
    id: row.id,
    customerId: row.customerId,
    currency: row.currency,
    amount: row.amount,
    priority: row.priority,
    effectiveDate: row.effectiveDate,
    expiryDate: row.expiryDate,
    status: row.status,
    source: row.source,
    memo: row.memo,
    voidedAt: toIsoOrNull(row.voidedAt),
    voidReason: row.voidReason,
    createdAt: toIso(row.createdAt),
    balance: grantBalance(entries, draws).toFixed(minor),
    entries: entries.map((e) => ({ id: e.id, kind: e.kind, amount: e.amount, effectiveDate: e.effectiveDate, memo: e.memo, createdAt: toIso(e.createdAt) })),
    draws,
  }
}

export function createCreditGrantRepository(
  db: Database,
  deps: { currencies: Pick<CurrencyRepository, 'table'>; customers: Pick<CustomerRepository, 'get'> },
): CreditGrantRepository {
  /** Runs `fn` on the org's grant `grantId`, locked; 404 for an id that is not the org's. */
  async function withGrant<T>(orgId: string, grantId: string, fn: (tx: Database, row: CreditGrantRow, currencies: CurrencyTable) => Promise<T>): Promise<T> {
    assertOrgId(orgId)
    if (!isUuid(grantId)) throw notFound(grantId)
    // Read before the transaction: PGlite runs one statement at a time (declarations never change).
    const currencies = await deps.currencies.table(orgId)
    return db.transaction(async (raw) => {
      const tx = raw as unknown as Database
      const [row] = await lockGrants(tx, and(eq(table.orgId, orgId), eq(table.id, grantId)))
      if (!row) throw notFound(grantId)
      return fn(tx, row, currencies)
    })
  }

  const repo: CreditGrantRepository = {
    async grant(input) {
      assertOrgId(input.orgId)
      assertDate(input.effectiveDate, 'effective_date')
      if (input.expiryDate != null) assertDate(input.expiryDate, 'expiry_date')
      const customer = await deps.customers.get(input.orgId, input.customer)
      const currencies = await deps.currencies.table(input.orgId)
      const currency = currencies.validate(input.currency ?? customer.currency)
      const amount = positiveAmount(input.amount, currency, currencies)
      if (input.expiryDate != null && input.expiryDate <= input.effectiveDate) {
        throw fail('expiry_date', 'expiry_not_after_effective', `expiry_date ${input.expiryDate} must be after effective_date ${input.effectiveDate}`)
      }
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        // A grant no invoice of the customer could draw is a mistake: its currency is the customer's or one of its contracts'.
        const billed = await tx.selectDistinct({ currency: contracts.currency }).from(contracts).where(eq(contracts.customerId, customer.id))
        const allowed = new Set([customer.currency, ...billed.map((b) => b.currency)])
        if (!allowed.has(currency)) {
          const message = `customer ${customer.externalId} is billed in ${[...allowed].sort().join(', ')}; a grant in ${currency} could never be drawn`
          throw new UnprocessableError('currency_mismatch', message, [{ field: 'currency', code: 'currency_mismatch', message }])
        }
        const [row] = await tx
          .insert(table)
          .values({
            orgId: input.orgId,
            customerId: customer.id,
            currency,
            amount: amount,
            priority: input.priority ?? 0,
            effectiveDate: input.effectiveDate,
            expiryDate: input.expiryDate ?? null,
            memo: input.memo ?? null,
            createdAt: input.now,
          })
          .returning()
        await tx.insert(creditGrantEntries).values({
          orgId: input.orgId,
          grantId: row!.id,
          kind: 'grant',
          amount: amount,
          effectiveDate: input.effectiveDate,
          memo: input.memo ?? null,
          createdAt: input.now,
        })
        return readGrant(tx, row!, currencies)
      })
    },

    async topUp(input) {
      assertDate(input.effectiveDate, 'effective_date')
      return withGrant(input.orgId, input.grantId, async (tx, row, currencies) => {
        if (row.status !== 'active') {
          throw new ConflictError(
            `credit_grant_${row.status === 'void' ? 'void' : 'expired'}`,
            `credit grant ${row.id} is ${row.status}; grant a new credit instead`,
          )
        }
        if (row.expiryDate !== null && row.expiryDate <= input.effectiveDate) {
          throw new ConflictError('credit_grant_expired', `credit grant ${row.id} expires on ${row.expiryDate}, not after ${input.effectiveDate}`)
        }
        if (input.currency !== undefined && input.currency !== row.currency) {
          const message = `credit grant ${row.id} is in ${row.currency}, not ${input.currency}`
          throw new UnprocessableError('currency_mismatch', message, [{ field: 'currency', code: 'currency_mismatch', message }])
        }
        const amount = positiveAmount(input.amount, row.currency, currencies)
        await tx.insert(creditGrantEntries).values({
          orgId: input.orgId,
          grantId: row.id,
          kind: 'top_up',
          amount: amount,
          effectiveDate: input.effectiveDate,
          memo: input.memo ?? null,
          createdAt: input.now,
        })
        return readGrant(tx, row, currencies)
      })
    },

    async void(input) {
      return withGrant(input.orgId, input.grantId, async (tx, row, currencies) => {
        if (row.status === 'void') return readGrant(tx, row, currencies)
        const left = grantBalance(await grantEntries(tx, [row.id]), await grantDraws(tx, row.customerId, [row.id]))
        const [voided] = await tx.update(table).set({ status: 'void', voidedAt: input.now, voidReason: input.reason }).where(eq(table.id, row.id)).returning()
        await tx.insert(creditGrantEntries).values({
          orgId: input.orgId,
          grantId: row.id,
          kind: 'void',
          amount: (left.isNegative() ? left.times(0) : left).toFixed(currencies.minorUnits(row.currency) ?? 0),
          effectiveDate: input.now.toISOString().slice(0, 10),
          memo: input.reason,
          createdAt: input.now,
        })
        return readGrant(tx, voided!, currencies)
      })
    },

    async expire(orgId, asOf, now) {
      assertOrgId(orgId)
      assertDate(asOf, 'as_of')
      const currencies = await deps.currencies.table(orgId)
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const due = (await lockGrants(tx, and(eq(table.orgId, orgId), eq(table.status, 'active')))).filter((r) => r.expiryDate !== null && r.expiryDate <= asOf)
        const expired: CreditGrant[] = []
        for (const row of due) {
          const left = grantBalance(await grantEntries(tx, [row.id]), await grantDraws(tx, row.customerId, [row.id]))
          const [updated] = await tx.update(table).set({ status: 'expired' }).where(eq(table.id, row.id)).returning()
          await tx.insert(creditGrantEntries).values({
            orgId,
            grantId: row.id,
            kind: 'expire',
            amount: (left.isNegative() ? left.times(0) : left).toFixed(currencies.minorUnits(row.currency) ?? 0),
            effectiveDate: row.expiryDate!,
            memo: `expired on ${row.expiryDate}`,
            createdAt: now,
          })
          expired.push(await readGrant(tx, updated!, currencies))
        }
        return expired
      })
    },

    async expireDue(asOf, now) {
      assertDate(asOf, 'as_of')
      const due = await db
        .selectDistinct({ orgId: table.orgId })
        .from(table)
        .where(and(eq(table.status, 'active'), lte(table.expiryDate, asOf)))
      const expired: CreditGrant[] = []
      for (const { orgId } of due) expired.push(...(await repo.expire(orgId, asOf, now)))
      return expired
    },

    async get(orgId, grantId) {
      assertOrgId(orgId)
      if (!isUuid(grantId)) throw notFound(grantId)
      const currencies = await deps.currencies.table(orgId)
      const [row] = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), eq(table.id, grantId)))
      if (!row) throw notFound(grantId)
      return readGrant(db, row, currencies)
    },

    async listForCustomer(orgId, externalId) {
      const customer = await deps.customers.get(orgId, externalId)
      const currencies = await deps.currencies.table(orgId)
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), eq(table.customerId, customer.id)))
        .orderBy(table.createdAt, table.id)
      const out: CreditGrant[] = []
      for (const row of rows) out.push(await readGrant(db, row, currencies))
      return out
    },

    async drawableFor(input) {
      assertOrgId(input.orgId)
      return db.transaction(async (raw) => lockedGrantsForContract(raw as unknown as Database, input))
    },
  }
  return repo
}
