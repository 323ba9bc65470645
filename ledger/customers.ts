// Customers of an organisation, keyed by the `customer_id` producers put in events.
import { insertError } from './insertError.ts'
import { containsPattern } from './containsPattern.ts'
import { and, asc, eq, gt, ilike, inArray, or } from 'drizzle-orm'
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import type { CurrencyRepository } from './currencies.ts'
import { isoMinorUnits } from '../platform/currency.ts'
import { normaliseTimeZone } from './currencyAndTimeZone.ts'
import { defaultBillingEntity, ownBillingEntity } from './billingEntities.ts'
import { assertOrgId, toIso } from './ids.ts'
import { customers as table, type CustomerAddress } from './schema/customers.ts'
import { assignableTaxRate } from './tax/taxRates.ts'
import { invoices } from './schema/invoices.ts'

export interface Customer {
  id: string
  orgId: string
  /** The `customer_id` used in events. */
  externalId: string
  name: string
  email: string | null
  currency: string
  timeZone: string
  /** The billing entity that invoices the customer; null: the organisation itself. */
  billingEntityId: string | null
  /** The default tax rate of its invoices' lines (a product's own rate wins); null: untaxed. */
  taxRateId: string | null
  taxId: string | null
  reverseCharge: boolean
  address: CustomerAddress | null
  createdAt: string
}

/** Tax and address fields, on create and update alike: they apply to invoices finalized afterwards. */
export interface CustomerTaxFields {
  /** One of the organisation's live tax rates (422 `unknown_tax_rate`); null: none. */
  taxRateId?: string | null
  taxId?: string | null
  reverseCharge?: boolean
  address?: CustomerAddress | null
}

export interface CreateCustomerInput extends CustomerTaxFields {
  orgId: string
  externalId: string
  name: string
  email?: string | null
  /** ISO 4217 (upper-case) or a custom currency the organisation declared; default USD. */
  currency?: string
  /** IANA zone; default UTC. */
  timeZone?: string
  /** One of the organisation's billing entities (422 `unknown_billing_entity`); absent: the organisation's default entity (or none); null: none. */
  billingEntityId?: string | null
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
}

export interface UpdateCustomerInput extends CustomerTaxFields {
  orgId: string
  externalId: string
  name?: string
  email?: string | null
  currency?: string
  timeZone?: string
  /** null: invoiced by the organisation itself. Only before the first invoice, like the currency. */
  billingEntityId?: string | null
}

export interface CustomerPage {
  customers: Customer[]
  /** Pass as `after` to fetch the next page; null on the last page. */
  nextAfter: string | null
}

export const DEFAULT_CUSTOMER_PAGE_SIZE = 100
export const MAX_CUSTOMER_PAGE_SIZE = 1000
/** Longest external id accepted: it is stored in every event row in ClickHouse. */
export const MAX_EXTERNAL_ID_LENGTH = 255

export interface CustomerRepository {
  /** Throws ValidationError (`external_id`, `name`), UnprocessableError (`currency`, `time_zone`: 422 `invalid_currency`, `invalid_time_zone`) or ConflictError `customer_exists`. */
  create(input: CreateCustomerInput): Promise<Customer>
  /**
   * Keyset pagination in `external_id` order: `after` is the last external id already seen; `q`
   * keeps the customers whose name, e-mail or external id contains it, case-insensitively.
   */
  list(orgId: string, opts?: { limit?: number; after?: string; q?: string }): Promise<CustomerPage>
  /** Throws NotFoundError `customer_not_found`. */
  get(orgId: string, externalId: string): Promise<Customer>
  /**
   * Changes what is given. The currency only before the customer's first invoice (409
   * `customer_has_invoices`); contracts keep the currency and time zone they copied when created,
   * so a new time zone applies to the periods of contracts created afterwards.
   */
  update(input: UpdateCustomerInput): Promise<Customer>
  /** The subset of `externalIds` that are customers of the organisation. */
  exists(orgId: string, externalIds: readonly string[]): Promise<Set<string>>
}

type Row = typeof table.$inferSelect

function toCustomer(row: Row): Customer {
  return {
    id: row.id,
    orgId: row.orgId,
    externalId: row.externalId,
    name: row.name,
    email: row.email,
    currency: row.currency,
    timeZone: row.timeZone,
    billingEntityId: row.billingEntityId,
    taxRateId: row.taxRateId,
    taxId: row.taxId,
    reverseCharge: row.reverseCharge,
    address: row.address,
    createdAt: toIso(row.createdAt),
  }
}

function validateExternalId(externalId: string): void {
  if (externalId.length === 0 || externalId.length > MAX_EXTERNAL_ID_LENGTH) {
    throw new ValidationError('invalid_request', 'external_id must be 1 to 255 characters', [
      { field: 'external_id', code: 'invalid_external_id', message: 'must be 1 to 255 characters' },
    ])
  }
}

async function refuseOnceInvoiced(tx: Database, customerId: string, why: { message: string; hint: string }): Promise<void> {
  const [invoiced] = await tx.select({ id: invoices.id }).from(invoices).where(eq(invoices.customerId, customerId)).limit(1)
  if (invoiced) throw new ConflictError('customer_has_invoices', why.message, { hint: why.hint })
}

/** The tax columns given, the rate checked (tax/taxRates.ts `assignableTaxRate`). */
async function taxChanges(db: Database, orgId: string, input: CustomerTaxFields) {
  const taxRateId = input.taxRateId ? await assignableTaxRate(db, orgId, input.taxRateId) : input.taxRateId
  return {
    ...(taxRateId === undefined ? {} : { taxRateId }),
    ...(input.taxId === undefined ? {} : { taxId: input.taxId }),
    ...(input.reverseCharge === undefined ? {} : { reverseCharge: input.reverseCharge }),
    ...(input.address === undefined ? {} : { address: input.address }),
  }
}

