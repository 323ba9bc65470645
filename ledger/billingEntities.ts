// The legal entities an organisation invoices from. A customer names one (customers.ts); its
// invoices and credit notes are then numbered from that entity's own gap-free sequences and shown
// with its prefixes (documentNumbers.ts). A customer with none is invoiced by the organisation
// itself, numbered as before and without a prefix.
import { and, asc, eq } from 'drizzle-orm'
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { insertError } from './insertError.ts'
import { assertOrgId, isUuid, toIso } from './ids.ts'
import { billingEntities as table } from './schema/billingEntities.ts'

export interface BillingEntity {
  id: string
  orgId: string
  name: string
  legalDetails: string | null
  invoicePrefix: string | null
  creditNotePrefix: string | null
  createdAt: string
}

export interface CreateBillingEntityInput {
  orgId: string
  name: string
  legalDetails?: string | null
  invoicePrefix?: string | null
  creditNotePrefix?: string | null
}

/**
 * Longest prefix: QuickBooks Online takes a DocNumber of at most 21 characters, and the display
 * number adds 6 digits to the prefix.
 */
export const MAX_PREFIX_LENGTH = 15
const PREFIX = /^[A-Za-z0-9._/#-]+$/
export const MAX_ENTITY_NAME_LENGTH = 200

export interface BillingEntityRepository {
  /** Throws ValidationError (`name`, `invoice_prefix`, `credit_note_prefix`) or ConflictError `billing_entity_exists`. */
  create(input: CreateBillingEntityInput): Promise<BillingEntity>
  /** In creation order. */
  list(orgId: string): Promise<BillingEntity[]>
  /** Throws NotFoundError `billing_entity_not_found`. */
  get(orgId: string, id: string): Promise<BillingEntity>
}

function toEntity(row: typeof table.$inferSelect): BillingEntity {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    legalDetails: row.legalDetails,
    invoicePrefix: row.invoicePrefix,
    creditNotePrefix: row.creditNotePrefix,
    createdAt: toIso(row.createdAt),
  }
}

function invalid(field: string, code: string, message: string): ValidationError {
  return new ValidationError('invalid_request', `${field} ${message}`, [{ field, code, message }])
}

function validatePrefix(field: string, prefix: string | null | undefined): void {
  if (prefix === null || prefix === undefined) return
  if (prefix.length === 0 || prefix.length > MAX_PREFIX_LENGTH || !PREFIX.test(prefix)) {
    throw invalid(field, 'invalid_prefix', `must be 1 to ${MAX_PREFIX_LENGTH} characters of A–Z, a–z, 0–9 and . _ / # -`)
  }
}

async function find(db: Database, orgId: string, id: string): Promise<typeof table.$inferSelect | undefined> {
  if (!isUuid(id)) return undefined
  const [row] = await db
    .select()
    .from(table)
    .where(and(eq(table.orgId, orgId), eq(table.id, id)))
  return row
}

/** The entity's id when it is one of the organisation's; 422 `unknown_billing_entity` on `billing_entity` otherwise. */
export async function ownBillingEntity(db: Database, orgId: string, id: string): Promise<string> {
  const row = await find(db, orgId, id)
  if (!row) {
    throw new UnprocessableError('unknown_billing_entity', `billing entity ${id} does not exist; GET /v1/billing-entities lists them`, [
      { field: 'billing_entity', code: 'unknown_billing_entity', message: 'not a billing entity of the organisation' },
    ])
  }
  return row.id
}

export function createBillingEntityRepository(db: Database): BillingEntityRepository {
  return {
    async create(input) {
      assertOrgId(input.orgId)
      const name = input.name.trim()
      if (name === '' || name.length > MAX_ENTITY_NAME_LENGTH) throw invalid('name', 'invalid_name', `must be 1 to ${MAX_ENTITY_NAME_LENGTH} characters`)
      validatePrefix('invoice_prefix', input.invoicePrefix)
      validatePrefix('credit_note_prefix', input.creditNotePrefix)
      try {
        const [row] = await db
          .insert(table)
          .values({
            orgId: input.orgId,
            name,
            legalDetails: input.legalDetails ?? null,
            invoicePrefix: input.invoicePrefix ?? null,
            creditNotePrefix: input.creditNotePrefix ?? null,
          })
          .returning()
        return toEntity(row!)
      } catch (err) {
        throw insertError(err, input.orgId, () => new ConflictError('billing_entity_exists', `billing entity ${name} already exists`))
      }
    },

    async list(orgId) {
      assertOrgId(orgId)
      const rows = await db.select().from(table).where(eq(table.orgId, orgId)).orderBy(asc(table.createdAt), asc(table.id))
      return rows.map(toEntity)
    },

    async get(orgId, id) {
      assertOrgId(orgId)
      const row = await find(db, orgId, id)
      if (!row) throw new NotFoundError('billing_entity_not_found', `billing entity ${id} does not exist`)
      return toEntity(row)
    },
  }
}
