// What an insert's database error means to a caller: a unique violation is the repository's
// own conflict (`customer_exists`, …), a foreign-key violation on org_id is an organisation
// that does not exist. Codes are read from SQLSTATE, never from message text.
import { isForeignKeyViolation, isUniqueViolation } from '../platform/postgres/pgErrors.ts'
import type { ConflictError } from '../platform/errors.ts'
import { orgNotFound } from './ids.ts'

/** The error to throw for a failed insert into an org-scoped table; unknown errors pass through. */
export function insertError(err: unknown, orgId: string, conflict?: () => ConflictError): unknown {
  if (conflict !== undefined && isUniqueViolation(err)) return conflict()
  if (isForeignKeyViolation(err)) return orgNotFound(orgId)
  return err
}
