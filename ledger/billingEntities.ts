// The legal entities an organisation invoices from. A customer names one (customers.ts); its
// invoices and credit notes are then numbered from that entity's own gap-free sequences and shown
// with its prefixes (documentNumbers.ts). A customer with none is invoiced by the organisation
// itself, numbered as before and without a prefix.
//
// One entity may be the organisation's default: a customer created without naming an entity is
// given it (customers.ts), so it is fixed on the customer like a named one and never changes
// once the customer is invoiced. Marking another entity default unmarks the previous one (one
// transaction; a partial unique index keeps one). `update` changes the name, legal details and
// prefixes: numbers come from the counters, never from the prefix, and a finalized document
// keeps the display number it was given, so a new prefix shows on documents finalized after it
// and the numbering goes on without a gap.
import { and, asc, eq } from 'drizzle-orm'
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { insertError } from './insertError.ts'
import { assertOrgId, toIso } from './ids.ts'
import { findOrgRow } from './orgRow.ts'
import { billingEntities as table } from './schema/billingEntities.ts'

export interface BillingEntity {
  id: string
  orgId: string
  name: string
  legalDetails: string | null
  invoicePrefix: string | null
  creditNotePrefix: string | null
  /** Given to customers created without naming an entity. */
  isDefault: boolean
  createdAt: string
}

export interface CreateBillingEntityInput {
  orgId: string
  name: string
  legalDetails?: string | null
  invoicePrefix?: string | null
  creditNotePrefix?: string | null
  isDefault?: boolean
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
}

/** What PATCH changes: absent fields stay; `isDefault` false unmarks it (the organisation then has no default). */
export type BillingEntityChanges = Partial<Pick<BillingEntity, 'name' | 'legalDetails' | 'invoicePrefix' | 'creditNotePrefix' | 'isDefault'>>

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
  /** The changes, validated as `create`; 404 `billing_entity_not_found`, 409 `billing_entity_exists` (the name of another). */
  update(orgId: string, id: string, changes: BillingEntityChanges): Promise<BillingEntity>
}

function toEntity(row: typeof table.$inferSelect): BillingEntity {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    legalDetails: row.legalDetails,
    invoicePrefix: row.invoicePrefix,
    creditNotePrefix: row.creditNotePrefix,
    isDefault: row.isDefault,
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

function find(db: Database, orgId: string, id: string): Promise<typeof table.$inferSelect | undefined> {
  return findOrgRow(db, table, orgId, id)
}

/** The organisation's default billing entity, or null. */
export async function defaultBillingEntity(db: Database, orgId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.orgId, orgId), eq(table.isDefault, true)))
  return row?.id ?? null
}

function validName(raw: string): string {
  const name = raw.trim()
  if (name === '' || name.length > MAX_ENTITY_NAME_LENGTH) throw invalid('name', 'invalid_name', `must be 1 to ${MAX_ENTITY_NAME_LENGTH} characters`)
  return name
}

const nameTaken = (name: string) => () => new ConflictError('billing_entity_exists', `billing entity ${name} already exists`)

/** Unmarks the organisation's default, in the transaction that marks another; its entities' row locks queue two such changes. */
async function clearDefault(tx: Database, orgId: string): Promise<void> {
  await tx.select({ id: table.id }).from(table).where(eq(table.orgId, orgId)).for('update')
  await tx
    .update(table)
    .set({ isDefault: false })
    .where(and(eq(table.orgId, orgId), eq(table.isDefault, true)))
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

const notFound = (id: string) => new NotFoundError('billing_entity_not_found', `billing entity ${id} does not exist; GET /v1/billing-entities lists them`)

export function createBillingEntityRepository(db: Database): BillingEntityRepository {
  return {
    async create(input) {
      assertOrgId(input.orgId)
      const name = validName(input.name)
      validatePrefix('invoice_prefix', input.invoicePrefix)
      validatePrefix('credit_note_prefix', input.creditNotePrefix)
      try {
        return await db.transaction(async (raw) => {
          const tx = raw as unknown as Database
          if (input.isDefault === true) await clearDefault(tx, input.orgId)
          const [row] = await tx
            .insert(table)
            .values({
              orgId: input.orgId,
              name,
              legalDetails: input.legalDetails ?? null,
              invoicePrefix: input.invoicePrefix ?? null,
              creditNotePrefix: input.creditNotePrefix ?? null,
              isDefault: input.isDefault ?? false,
              createdAt: input.now,
            })
            .returning()
          return toEntity(row!)
        })
      } catch (err) {
        throw insertError(err, input.orgId, nameTaken(name))
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
      if (!row) throw notFound(id)
      return toEntity(row)
    },

    async update(orgId, id, changes) {
      assertOrgId(orgId)
      const name = changes.name === undefined ? undefined : validName(changes.name)
      validatePrefix('invoice_prefix', changes.invoicePrefix)
      validatePrefix('credit_note_prefix', changes.creditNotePrefix)
      if ((await find(db, orgId, id)) === undefined) throw notFound(id)
      const set = {
        ...(name === undefined ? {} : { name }),
        ...(changes.legalDetails === undefined ? {} : { legalDetails: changes.legalDetails }),
        ...(changes.invoicePrefix === undefined ? {} : { invoicePrefix: changes.invoicePrefix }),
        ...(changes.creditNotePrefix === undefined ? {} : { creditNotePrefix: changes.creditNotePrefix }),
        ...(changes.isDefault === undefined ? {} : { isDefault: changes.isDefault }),
      }
      try {
        return await db.transaction(async (raw) => {
          const tx = raw as unknown as Database
          if (changes.isDefault === true) await clearDefault(tx, orgId)
          const [row] =
            Object.keys(set).length === 0
              ? await tx.select().from(table).where(eq(table.id, id))
              : await tx.update(table).set(set).where(eq(table.id, id)).returning()
          return toEntity(row!)
        })
      } catch (err) {
        throw insertError(err, orgId, nameTaken(name ?? ''))
      }
    },
  }
}
