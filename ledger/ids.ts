// Ledger ids are Postgres `uuid`s. A string that is not a UUID would make Postgres raise
// `invalid_text_representation` (a 500 if left alone), so callers check the shape first and
// answer with the domain error a client expects: an id that cannot exist is simply not found.
import { NotFoundError } from '../platform/errors.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: string): boolean {
  return UUID.test(value)
}

/** Rejects an organisation id that cannot exist, before it reaches a query. */
export function assertOrgId(orgId: string): void {
  if (!isUuid(orgId)) throw orgNotFound(orgId)
}

export function orgNotFound(orgId: string): NotFoundError {
  return new NotFoundError('organisation_not_found', `organisation ${orgId} does not exist`)
}

/** Timestamps leave the ledger as ISO 8601 strings in UTC (`2024-05-01T09:30:00.000Z`). */
export function toIso(date: Date): string {
  return date.toISOString()
}

export function toIsoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString()
}
