// The NetSuite adapter: documents.ts says what to send, this file sends it to the REST record
// service, each request signed with OAuth 1.0a (token-based authentication, oauth1.ts). The
// idempotency is the record's external id: a resend after a lost answer is a second upsert of
// the same `eid:`, which updates the one record. Budgets and backoff are the drain's (limits).
import type { Clock } from '../../../platform/clock.ts'
import { unreachableReason } from '../authorizedFetch.ts'
import { toDecimalJson } from '../decimalJson.ts'
import type { ErpAdapter, ErpLimits, SendOutcome, SendRequest, SendCall as Call } from '../erpAdapter.ts'
import { netsuitePlan, type NetSuiteRequest } from './documents.ts'
import { NetSuiteMappingError, netsuiteMapping, type NetSuiteMappingConfig } from './mapping.ts'
import { netsuiteAnswer, type NetSuiteAccepted } from './netsuiteAnswer.ts'
import { authorizationHeader, netsuiteRealm, newNonce, type OAuth1Credentials } from './oauth1.ts'

export interface NetSuiteAdapterOptions extends NetSuiteMappingConfig {
  /** The record API root: https://<account>.suitetalk.api.netsuite.com/services/rest/record/v1, or a test server's. */
  baseUrl: string
  /** The NetSuite account id (`1234567`, `1234567-sb1`): the OAuth realm. */
  accountId: string
  credentials: OAuth1Credentials
  /** Requests in flight at once: the share of the account's concurrency limit this integration may use. Default 5. */
  concurrency?: number
  /** oauth_timestamp comes from it. */
  clock: Clock
  /** Per HTTP request; a request past it is abandoned and retried by the drain. Default 30 s. */
  timeoutMs?: number
}

/**
 * NetSuite governs concurrent requests per account (5 on a developer account, 15 with one
 * SuiteCloud Plus licence; every integration shares it). A request over the limit is refused
 * with 429 and retried. There is no published per-minute cap for REST; the budget below only
 * keeps a runaway drain polite.
 */
export const NETSUITE_DEFAULT_CONCURRENCY = 5
const REQUESTS_PER_MINUTE = 600

export function createNetSuiteAdapter(options: NetSuiteAdapterOptions): ErpAdapter {
  const mapping = netsuiteMapping(options)
  const timeoutMs = options.timeoutMs ?? 30_000
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const realm = netsuiteRealm(options.accountId)
  const limits: ErpLimits = { requestsPerMinute: REQUESTS_PER_MINUTE, concurrency: options.concurrency ?? NETSUITE_DEFAULT_CONCURRENCY }

  async function exchange(request: NetSuiteRequest, { budget, signal }: Call): Promise<NetSuiteAccepted | SendOutcome> {
    const release = await budget.acquire(signal)
    const url = `${baseUrl}${request.path}`
    const timestamp = String(Math.floor(options.clock.now().getTime() / 1000))
    const authorization = authorizationHeader(realm, options.credentials, { method: request.method, url, timestamp, nonce: newNonce() })
    let response: Response
    let text: string
    try {
      response = await fetch(url, {
        method: request.method,
        headers: {
          authorization,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: toDecimalJson(request.body) }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      })
      text = await response.text()
    } catch (error) {
      // Timeout, reset, refused, or the drain's abort: nothing is known about NetSuite's side,
      // and the external id makes the next attempt an update of whatever was stored.
      return { status: 'retry', afterMs: null, reason: unreachableReason('NetSuite', error) }
    } finally {
      release()
    }
    return netsuiteAnswer(response.status, response.headers, text)
  }

  /** The record id of an accepted write, or `failed` when NetSuite's answer names none. */
  function idOf(answer: NetSuiteAccepted, request: NetSuiteRequest): SendOutcome {
    if (answer.id === null)
      return { status: 'failed', code: 'netsuite_unexpected_answer', message: `NetSuite's answer to ${request.method} ${request.path} has no Location` }
    return { status: 'sent', erpId: answer.id }
  }

  async function send({ document, refs, budget, signal }: SendRequest): Promise<SendOutcome> {
    const call = { budget, signal }
    try {
      const plan = netsuitePlan(document, refs, mapping)
      if ('request' in plan) {
        const answer = await exchange(plan.request, call)
        return answer.status === 'accepted' ? idOf(answer, plan.request) : answer
      }
      const found = await exchange(plan.lookup, call)
      if (found.status !== 'accepted' && !(found.status === 'failed' && found.code === 'netsuite_not_found')) return found
      const next = plan.next(found.status === 'accepted' ? found.body : null)
      if ('existingId' in next) return { status: 'sent', erpId: next.existingId }
      const answer = await exchange(next, call)
      return answer.status === 'accepted' ? idOf(answer, next) : answer
    } catch (error) {
      if (error instanceof NetSuiteMappingError) return { status: 'failed', code: error.code, message: error.message }
      throw error
    }
  }

  return { type: 'netsuite', limits, send }
}
