// What every console route module shares: the page answer with its security headers, the API
// error as a readable problem, and the signed-in `call` to the API. consoleApp.tsx builds one
// kit and hands it to each route module (routes/*.tsx), so pages of one area sit together.
import type { Context, Hono } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import type { ApiAnswer, ApiErrorBody } from './apiClient.ts'
import type { Assets } from './assets.ts'
import { readableError } from './errorMessages.ts'
import type { Session } from './session.ts'

export interface ConsoleEnv {
  Variables: { session: Session; assets: Assets }
}
export type ConsoleContext = Context<ConsoleEnv>
export type ConsoleRouter = Hono<ConsoleEnv>

export type Problem = { message: string; code: string; issues?: { line?: number; column?: number; message: string; code: string }[] }

type Detail = { field?: string; code: string; message: string }

/** The API's error, readable: its SQL issues (line, column) or else its field details (`path: message`). */
export function problem(error: ApiErrorBody): Problem {
  const details = Array.isArray(error.details) ? (error.details as Detail[]) : []
  const issues = Array.isArray(error.issues)
    ? (error.issues as Problem['issues'])
    : details.length > 0
      ? details.map((d) => ({ message: d.field ? `${d.field}: ${d.message}` : d.message, code: d.code }))
      : undefined
  return { message: readableError(error), code: error.code, ...(issues === undefined ? {} : { issues }) }
}

export const PAGE_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  // Scripts only from Tally itself (no inline script); CodeMirror writes its styles into <style> tags.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
}

export type PageStatus = 200 | 400 | 403 | 404 | 409 | 422 | 500 | 503

export async function page(c: Context, node: JSX.Element, status: PageStatus = 200): Promise<Response> {
  return c.html('<!doctype html>' + (await node.toString()), status, PAGE_HEADERS)
}

/** The HTTP status of a page that shows an API refusal (the API's own when it is one a page uses). */
export function refusalStatus(status: number): PageStatus {
  return ([400, 403, 404, 409, 422, 503] as const).find((s) => s === status) ?? 500
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : '')

export interface RouteKit {
  /** An API answer a page needs, with the session's key; a key revoked since sign-in ends the session. */
  call<T>(c: ConsoleContext, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>
  notFound(c: ConsoleContext, p: Problem): Promise<Response>
  /** "Now" of the server (the console's clock), for default periods. */
  now(): Date
}

/** The common props of a signed-in page. */
export const signedInProps = (c: ConsoleContext) => ({ assets: c.var.assets, csrf: c.var.session.csrf })

/** `encodeURIComponent` of a path segment, short. */
export const seg = (s: string): string => encodeURIComponent(s)
