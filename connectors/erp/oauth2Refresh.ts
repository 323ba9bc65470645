// OAuth2 access tokens for one ERP connection (Xero, QuickBooks Online): the current token, and
// a refresh through the vendor's token URL (grant_type=refresh_token, client id and secret as
// HTTP Basic, RFC 6749 §6). Both vendors rotate the refresh token on a refresh, so the new pair
// is handed to `onTokens` (which stores it) before any request uses it, and concurrent 401s
// share one refresh instead of racing with the same refresh token.
import type { Clock } from '../../platform/clock.ts'
import type { SendOutcome } from './erpAdapter.ts'

export interface OAuth2Tokens {
  accessToken: string
  refreshToken: string
  /** ISO 8601 instant the access token expires (Xero: 30 minutes after it was issued; QuickBooks: 60). */
  expiresAt: string
}

export interface OAuth2RefreshOptions {
  /** Names the vendor in messages (`Xero`, `QuickBooks`) and, lower-cased, in the refusal's code (`xero_token_refresh_refused`). */
  vendor: string
  tokenUrl: string
  clientId: string
  clientSecret: string
  tokens: OAuth2Tokens
  onTokens(tokens: OAuth2Tokens): void | Promise<void>
  clock: Clock
  timeoutMs: number
}

/** Not sendable: the refresh did not give a token. */
export type RefreshFailure = Extract<SendOutcome, { status: 'retry' | 'failed' }>

export interface OAuth2Session {
  accessToken(): string
  /** A fresh access token after `stale` was refused; null when it was obtained, else why not. */
  refresh(stale: string, signal: AbortSignal): Promise<RefreshFailure | null>
}

export function oauth2Session(options: OAuth2RefreshOptions): OAuth2Session {
  let tokens = options.tokens
  let inFlight: Promise<RefreshFailure | null> | null = null

  async function refreshNow(signal: AbortSignal): Promise<RefreshFailure | null> {
    const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')
    let response: Response
    try {
      response = await fetch(options.tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }).toString(),
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
      })
    } catch (error) {
      return { status: 'retry', afterMs: null, reason: `token refresh: ${(error as Error).message}` }
    }
    const text = await response.text()
    if (response.status >= 500 || response.status === 429) return { status: 'retry', afterMs: null, reason: `token refresh: HTTP ${response.status}` }
    // NOTE: 400 invalid_grant means the refresh token is revoked or expired (Xero: 60 days
    // unused; QuickBooks: 100 days): only reconnecting the app fixes it, so it is not retried.
    if (!response.ok)
      return {
        status: 'failed',
        code: `${options.vendor.toLowerCase()}_token_refresh_refused`,
        message: `${options.vendor} refused the token refresh (HTTP ${response.status}): ${text}`,
      }
    const grant = JSON.parse(text) as { access_token: string; refresh_token: string; expires_in: number }
    const next: OAuth2Tokens = {
      accessToken: grant.access_token,
      refreshToken: grant.refresh_token,
      expiresAt: new Date(options.clock.now().getTime() + grant.expires_in * 1000).toISOString(),
    }
    await options.onTokens(next)
    tokens = next
    return null
  }

  return {
    accessToken: () => tokens.accessToken,
    refresh(stale, signal) {
      if (tokens.accessToken !== stale) return Promise.resolve(null)
      inFlight ??= refreshNow(signal).finally(() => {
        inFlight = null
      })
      return inFlight
    },
  }
}
