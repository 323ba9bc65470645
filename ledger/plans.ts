// Plans: reusable contract templates (products with prices, and features). Each item's price
// is checked by rating's rules (RatingDocuments, ratingStore.ts) before it is stored, and every
// product must exist in the organisation.
import { insertError } from './insertError.ts'
import { and, eq } from 'drizzle-orm'
import { ConflictError, NotFoundError, UnprocessableError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import type { CurrencyTable } from '../platform/currency.ts'
import type { CurrencyRepository } from './currencies.ts'
import { assertOrgId, isUuid, toIso } from './ids.ts'
import { readNamePage, type NamePage, type NamePageQuery } from './namePage.ts'
import type { ProductRepository } from './products.ts'
import type { RatingDocuments } from './ratingStore.ts'
import { plans as table, type ContractItem } from './schema/plans.ts'

export interface Plan {
  id: string
  orgId: string
  name: string
  description: string | null
  currency: string
  items: ContractItem[]
  features: string[]
  createdAt: string
}

export interface CreatePlanInput {
  orgId: string
  name: string
  description?: string | null
  currency: string
  items: ContractItem[]
  features?: string[]
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
}

export interface PlanRepository {
  create(input: CreatePlanInput): Promise<Plan>
  /** A page in name order (namePage.ts). */
  list(orgId: string, q: NamePageQuery): Promise<NamePage<Plan>>
  /** By id or name; throws NotFoundError `plan_not_found`. */
  get(orgId: string, idOrName: string): Promise<Plan>
}

type Row = typeof table.$inferSelect

function toPlan(row: Row): Plan {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    description: row.description,
    currency: row.currency,
    items: row.items,
    features: row.features,
    createdAt: toIso(row.createdAt),
  }
}

/**
 * Every item's product exists in the organisation, appears once, is not billed by an archived
 * metric, and takes a quantity only if it is not metered. `field` is the request path of the list (`items`, `phases[0].items`,
 * `overrides`); each problem is a 422 naming `${field}[i].product_id` or `.quantity`.
 */
export async function checkItems(
  products: ProductRepository,
  orgId: string,
  items: readonly { product_id: string; quantity?: string }[],
  field: string,
): Promise<void> {
  const found = await products.getMany(
    orgId,
    items.map((i) => i.product_id),
  )
  const archived = await products.boundToArchivedMetric(
    orgId,
    items.map((i) => i.product_id),
  )
  items.forEach((item, i) => {
    const fail = (path: string, code: string, message: string) => new UnprocessableError(code, message, [{ field: `${field}[${i}].${path}`, code, message }])
    const product = found.get(item.product_id)
    if (!product)
      throw fail(
        'product_id',
        'product_not_found',
        `product ${item.product_id} does not exist in this organisation; create it with POST /v1/products or list them with GET /v1/products`,
      )
    if (items.findIndex((other) => other.product_id === item.product_id) < i) {
      throw fail('product_id', 'duplicate_product', `product ${product.name} appears twice in ${field}; a product appears once per list`)
    }
    if (archived.has(item.product_id)) {
      throw fail(
        'product_id',
        'billable_metric_archived',
        `product ${product.name} is billed by ${product.metricName}, which is archived; existing contracts keep it, new plans and contracts cannot`,
      )
    }
    if (product.kind === 'metered' && item.quantity !== undefined) {
      throw fail('quantity', 'quantity_not_allowed', `product ${product.name} is metered; its quantity comes from ${product.metricName}, so leave quantity out`)
    }
  })
}

/** Every item's price by rating's rules: `${field}[i].price…` names a refused one. */
export function checkPrices(documents: RatingDocuments, currencies: CurrencyTable, items: readonly { price?: unknown }[], field: string): void {
  items.forEach((item, i) => {
    if (item.price !== undefined) documents.price(item.price, `${field}[${i}].price`, currencies)
  })
}

export function createPlanRepository(
  db: Database,
  deps: { products: ProductRepository; currencies: Pick<CurrencyRepository, 'table'>; documents: RatingDocuments },
): PlanRepository {
  const { products } = deps
  return {
    async create(input) {
      assertOrgId(input.orgId)
      const currencies = await deps.currencies.table(input.orgId)
      currencies.validate(input.currency)
      checkPrices(deps.documents, currencies, input.items, 'items')
      await checkItems(products, input.orgId, input.items, 'items')
      try {
        const [row] = await db
          .insert(table)
          .values({
            orgId: input.orgId,
            name: input.name,
            description: input.description ?? null,
            currency: input.currency,
            items: input.items,
            features: input.features ?? [],
            createdAt: input.now,
          })
          .returning()
        return toPlan(row!)
      } catch (err) {
        throw insertError(err, input.orgId, () => new ConflictError('plan_exists', `plan ${input.name} already exists`))
      }
    },

    async list(orgId, q) {
      assertOrgId(orgId)
      return readNamePage(db.select().from(table).$dynamic(), table, orgId, q, toPlan)
    },

    async get(orgId, idOrName) {
      assertOrgId(orgId)
      const match = isUuid(idOrName) ? eq(table.id, idOrName) : eq(table.name, idOrName)
      const [row] = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), match))
      if (!row) throw new NotFoundError('plan_not_found', `plan ${idOrName} does not exist`)
      return toPlan(row)
    },
  }
}
