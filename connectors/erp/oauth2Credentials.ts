// The stored credentials of an OAuth2 ERP connection (Xero, QuickBooks Online), as
// `POST /v1/erp/connections` takes them, and how they feed an adapter: the client and the token
// pair for its session (oauth2Refresh.ts), and each refreshed pair sealed back in their place.
import { z } from 'zod'
import type { OAuth2Tokens } from './oauth2Refresh.ts'

export const oauth2Credentials = z.strictObject({
  client_id: z.string().min(1).max(200),
  client_secret: z.string().min(1).max(500),
  access_token: z.string().min(1).max(10_000),
  refresh_token: z.string().min(1).max(10_000),
  /** ISO instant the access token expires. */
  expires_at: z.iso.datetime({ offset: true }),
})
export type OAuth2Credentials = z.infer<typeof oauth2Credentials>

/** The adapter options an OAuth2 session needs, from opened credentials; `store` seals the refreshed ones. */
export function oauth2Options(credentials: Record<string, unknown>, store: (credentials: Record<string, unknown>) => Promise<void>) {
  const c = credentials as OAuth2Credentials
  return {
    clientId: c.client_id,
    clientSecret: c.client_secret,
    tokens: { accessToken: c.access_token, refreshToken: c.refresh_token, expiresAt: c.expires_at },
    onTokens: (t: OAuth2Tokens) => store({ ...c, access_token: t.accessToken, refresh_token: t.refreshToken, expires_at: t.expiresAt }),
  }
}
