import type { Context } from 'hono'
import { ValidationError } from '../errors.ts'
import type { AppEnv, Principal } from './appEnv.ts'

/** The organisation a request is scoped to; admin requests must name one in the `organisation` header. */
export function requestOrg(c: Context<AppEnv>): string {
  return principalOrg(c.get('principal'))
}

/** requestOrg for a principal authenticated outside Hono (ingest's node:http fast path). */
export function principalOrg(principal: Principal): string {
  if (principal.orgId === null) {
    throw new ValidationError('organisation_required', 'Name the organisation with the `organisation: <org id>` header')
  }
  return principal.orgId
}