// Bounds the bind parameters of one `in (...)` query (Postgres allows 65,535) when ingest
// checks a large batch's customers.
const EXISTS_CHUNK = 5_000

export function createCustomerRepository(db: Database, deps: { currencies: Pick<CurrencyRepository, 'table'> }): CustomerRepository {
  return {
    async create(input) {
      assertOrgId(input.orgId)
      validateExternalId(input.externalId)
      if (input.name.trim() === '') {
        throw new ValidationError('invalid_request', 'customer name must not be empty', [
          { field: 'name', code: 'too_small', message: 'name must not be empty' },
        ])
      }
      const timeZone = normaliseTimeZone(input.timeZone ?? 'UTC')
      // The organisation's table (ISO 4217 plus its declared currencies); ISO needs no query.
      const requested = input.currency ?? 'USD'
      const currency = isoMinorUnits(requested) !== undefined ? requested : (await deps.currencies.table(input.orgId)).validate(requested)
      const billingEntityId = input.billingEntityId
        ? await ownBillingEntity(db, input.orgId, input.billingEntityId)
        : input.billingEntityId === null
          ? null
          : await defaultBillingEntity(db, input.orgId)
      const tax = await taxChanges(db, input.orgId, input)
      try {
        const [row] = await db
          .insert(table)
          .values({
            orgId: input.orgId,
            externalId: input.externalId,
            name: input.name,
            email: input.email ?? null,
            currency,
            timeZone,
            billingEntityId,
            ...tax,
            createdAt: input.now,
          })
          .returning()
        return toCustomer(row!)
      } catch (err) {
        throw insertError(err, input.orgId, () => new ConflictError('customer_exists', `customer ${input.externalId} already exists`))
      }
    },

    async list(orgId, opts = {}) {
      assertOrgId(orgId)
      const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_CUSTOMER_PAGE_SIZE), 1), MAX_CUSTOMER_PAGE_SIZE)
      const pattern = opts.q === undefined ? undefined : containsPattern(opts.q)
      const search = pattern === undefined ? undefined : or(ilike(table.name, pattern), ilike(table.email, pattern), ilike(table.externalId, pattern))
      // One row more than asked tells whether another page exists without a count query.
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), search, opts.after === undefined ? undefined : gt(table.externalId, opts.after)))
        .orderBy(asc(table.externalId))
        .limit(limit + 1)
      const page = rows.slice(0, limit).map(toCustomer)
      const nextAfter = rows.length > limit ? (page[page.length - 1]?.externalId ?? null) : null
      return { customers: page, nextAfter }
    },

    async get(orgId, externalId) {
      assertOrgId(orgId)
      const [row] = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), eq(table.externalId, externalId)))
      if (!row) throw new NotFoundError('customer_not_found', `customer ${externalId} does not exist`)
      return toCustomer(row)
    },

    async update(input) {
      assertOrgId(input.orgId)
      const [current] = await db
        .select({ id: table.id })
        .from(table)
        .where(and(eq(table.orgId, input.orgId), eq(table.externalId, input.externalId)))
      if (!current) throw new NotFoundError('customer_not_found', `customer ${input.externalId} does not exist`)
      if (input.name !== undefined && input.name.trim() === '') {
        throw new ValidationError('invalid_request', 'customer name must not be empty', [
          { field: 'name', code: 'too_small', message: 'name must not be empty' },
        ])
      }
      const timeZone = input.timeZone === undefined ? undefined : normaliseTimeZone(input.timeZone)
      // Read before the transaction (PGlite runs one statement at a time; declarations never change).
      const currency = input.currency === undefined ? undefined : (await deps.currencies.table(input.orgId)).validate(input.currency)
      const billingEntityId = input.billingEntityId ? await ownBillingEntity(db, input.orgId, input.billingEntityId) : input.billingEntityId
      const tax = await taxChanges(db, input.orgId, input)
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const [row] = await tx.select().from(table).where(eq(table.id, current.id)).for('update')
        if (currency !== undefined && currency !== row!.currency) {
          await refuseOnceInvoiced(tx, current.id, {
            message: `customer ${input.externalId} has invoices in ${row!.currency}; its currency can no longer change`,
            hint: 'create a new customer for billing in another currency',
          })
        }
        if (billingEntityId !== undefined && billingEntityId !== row!.billingEntityId) {
          // Its invoices and credit notes keep the issuer they were numbered by; a customer
          // moving between issuers would split one account across two legal entities.
          await refuseOnceInvoiced(tx, current.id, {
            message: `customer ${input.externalId} has invoices; the billing entity that issues them can no longer change`,
            hint: 'create a new customer to be invoiced by another billing entity',
          })
        }
        const changes = {
          ...(billingEntityId === undefined ? {} : { billingEntityId }),
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.email === undefined ? {} : { email: input.email }),
          ...(currency === undefined ? {} : { currency }),
          ...(timeZone === undefined ? {} : { timeZone }),
          ...tax,
        }
        if (Object.keys(changes).length === 0) return toCustomer(row!)
        const [updated] = await tx.update(table).set(changes).where(eq(table.id, current.id)).returning()
        return toCustomer(updated!)
      })
    },

    async exists(orgId, externalIds) {
      assertOrgId(orgId)
      const unique = [...new Set(externalIds)]
      const found = new Set<string>()
      for (let i = 0; i < unique.length; i += EXISTS_CHUNK) {
        const rows = await db
          .select({ externalId: table.externalId })
          .from(table)
          .where(and(eq(table.orgId, orgId), inArray(table.externalId, unique.slice(i, i + EXISTS_CHUNK))))
        for (const row of rows) found.add(row.externalId)
      }
      return found
    },
  }
}
