// The console reads and writes through the public HTTP API, in-process: every call is a Request
// to the same Hono app the API serves, with the session's key as `authorization: Bearer`. So the
// console gets exactly the API's auth, validation, scoping and error codes, and nothing more.
import type { Session } from './session.ts'

/** The API's fetch (the assembled Hono app's `fetch`). */
export type ApiFetch = (request: Request) => Response | Promise<Response>

/** The API's error body: `{ error: { code, message, details?, hint?, issues? } }`. */
export interface ApiErrorBody {
  code: string
  message: string
  details?: unknown[]
  hint?: string
  [extra: string]: unknown
}

export type ApiAnswer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiErrorBody }

/** The origin of in-process requests; the API never sees it on the wire. */
const ORIGIN = 'http://tally.console'

export function apiHeaders(session: Pick<Session, 'secret' | 'organisation'>): Record<string, string> {
  return { authorization: `Bearer ${session.secret}`, ...(session.organisation ? { organisation: session.organisation } : {}) }
}

export interface ApiClient {
  /** Calls `path` (starting with /v1/) with the session's credentials; JSON in, JSON out. */
  json<T>(session: Pick<Session, 'secret' | 'organisation'>, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>
  /** Forwards a request as it is (the console's /console/api proxy for its client code). */
  raw(
    session: Pick<Session, 'secret' | 'organisation'>,
    method: string,
    pathAndQuery: string,
    init: { body?: BodyInit | null; contentType?: string | undefined; accept?: string | undefined },
  ): Promise<Response>
}

export function createApiClient(api: ApiFetch): ApiClient {
  return {
    async json<T>(session: Pick<Session, 'secret' | 'organisation'>, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
      const headers: Record<string, string> = { ...apiHeaders(session), accept: 'application/json' }
      if (body !== undefined) headers['content-type'] = 'application/json'
      const res = await api(new Request(ORIGIN + path, { method, headers, body: body === undefined ? null : JSON.stringify(body) }))
      const text = await res.text()
      let parsed: unknown
      try {
        parsed = text === '' ? null : JSON.parse(text)
      } catch {
        parsed = null
      }
      if (res.ok) return { ok: true, status: res.status, body: parsed as T }
      const error = (parsed as { error?: ApiErrorBody } | null)?.error ?? { code: 'http_error', message: `The API answered ${res.status}` }
      return { ok: false, status: res.status, error }
    },
    async raw(session, method, pathAndQuery, init) {
      const headers: Record<string, string> = { ...apiHeaders(session) }
      if (init.contentType) headers['content-type'] = init.contentType
      if (init.accept) headers.accept = init.accept
      return api(new Request(ORIGIN + pathAndQuery, { method, headers, body: init.body ?? null, ...(init.body ? { duplex: 'half' } : {}) } as RequestInit))
    },
  }
}
