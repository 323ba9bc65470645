// The Xero adapter: documents.ts says what to send, this file sends it. Every request carries
// the bearer token, the tenant (`xero-tenant-id`) and the outbox row's key as `Idempotency-Key`,
// so a retry after a lost answer returns Xero's first answer instead of a second document. A
// 401 refreshes the token once and retries the request once (../authorizedFetch.ts with
// ../oauth2Refresh.ts); every other answer is read by xeroAnswer.ts. Budgets and backoff are
// the drain's (limits below).
import type { Clock } from '../../../platform/clock.ts'
import { authorizedFetch, isHttpAnswer } from '../authorizedFetch.ts'
import { toDecimalJson } from '../decimalJson.ts'
import type { ErpAdapter, SendOutcome, SendRequest, SendCall as Call } from '../erpAdapter.ts'
import { oauth2Session, type OAuth2Tokens } from '../oauth2Refresh.ts'
import { xeroPlan, type XeroRequest } from './documents.ts'
import { IDEMPOTENCY_KEY_MAX, XeroMappingError, xeroMapping, type XeroMappingConfig } from './mapping.ts'
import { xeroAnswer, xeroIdIn, type XeroAccepted } from './xeroAnswer.ts'

export interface XeroAdapterOptions extends XeroMappingConfig {
  /** Xero's accounting API root, https://api.xero.com/api.xro/2.0, or a test server's. */
  baseUrl: string
  tenantId: string
  clientId: string
  clientSecret: string
  /** https://identity.xero.com/connect/token, or a test server's. */
  tokenUrl: string
  tokens: OAuth2Tokens
  /** Called with each refreshed token pair; it must store the pair (the old refresh token stops working). */
  onTokens(tokens: OAuth2Tokens): void | Promise<void>
  clock: Clock
  /** Per HTTP request; a request past it is abandoned and retried by the drain. Default 30 s. */
  timeoutMs?: number
}

/** Xero's published limits per tenant: 60 calls a minute, 5 in flight (and 5,000 a day, README). */
export const XERO_LIMITS = { requestsPerMinute: 60, concurrency: 5 } as const

// The allocation of a credit note is its own request with its own key, derived from the row's.
const ALLOCATION_KEY_SUFFIX = ':allocation'

export function createXeroAdapter(options: XeroAdapterOptions): ErpAdapter {
  const mapping = xeroMapping(options)
  const timeoutMs = options.timeoutMs ?? 30_000
  const session = oauth2Session({ ...options, vendor: 'Xero', timeoutMs })
  const baseUrl = options.baseUrl.replace(/\/+$/, '')

  async function exchange(request: XeroRequest, idempotencyKey: string, call: Call): Promise<XeroAccepted | SendOutcome> {
    const headers = { 'xero-tenant-id': options.tenantId, 'idempotency-key': idempotencyKey, 'content-type': 'application/json', accept: 'application/json' }
    const answer = await authorizedFetch(
      { method: request.method, url: `${baseUrl}${request.path}`, headers, body: toDecimalJson(request.body) },
      { vendor: 'Xero', session, timeoutMs, ...call },
    )
    return isHttpAnswer(answer) ? xeroAnswer(answer.status, answer.headers, answer.text) : answer
  }

  async function send({ document, refs, idempotencyKey, budget, signal }: SendRequest): Promise<SendOutcome> {
    const call = { budget, signal }
    let plan
    try {
      if (idempotencyKey.length + ALLOCATION_KEY_SUFFIX.length > IDEMPOTENCY_KEY_MAX)
        throw new XeroMappingError('field_too_long', `idempotency key is longer than ${IDEMPOTENCY_KEY_MAX - ALLOCATION_KEY_SUFFIX.length} characters`)
      plan = xeroPlan(document, refs, mapping)
    } catch (error) {
      if (error instanceof XeroMappingError) return { status: 'failed', code: error.code, message: error.message }
      throw error
    }
    const answer = await exchange(plan.request, idempotencyKey, call)
    if (answer.status !== 'accepted') return answer
    const erpId = xeroIdIn(answer.body, plan.request.collection, plan.request.idField ?? '')
    if (erpId === undefined)
      return { status: 'failed', code: 'xero_unexpected_answer', message: `Xero's answer has no ${plan.request.collection}[0].${plan.request.idField}` }
    if (plan.followUp) {
      // NOTE: a refused allocation (say the invoice was paid meanwhile) leaves the credit note in
      // Xero unallocated; the outcome is `failed` so someone decides, and a retry replays the
      // credit note by its key (no second copy) before trying the allocation again.
      const followUp = await exchange(plan.followUp(erpId), `${idempotencyKey}${ALLOCATION_KEY_SUFFIX}`, call)
      if (followUp.status !== 'accepted')
        return followUp.status === 'failed' ? { ...followUp, message: `${followUp.message} (credit note ${erpId} is in Xero, not allocated)` } : followUp
    }
    return { status: 'sent', erpId }
  }

  return { type: 'xero', limits: XERO_LIMITS, send }
}
