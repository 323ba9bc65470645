// Tax rates of an organisation and where they apply: a customer's default rate (customers.ts,
// `tax_rate_id`), a product's own rate (`product_tax_rates`) and, for a customer with no rate of
// its own, the live rate of its address's country (one live rate per jurisdiction). A rate never changes once stored;
// one no longer wanted is archived, which is refused while a customer or product still names it
// (409 `tax_rate_assigned`), so no invoice silently loses its tax.
import { and, asc, eq, isNull } from 'drizzle-orm'
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../platform/errors.ts'
import type { Database } from '../../platform/postgres/database.ts'
import { Dec } from '../../platform/decimal.ts'
import { isDecimalText } from '../../platform/decimalText.ts'
import { violatedConstraint } from '../../platform/postgres/pgErrors.ts'
import { insertError } from '../insertError.ts'
import { assertOrgId, isUuid, toIso, toIsoOrNull } from '../ids.ts'
import { findOrgRow } from '../orgRow.ts'
import { customers } from '../schema/customers.ts'
import { products } from '../schema/products.ts'
import { productTaxRates, TAX_RATE_ONE_LIVE_PER_JURISDICTION, taxRates as table } from '../schema/taxRates.ts'

export interface TaxRate {
  id: string
  orgId: string
  name: string
  percentage: string
  inclusive: boolean
  jurisdiction: string | null
  description: string | null
  archivedAt: string | null
  createdAt: string
}

export interface CreateTaxRateInput {
  orgId: string
  name: string
  percentage: string
  inclusive: boolean
  jurisdiction?: string | null
  description?: string | null
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
}

export const MAX_TAX_RATE_NAME_LENGTH = 100
/** ISO 3166-1 alpha-2, optionally a subdivision: `GB`, `US-CA`. */
export const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/
const MAX_PERCENT_DECIMALS = 4

export interface TaxRateRepository {
  /** Throws ValidationError (`name`, `percentage`, `jurisdiction`), ConflictError `tax_rate_exists` or `tax_rate_jurisdiction_taken` (one live rate per jurisdiction). */
  create(input: CreateTaxRateInput): Promise<TaxRate>
  /** In creation order; archived ones only when asked. */
  list(orgId: string, opts?: { archived?: boolean }): Promise<TaxRate[]>
  /** Throws NotFoundError `tax_rate_not_found`. */
  get(orgId: string, id: string): Promise<TaxRate>
  /** Archives; 409 `tax_rate_assigned` while a customer or product names it. Archiving twice keeps the first instant. */
  archive(orgId: string, id: string, now: Date): Promise<TaxRate>
  /** A product's own rate (null: the customer's applies). 404 `product_not_found`, 422 `unknown_tax_rate`. */
  setProductRate(orgId: string, productId: string, taxRateId: string | null): Promise<void>
}

export function toTaxRate(row: typeof table.$inferSelect): TaxRate {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    percentage: row.percentage,
    inclusive: row.inclusive,
    jurisdiction: row.jurisdiction,
    description: row.description,
    archivedAt: toIsoOrNull(row.archivedAt),
    createdAt: toIso(row.createdAt),
  }
}

function invalid(field: string, code: string, message: string): ValidationError {
  return new ValidationError('invalid_request', `${field} ${message}`, [{ field, code, message }])
}

function find(db: Database, orgId: string, id: string): Promise<typeof table.$inferSelect | undefined> {
  return findOrgRow(db, table, orgId, id)
}

/** The rate's id when it is a live (not archived) rate of the organisation; 422 `unknown_tax_rate` on `field` otherwise. */
export async function assignableTaxRate(db: Database, orgId: string, id: string, field = 'tax_rate'): Promise<string> {
  const row = await find(db, orgId, id)
  if (!row || row.archivedAt !== null) {
    const message = row ? 'the tax rate is archived' : 'not a tax rate of the organisation'
    throw new UnprocessableError('unknown_tax_rate', `tax rate ${id}: ${message}; GET /v1/tax-rates lists them`, [{ field, code: 'unknown_tax_rate', message }])
  }
  return row.id
}

