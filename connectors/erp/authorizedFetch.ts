// One HTTP exchange with an ERP on behalf of an adapter: a slot of the connection's request
// budget for each request, the bearer token from the connection's OAuth2 session, a timeout,
// and on a 401 one token refresh and one retry (a second 401 is the vendor's answer). Anything that leaves the answer unknown (timeout, reset, refused connection,
// the drain's own abort) is `retry`: the request carries the vendor's idempotency key, so the
// next attempt cannot make a second document.
import type { RequestBudget } from './drain/requestBudget.ts'
import type { SendOutcome } from './erpAdapter.ts'
import type { OAuth2Session } from './oauth2Refresh.ts'

export interface ErpHttpRequest {
  method: 'GET' | 'PUT' | 'POST'
  url: string
  /** Headers besides authorization. */
  headers: Record<string, string>
  body?: string
}

export interface ErpHttpAnswer {
  status: number
  headers: Headers
  text: string
}

export interface AuthorizedFetchOptions {
  /** Names the vendor in retry reasons (`Xero`, `QuickBooks`). */
  vendor: string
  session: OAuth2Session
  /** The connection's request budget (SendRequest.budget): one slot per request, retries included. */
  budget: RequestBudget
  timeoutMs: number
  signal: AbortSignal
}

export async function authorizedFetch(request: ErpHttpRequest, options: AuthorizedFetchOptions): Promise<ErpHttpAnswer | SendOutcome> {
  for (let refreshed = false; ; refreshed = true) {
    const release = await options.budget.acquire(options.signal)
    // Read after the wait for a slot: another request may have refreshed the token meanwhile.
    const token = options.session.accessToken()
    let response: Response
    let text: string
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: { ...request.headers, authorization: `Bearer ${token}` },
        body: request.body,
        signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
      })
      text = await response.text()
    } catch (error) {
      return { status: 'retry', afterMs: null, reason: unreachableReason(options.vendor, error) }
    } finally {
      release()
    }
    if (response.status === 401 && !refreshed) {
      const failure = await options.session.refresh(token, options.signal)
      if (failure) return failure
      continue
    }
    return { status: response.status, headers: response.headers, text }
  }
}

/** Whether `authorizedFetch` gave an HTTP answer (rather than an outcome decided without one). */
export function isHttpAnswer(value: ErpHttpAnswer | SendOutcome): value is ErpHttpAnswer {
  return typeof value.status === 'number'
}

/** Why a request got no answer (timeout, abort, reset, refused), naming the vendor; the outcome is always `retry`. */
export function unreachableReason(vendor: string, error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } }
  if (err.name === 'TimeoutError') return `${vendor} did not answer in time`
  if (err.name === 'AbortError') return 'aborted'
  return `${vendor} unreachable: ${err.cause?.code ?? err.cause?.message ?? err.message}`
}
