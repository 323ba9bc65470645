// The QuickBooks Online adapter: documents.ts says what to send, this file sends it. Every
// write is POST {baseUrl}/company/{realm}/{entity}?minorversion=…&requestid=<the outbox row's
// key>, so a retry after a lost answer gets QuickBooks' first answer instead of a second
// document; lookups (a customer by DisplayName, an invoice before paying or voiding it) are
// reads and need no key. A 401 refreshes the token once and retries once (../authorizedFetch.ts
// with ../oauth2Refresh.ts); answers are read by qboAnswer.ts. Budgets and backoff are the
// drain's (limits below).
import type { Clock } from '../../../platform/clock.ts'
import { authorizedFetch, isHttpAnswer, type ErpHttpRequest } from '../authorizedFetch.ts'
import { toDecimalJson } from '../decimalJson.ts'
import type { ErpAdapter, SendOutcome, SendRequest, SendCall as Call } from '../erpAdapter.ts'
import { oauth2Session, type OAuth2Tokens } from '../oauth2Refresh.ts'
import { quickBooksPlan, type QboEntity, type QboLookup, type QboWrite } from './documents.ts'
import { QuickBooksMappingError, REQUEST_ID_MAX, quickBooksMapping, type QuickBooksMappingConfig } from './mapping.ts'
import { qboAnswer } from './qboAnswer.ts'

export interface QuickBooksAdapterOptions extends QuickBooksMappingConfig {
  /** The API root, https://quickbooks.api.intuit.com/v3 (sandbox: https://sandbox-quickbooks.api.intuit.com/v3), or a test server's. */
  baseUrl: string
  realmId: string
  clientId: string
  clientSecret: string
  /** https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer, or a test server's. */
  tokenUrl: string
  tokens: OAuth2Tokens
  /** Called with each refreshed token pair; it must store the pair (Intuit rotates the refresh token). */
  onTokens(tokens: OAuth2Tokens): void | Promise<void>
  clock: Clock
  /** Intuit's minorversion query parameter on every request; default 75 (older ones are retired). */
  minorVersion?: string
  /** Per HTTP request; a request past it is abandoned and retried by the drain. Default 30 s. */
  timeoutMs?: number
}

/** Intuit's limits per realm: 500 requests a minute and 10 in flight. */
export const QUICKBOOKS_LIMITS = { requestsPerMinute: 500, concurrency: 10 } as const

// The application of a credit memo is its own write with its own requestid, derived from the row's.
const APPLY_KEY_SUFFIX = ':apply'

type Step = { status: 'ok'; entity: QboEntity | null } | SendOutcome

export function createQuickBooksAdapter(options: QuickBooksAdapterOptions): ErpAdapter {
  const mapping = quickBooksMapping(options)
  const timeoutMs = options.timeoutMs ?? 30_000
  const session = oauth2Session({ ...options, vendor: 'QuickBooks', timeoutMs })
  const company = `${options.baseUrl.replace(/\/+$/, '')}/company/${encodeURIComponent(options.realmId)}`
  const minorVersion = options.minorVersion ?? '75'

  /** One request; the entity under `key` in the answer (null when the answer has none), or the outcome. */
  async function exchange(request: ErpHttpRequest, key: string | ((body: Record<string, unknown>) => unknown), call: Call): Promise<Step> {
    const answer = await authorizedFetch(request, { vendor: 'QuickBooks', session, timeoutMs, ...call })
    if (!isHttpAnswer(answer)) return answer
    const read = qboAnswer(answer.status, answer.headers, answer.text)
    if (read.status !== 'accepted') return read
    const entity = typeof key === 'string' ? read.body[key] : key(read.body)
    return { status: 'ok', entity: typeof entity === 'object' && entity !== null ? (entity as QboEntity) : null }
  }

  function url(path: string, params: Record<string, string>): string {
    return `${company}/${path}?${new URLSearchParams({ ...params, minorversion: minorVersion }).toString()}`
  }

  const accept = { accept: 'application/json' }

  function lookup(l: QboLookup, call: Call): Promise<Step> {
    if (l.kind === 'read') return exchange({ method: 'GET', url: url(`${l.entity}/${encodeURIComponent(l.id)}`, {}), headers: accept }, l.entityKey, call)
    const first = (body: Record<string, unknown>) => ((body.QueryResponse as Record<string, unknown> | undefined)?.[l.entityKey] as unknown[] | undefined)?.[0]
    return exchange({ method: 'GET', url: url('query', { query: l.query }), headers: accept }, first, call)
  }

  function write(w: QboWrite, requestId: string, call: Call): Promise<Step> {
    const params: Record<string, string> = { requestid: requestId, ...(w.operation ? { operation: w.operation } : {}) }
    const request: ErpHttpRequest = {
      method: 'POST',
      url: url(w.entity, params),
      headers: { ...accept, 'content-type': 'application/json' },
      body: toDecimalJson(w.body),
    }
    return exchange(request, w.answerKey, call)
  }

  const idOf = (step: Step & { status: 'ok' }, what: string): SendOutcome | string =>
    typeof step.entity?.Id === 'string'
      ? step.entity.Id
      : { status: 'failed', code: 'quickbooks_unexpected_answer', message: `QuickBooks' answer has no ${what}.Id` }

  async function send({ document, refs, idempotencyKey, budget, signal }: SendRequest): Promise<SendOutcome> {
    const call = { budget, signal }
    let plan
    try {
      plan = quickBooksPlan(document, refs, mapping)
      const longest = idempotencyKey.length + (plan.followUp ? APPLY_KEY_SUFFIX.length : 0)
      if (longest > REQUEST_ID_MAX) throw new QuickBooksMappingError('field_invalid', `requestid ${idempotencyKey} is longer than ${REQUEST_ID_MAX} characters`)
    } catch (error) {
      if (error instanceof QuickBooksMappingError) return { status: 'failed', code: error.code, message: error.message }
      throw error
    }
    let found: QboEntity | null = null
    if (plan.lookup) {
      const step = await lookup(plan.lookup, call)
      if (step.status !== 'ok') return step
      found = step.entity
      if (plan.lookup.kind === 'read' && !found)
        return { status: 'failed', code: 'quickbooks_not_found', message: `QuickBooks has no ${plan.lookup.entity} ${plan.lookup.id}` }
    }
    const next = plan.write(found)
    if ('existingId' in next) return { status: 'sent', erpId: next.existingId }
    const written = await write(next, idempotencyKey, call)
    if (written.status !== 'ok') return written
    const erpId = idOf(written, next.answerKey)
    if (typeof erpId !== 'string') return erpId
    if (plan.followUp) {
      // NOTE: a refused application (say the invoice was paid meanwhile) leaves the credit memo
      // in QuickBooks unapplied; the outcome is `failed` so someone decides, and a retry replays
      // the credit memo by its requestid (no second copy) before trying the application again.
      const applied = await write(plan.followUp(erpId), `${idempotencyKey}${APPLY_KEY_SUFFIX}`, call)
      if (applied.status !== 'ok')
        return applied.status === 'failed' ? { ...applied, message: `${applied.message} (credit memo ${erpId} is in QuickBooks, not applied)` } : applied
    }
    return { status: 'sent', erpId }
  }

  return { type: 'quickbooks', limits: QUICKBOOKS_LIMITS, send }
}
