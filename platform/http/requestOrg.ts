import type { Context } from 'hono'
import { ValidationError } from '../errors.ts'
import type { AppEnv } from './appEnv.ts'

/** The organisation a request is scoped to; admin requests must name one in the `organisation` header. */
export function requestOrg(c: Context<AppEnv>): string {
  const orgId = c.get('principal').orgId
  if (orgId === null) {
    throw new ValidationError('organisation_required', 'Name the organisation with the `organisation: <org id>` header')
  }
  return orgId
}
