// One QuickBooks Online HTTP answer → what the drain does next. Retryability comes from the
// status code, never from message text (STYLE): 429 and 5xx retry; a Fault is QuickBooks
// refusing the document, with Intuit's messages. NOTE: Intuit documents that a 200 may carry a
// Fault instead of the entity; it is read as the refusal it is.
import type { SendOutcome } from '../erpAdapter.ts'
import { parseJsonObject } from '../parseJsonObject.ts'

/** A 2xx answer's parsed body, before the entity is read. */
export interface QboAccepted {
  status: 'accepted'
  body: Record<string, unknown>
}

interface QboFault {
  type?: string
  Error?: { Message?: string; Detail?: string; code?: string; element?: string }[]
}

export function qboAnswer(status: number, headers: Headers, text: string): QboAccepted | SendOutcome {
  if (status === 429) {
    // Intuit throttles at 500 requests a minute and 10 in flight per realm; Retry-After (seconds) when given.
    const retryAfter = headers.get('retry-after')
    const seconds = retryAfter === null ? NaN : Number(retryAfter)
    return { status: 'retry', afterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null, reason: 'QuickBooks throttled the request (HTTP 429)' }
  }
  if (status >= 500 || status === 408) return { status: 'retry', afterMs: null, reason: `QuickBooks HTTP ${status}` }
  const body = parseJsonObject(text)
  const fault = body?.Fault as QboFault | undefined
  if (fault) {
    const message = (fault.Error ?? []).map((e) => [e.Message, e.Detail].filter(Boolean).join(': ')).join('; ') || text.slice(0, 500)
    const code = fault.type === 'ValidationFault' ? 'quickbooks_validation' : `quickbooks_${(fault.type ?? 'fault').replace(/Fault$/, '').toLowerCase()}_fault`
    return { status: 'failed', code, message }
  }
  if (status >= 200 && status < 300 && body) return { status: 'accepted', body }
  const codes: Record<number, string> = {
    400: 'quickbooks_bad_request',
    401: 'quickbooks_unauthorized',
    403: 'quickbooks_forbidden',
    404: 'quickbooks_not_found',
  }
  return { status: 'failed', code: codes[status] ?? `quickbooks_http_${status}`, message: `QuickBooks HTTP ${status}: ${text.slice(0, 500)}` }
}
