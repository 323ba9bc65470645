import type { Context } from 'hono'
import type { AppEnv } from './appEnv.ts'

/** Who made a request, as audit trails record it: `api_key:<key id>`, or `admin` for the admin token. */
export function requestActor(c: Context<AppEnv>): string {
  const principal = c.get('principal')
  return principal.kind === 'admin' ? 'admin' : `api_key:${principal.keyId ?? 'unknown'}`
}
