// One Xero HTTP answer → what the drain does next. Retryability comes from the status code,
// never from message text (STYLE): 429 and 5xx retry, 4xx is Xero refusing the document.
import type { SendOutcome } from '../erpAdapter.ts'
import { parseJsonObject } from '../parseJsonObject.ts'

/** A 2xx answer's parsed body, before its id is read. */
export interface XeroAccepted {
  status: 'accepted'
  body: Record<string, unknown>
}

interface XeroElement {
  ValidationErrors?: { Message?: string }[]
  [field: string]: unknown
}

export function xeroAnswer(status: number, headers: Headers, text: string): XeroAccepted | SendOutcome {
  if (status === 429) {
    // Xero's Retry-After is whole seconds; X-Rate-Limit-Problem names the limit hit (minute, day, concurrent).
    const seconds = Number(headers.get('retry-after'))
    const problem = headers.get('x-rate-limit-problem') ?? 'unknown'
    return { status: 'retry', afterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null, reason: `Xero rate limit (${problem})` }
  }
  if (status >= 500 || status === 408) return { status: 'retry', afterMs: null, reason: `Xero HTTP ${status}` }
  const body = parseJsonObject(text)
  if (status >= 200 && status < 300 && body) {
    // NOTE: with summarizeErrors=false Xero answers 200 and marks the failing element instead of 400.
    const refused = elementsOf(body).flatMap(messagesOf)
    if (refused.length > 0) return { status: 'failed', code: 'xero_validation', message: refused.join('; ') }
    return { status: 'accepted', body }
  }
  if (status === 400) {
    const messages = elementsOf(body?.Elements).flatMap(messagesOf)
    const message = messages.length > 0 ? messages.join('; ') : String(body?.Message ?? text)
    return { status: 'failed', code: body?.Type === 'ValidationException' ? 'xero_validation' : 'xero_bad_request', message }
  }
  const codes: Record<number, string> = { 401: 'xero_unauthorized', 403: 'xero_forbidden', 404: 'xero_not_found' }
  return { status: 'failed', code: codes[status] ?? `xero_http_${status}`, message: `Xero HTTP ${status}: ${text.slice(0, 500)}` }
}

/** The Xero id of the first element of `collection` in an accepted answer. */
export function xeroIdIn(body: Record<string, unknown>, collection: string, idField: string): string | undefined {
  const first = (body[collection] as XeroElement[] | undefined)?.[0]
  const id = first?.[idField]
  return typeof id === 'string' ? id : undefined
}

/** The elements of an answer: an `Elements` array, or each collection array of a 2xx body. */
function elementsOf(value: unknown): XeroElement[] {
  const isElement = (e: unknown): e is XeroElement => typeof e === 'object' && e !== null
  if (Array.isArray(value)) return value.filter(isElement)
  if (typeof value !== 'object' || value === null) return []
  return Object.values(value).filter(Array.isArray).flat().filter(isElement)
}

function messagesOf(element: XeroElement): string[] {
  return (element.ValidationErrors ?? []).map((e) => e.Message ?? '').filter((m) => m !== '')
}
