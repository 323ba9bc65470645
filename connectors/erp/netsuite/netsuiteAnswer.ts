// One NetSuite REST answer → what the drain does next. Retryability comes from the status code,
// never from message text (STYLE): 429 (the account's concurrency limit) and 5xx retry; other
// 4xx are NetSuite refusing the record, parked with its `o:errorDetails` messages.
import type { SendOutcome } from '../erpAdapter.ts'
import { parseJsonObject } from '../parseJsonObject.ts'

/** A 2xx answer: the record's internal id (from the Location of a 204, or the `id` of a 200 body) and the body when there is one. */
export interface NetSuiteAccepted {
  status: 'accepted'
  id: string | null
  body: Record<string, unknown> | null
}

interface ErrorDetail {
  detail?: string
  'o:errorCode'?: string
}

export function netsuiteAnswer(status: number, headers: Headers, text: string): NetSuiteAccepted | SendOutcome {
  if (status === 429) {
    // NetSuite does not promise a Retry-After; when there is one it is whole seconds.
    const retryAfter = headers.get('retry-after')
    const seconds = retryAfter === null ? NaN : Number(retryAfter)
    return { status: 'retry', afterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null, reason: 'NetSuite concurrency limit (HTTP 429)' }
  }
  if (status >= 500 || status === 408) return { status: 'retry', afterMs: null, reason: `NetSuite HTTP ${status}` }
  const body = parseJsonObject(text)
  if (status >= 200 && status < 300) {
    const location = headers.get('location')
    const id = location ? decodeURIComponent(location.replace(/\/+$/, '').split('/').pop() ?? '') : typeof body?.id === 'string' ? body.id : null
    return { status: 'accepted', id: id || null, body }
  }
  const details = Array.isArray(body?.['o:errorDetails']) ? (body['o:errorDetails'] as ErrorDetail[]) : []
  const message =
    details.length > 0 ? details.map((d) => (d['o:errorCode'] ? `${d['o:errorCode']}: ${d.detail ?? ''}` : (d.detail ?? ''))).join('; ') : text.slice(0, 500)
  const codes: Record<number, string> = { 400: 'netsuite_validation', 401: 'netsuite_unauthorized', 403: 'netsuite_forbidden', 404: 'netsuite_not_found' }
  return { status: 'failed', code: codes[status] ?? `netsuite_http_${status}`, message }
}