export function createTaxRateRepository(db: Database): TaxRateRepository {
  return {
    async create(input) {
      assertOrgId(input.orgId)
      const name = input.name.trim()
      if (name === '' || name.length > MAX_TAX_RATE_NAME_LENGTH) throw invalid('name', 'invalid_name', `must be 1 to ${MAX_TAX_RATE_NAME_LENGTH} characters`)
      if (
        !isDecimalText(input.percentage) ||
        new Dec(input.percentage).isNegative() ||
        new Dec(input.percentage).greaterThan(100) ||
        new Dec(input.percentage).decimalPlaces() > MAX_PERCENT_DECIMALS
      )
        throw invalid(
          'percentage',
          'invalid_percentage',
          `must be a decimal string from "0" to "100" with at most ${MAX_PERCENT_DECIMALS} decimals, e.g. "20" or "8.875"`,
        )
      const jurisdiction = input.jurisdiction ?? null
      if (jurisdiction !== null && !JURISDICTION.test(jurisdiction))
        throw invalid('jurisdiction', 'invalid_jurisdiction', 'must be an ISO 3166-1 alpha-2 country code, optionally with a subdivision: "GB", "US-CA"')
      try {
        const [row] = await db
          .insert(table)
          .values({
            orgId: input.orgId,
            name,
            percentage: new Dec(input.percentage).toFixed(),
            inclusive: input.inclusive,
            jurisdiction,
            description: input.description ?? null,
            createdAt: input.now,
          })
          .returning()
        return toTaxRate(row!)
      } catch (err) {
        throw insertError(err, input.orgId, () =>
          violatedConstraint(err) === TAX_RATE_ONE_LIVE_PER_JURISDICTION
            ? new ConflictError(
                'tax_rate_jurisdiction_taken',
                `a live tax rate already has jurisdiction ${jurisdiction}, and a customer of ${jurisdiction} without a rate of its own is taxed at it: archive that rate first (GET /v1/tax-rates lists them), or create this one without a jurisdiction and give it to customers or products`,
              )
            : new ConflictError('tax_rate_exists', `tax rate ${name} already exists; rates never change: archive it and create another name`),
        )
      }
    },

    async list(orgId, opts = {}) {
      assertOrgId(orgId)
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), opts.archived ? undefined : isNull(table.archivedAt)))
        .orderBy(asc(table.createdAt), asc(table.id))
      return rows.map(toTaxRate)
    },

    async get(orgId, id) {
      assertOrgId(orgId)
      const row = await find(db, orgId, id)
      if (!row) throw new NotFoundError('tax_rate_not_found', `tax rate ${id} does not exist`)
      return toTaxRate(row)
    },

    async archive(orgId, id, now) {
      assertOrgId(orgId)
      return db.transaction(async (raw) => {
        const tx = raw as unknown as Database
        const [row] = isUuid(id)
          ? await tx
              .select()
              .from(table)
              .where(and(eq(table.orgId, orgId), eq(table.id, id)))
              .for('update')
          : []
        if (!row) throw new NotFoundError('tax_rate_not_found', `tax rate ${id} does not exist`)
        if (row.archivedAt !== null) return toTaxRate(row)
        const [customer] = await tx
          .select({ id: customers.externalId })
          .from(customers)
          .where(and(eq(customers.orgId, orgId), eq(customers.taxRateId, id)))
          .limit(1)
        const [product] = await tx
          .select({ id: productTaxRates.productId })
          .from(productTaxRates)
          .where(and(eq(productTaxRates.orgId, orgId), eq(productTaxRates.taxRateId, id)))
          .limit(1)
        if (customer || product)
          throw new ConflictError(
            'tax_rate_assigned',
            `tax rate ${row.name} is still the rate of ${customer ? `customer ${customer.id}` : `product ${product!.id}`}; give it another rate (PATCH /v1/customers/:id, PUT /v1/products/:id/tax-rate) first`,
          )
        const [archived] = await tx.update(table).set({ archivedAt: now }).where(eq(table.id, id)).returning()
        return toTaxRate(archived!)
      })
    },

    async setProductRate(orgId, productId, taxRateId) {
      assertOrgId(orgId)
      const [product] = isUuid(productId)
        ? await db
            .select({ id: products.id })
            .from(products)
            .where(and(eq(products.orgId, orgId), eq(products.id, productId)))
        : []
      if (!product) throw new NotFoundError('product_not_found', `product ${productId} does not exist`)
      if (taxRateId === null) {
        await db.delete(productTaxRates).where(and(eq(productTaxRates.orgId, orgId), eq(productTaxRates.productId, productId)))
        return
      }
      const rate = await assignableTaxRate(db, orgId, taxRateId)
      await db
        .insert(productTaxRates)
        .values({ orgId, productId, taxRateId: rate })
        .onConflictDoUpdate({ target: [productTaxRates.orgId, productTaxRates.productId], set: { taxRateId: rate } })
    },
  }
}
