// Organisations: the tenants. Creation is explicit (`tally orgs create`, admin API) or
// idempotent at start (`TALLY_BOOTSTRAP_ORG`), where the caller pins the id.
import { asc, eq } from 'drizzle-orm'
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts'
import type { Database } from '../platform/postgres/database.ts'
import { isUniqueViolation } from '../platform/postgres/pgErrors.ts'
import { isUuid, toIso } from './ids.ts'
import { organisations as table } from './schema/organisations.ts'

export interface Organisation {
  id: string
  name: string
  createdAt: string
}

export interface CreateOrganisationInput {
  /** A caller-chosen UUID; generated when absent. */
  id?: string
  name: string
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
}

export interface OrganisationRepository {
  /** Throws ConflictError `organisation_exists` when the id is taken. */
  create(input: CreateOrganisationInput): Promise<Organisation>
  /** Creates the organisation unless it exists; an existing one is returned unchanged (its name is kept). */
  ensure(input: { id: string; name: string; now: Date }): Promise<Organisation>
  /** Throws NotFoundError `organisation_not_found`. */
  get(id: string): Promise<Organisation>
  list(): Promise<Organisation[]>
}

type Row = typeof table.$inferSelect

function toOrganisation(row: Row): Organisation {
  return { id: row.id, name: row.name, createdAt: toIso(row.createdAt) }
}

function validate(input: { id?: string; name: string }): void {
  if (input.id !== undefined && !isUuid(input.id)) {
    throw new ValidationError('invalid_organisation_id', 'organisation id must be a UUID', [
      { field: 'id', code: 'invalid_uuid', message: `"${input.id}" is not a UUID` },
    ])
  }
  if (input.name.trim() === '') {
    throw new ValidationError('invalid_request', 'organisation name must not be empty', [
      { field: 'name', code: 'too_small', message: 'name must not be empty' },
    ])
  }
}

export function createOrganisationRepository(db: Database): OrganisationRepository {
  async function get(id: string): Promise<Organisation> {
    const rows = isUuid(id) ? await db.select().from(table).where(eq(table.id, id)) : []
    const row = rows[0]
    if (!row) throw new NotFoundError('organisation_not_found', `organisation ${id} does not exist`)
    return toOrganisation(row)
  }

  return {
    async create(input) {
      validate(input)
      try {
        const [row] = await db.insert(table).values({ id: input.id?.toLowerCase(), name: input.name, createdAt: input.now }).returning()
        return toOrganisation(row!)
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new ConflictError('organisation_exists', `organisation ${input.id} already exists`)
        }
        throw err
      }
    },

    async ensure(input) {
      validate(input)
      // `on conflict do nothing` rather than select-then-insert: two processes bootstrapping
      // the same organisation at once must both succeed.
      await db.insert(table).values({ id: input.id.toLowerCase(), name: input.name, createdAt: input.now }).onConflictDoNothing({ target: table.id })
      return get(input.id)
    },

    get,

    async list() {
      const rows = await db.select().from(table).orderBy(asc(table.createdAt), asc(table.id))
      return rows.map(toOrganisation)
    },
  }
}
