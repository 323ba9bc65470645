// Products of an organisation: what contracts sell. A metered product names the billable
// metric version its quantity comes from; a non-metered one carries a default quantity.
import { insertError } from './insertError.ts'
import { and, eq, inArray, isNotNull } from 'drizzle-orm'
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { assertOrgId, isUuid, toIso } from './ids.ts'
import { readNamePage, type NamePage, type NamePageQuery } from './namePage.ts'
import { billableMetrics } from './schema/billableMetrics.ts'
import { products as table } from './schema/products.ts'

export interface Product {
  id: string
  orgId: string
  name: string
  description: string | null
  kind: 'metered' | 'non_metered'
  metricName: string | null
  metricVersion: number | null
  defaultQuantity: string | null
  createdAt: string
}

export interface CreateProductInput {
  orgId: string
  name: string
  description?: string | null
  kind: 'metered' | 'non_metered'
  metricName?: string | null
  metricVersion?: number | null
  /** Non-metered only; a decimal string, default "1". */
  defaultQuantity?: string | null
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
}

export interface ProductRepository {
  create(input: CreateProductInput): Promise<Product>
  /** A page in name order (namePage.ts). */
  list(orgId: string, q: NamePageQuery): Promise<NamePage<Product>>
  /** By id or by name. Throws NotFoundError `product_not_found`. */
  get(orgId: string, idOrName: string): Promise<Product>
  /** Products by id; ids of other organisations are simply absent. */
  getMany(orgId: string, ids: readonly string[]): Promise<Map<string, Product>>
  /** Of these products, the ids of those bound to an archived billable metric (refused for new plans and contracts). */
  boundToArchivedMetric(orgId: string, ids: readonly string[]): Promise<Set<string>>
}

type Row = typeof table.$inferSelect

function toProduct(row: Row): Product {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    description: row.description,
    kind: row.kind,
    metricName: row.metricName,
    metricVersion: row.metricVersion,
    defaultQuantity: row.defaultQuantity,
    createdAt: toIso(row.createdAt),
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.\-/]{0,99}$/

export function createProductRepository(db: Database): ProductRepository {
  return {
    async create(input) {
      assertOrgId(input.orgId)
      if (!NAME.test(input.name)) {
        throw new ValidationError('invalid_request', 'product name must be 1-100 letters, digits, spaces or _ . - /', [
          { field: 'name', code: 'invalid_product_name', message: 'use 1-100 letters, digits, spaces or _ . - /' },
        ])
      }
      const metered = input.kind === 'metered'
      if (metered && (!input.metricName || input.metricVersion === undefined || input.metricVersion === null)) {
        throw new ValidationError('invalid_request', 'a metered product names a billable metric and its version', [
          { field: 'metric', code: 'metric_required', message: 'metered products need metric.name and metric.version' },
        ])
      }
      if (metered && input.defaultQuantity !== undefined && input.defaultQuantity !== null) {
        throw new ValidationError('invalid_request', 'a metered product takes its quantity from its metric, not a default', [
          { field: 'default_quantity', code: 'default_quantity_not_allowed', message: 'only non-metered products have a default quantity' },
        ])
      }
      if (!metered && input.metricName) {
        throw new ValidationError('invalid_request', 'a non-metered product has no metric', [
          { field: 'metric', code: 'metric_not_allowed', message: 'only metered products name a metric' },
        ])
      }
      try {
        const [row] = await db
          .insert(table)
          .values({
            orgId: input.orgId,
            name: input.name,
            description: input.description ?? null,
            kind: input.kind,
            metricName: metered ? input.metricName! : null,
            metricVersion: metered ? input.metricVersion! : null,
            defaultQuantity: metered ? null : (input.defaultQuantity ?? '1'),
            createdAt: input.now,
          })
          .returning()
        return toProduct(row!)
      } catch (err) {
        throw insertError(err, input.orgId, () => new ConflictError('product_exists', `product ${input.name} already exists`))
      }
    },

    async list(orgId, q) {
      assertOrgId(orgId)
      return readNamePage(db.select().from(table).$dynamic(), table, orgId, q, toProduct)
    },

    async get(orgId, idOrName) {
      assertOrgId(orgId)
      const match = isUuid(idOrName) ? eq(table.id, idOrName) : eq(table.name, idOrName)
      const [row] = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), match))
      if (!row) throw new NotFoundError('product_not_found', `product ${idOrName} does not exist`)
      return toProduct(row)
    },

    async getMany(orgId, ids) {
      assertOrgId(orgId)
      const wanted = [...new Set(ids)].filter(isUuid)
      if (wanted.length === 0) return new Map()
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), inArray(table.id, wanted)))
      return new Map(rows.map((r) => [r.id, toProduct(r)]))
    },

    async boundToArchivedMetric(orgId, ids) {
      assertOrgId(orgId)
      const wanted = [...new Set(ids)].filter(isUuid)
      if (wanted.length === 0) return new Set()
      const rows = await db
        .select({ id: table.id })
        .from(table)
        .innerJoin(billableMetrics, and(eq(billableMetrics.orgId, table.orgId), eq(billableMetrics.name, table.metricName)))
        .where(and(eq(table.orgId, orgId), inArray(table.id, wanted), isNotNull(billableMetrics.archivedAt)))
      return new Set(rows.map((r) => r.id))
    },
  }
}
