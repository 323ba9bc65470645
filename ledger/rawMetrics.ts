// Raw metrics: the named event streams of an organisation (the reference docs' "ADD RAW
// METRIC"). Ingest looks one up per request, so `get` fails with a hint that says how to fix it.
import { insertError } from './insertError.ts'
import { and, asc, eq } from 'drizzle-orm'
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts'
import { IDENTIFIER, IDENTIFIER_RULE } from '../platform/identifier.ts'
import type { Database } from '../platform/postgres/database.ts'
import { assertOrgId, toIso } from './ids.ts'
import type { FieldSchema } from './schema/rawMetrics.ts'
import { rawMetrics as table } from './schema/rawMetrics.ts'

export type { FieldSchema, FieldType } from './schema/rawMetrics.ts'

export const FIELD_TYPES = ['number', 'string', 'boolean'] as const
/** Longest field name a field schema may declare. */
export const MAX_FIELD_NAME_LENGTH = 128

export interface RawMetric {
  id: string
  orgId: string
  name: string
  description: string | null
  /** Declared types of `data` fields; null when events are free-form. */
  fieldSchema: FieldSchema | null
  createdAt: string
}

export interface CreateRawMetricInput {
  orgId: string
  name: string
  description?: string | null
  fieldSchema?: FieldSchema | null
  /** When it is created (the caller's clock): `created_at`. */
  now: Date
}

export interface RawMetricRepository {
  /** Throws ValidationError `invalid_raw_metric_name` / `invalid_field_schema`, ConflictError `raw_metric_exists`. */
  create(input: CreateRawMetricInput): Promise<RawMetric>
  list(orgId: string): Promise<RawMetric[]>
  /** Throws NotFoundError `raw_metric_not_found` with a `hint` on how to create it. */
  get(orgId: string, name: string): Promise<RawMetric>
}

type Row = typeof table.$inferSelect

function toRawMetric(row: Row): RawMetric {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    description: row.description,
    fieldSchema: row.fieldSchema,
    createdAt: toIso(row.createdAt),
  }
}

function validateName(name: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new ValidationError('invalid_raw_metric_name', `"${name}" is not a valid raw metric name`, [
      {
        field: 'name',
        code: 'invalid_raw_metric_name',
        message: IDENTIFIER_RULE,
      },
    ])
  }
}

function validateFieldSchema(fieldSchema: FieldSchema): void {
  const details = Object.entries(fieldSchema).flatMap(([field, type]) => {
    if (field.length === 0 || field.length > MAX_FIELD_NAME_LENGTH) {
      return [{ field: 'field_schema', code: 'invalid_field_name', message: `field names must be 1-${MAX_FIELD_NAME_LENGTH} characters` }]
    }
    if (!(FIELD_TYPES as readonly string[]).includes(type)) {
      return [{ field: `field_schema.${field}`, code: 'invalid_field_type', message: 'expected number, string or boolean' }]
    }
    return []
  })
  if (details.length > 0) {
    throw new ValidationError('invalid_field_schema', 'field_schema maps field names to number, string or boolean', details)
  }
}

export function createRawMetricRepository(db: Database): RawMetricRepository {
  return {
    async create(input) {
      assertOrgId(input.orgId)
      validateName(input.name)
      if (input.fieldSchema) validateFieldSchema(input.fieldSchema)
      try {
        const [row] = await db
          .insert(table)
          .values({
            orgId: input.orgId,
            name: input.name,
            description: input.description ?? null,
            fieldSchema: input.fieldSchema ?? null,
            createdAt: input.now,
          })
          .returning()
        return toRawMetric(row!)
      } catch (err) {
        throw insertError(err, input.orgId, () => new ConflictError('raw_metric_exists', `raw metric ${input.name} already exists`))
      }
    },

    async list(orgId) {
      assertOrgId(orgId)
      const rows = await db.select().from(table).where(eq(table.orgId, orgId)).orderBy(asc(table.name))
      return rows.map(toRawMetric)
    },

    async get(orgId, name) {
      assertOrgId(orgId)
      const [row] = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), eq(table.name, name)))
      if (!row) {
        // The name in the hint is only echoed when it is valid, so a hostile path segment
        // is never presented to the user as a command to run.
        const shown = IDENTIFIER.test(name) ? name : 'NAME'
        throw new NotFoundError('raw_metric_not_found', `raw metric ${name} does not exist`, {
          hint: `Create it with \`tally raw-metrics create ${shown}\` or POST /v1/raw-metrics`,
        })
      }
      return toRawMetric(row)
    },
  }
}
