// A fetch app (Hono) that may also answer some requests straight from node:http, before any web
// Request or Response is built: @hono/node-server's Request/Response wrappers, Hono's router,
// context and validators cost about as much CPU per small request as the work itself
// (docs/benchmarks.md, "Gateway fast path"). app/serve.ts asks the fast path first; it
// answers only what it fully handles and returns false for everything else, which then goes
// to the app's fetch untouched.
import type { IncomingMessage, ServerResponse } from 'node:http'

/** True when it took the request (and will answer it); false leaves it to the app's fetch, body unread. */
export type NodeFastPath = (req: IncomingMessage, res: ServerResponse) => boolean

/** What app/serve.ts serves: a fetch handler, optionally with a node:http fast path for some routes. */
export interface ServedApp {
  fetch: (request: Request) => Response | Promise<Response>
  nodeFastPath?: NodeFastPath
}

/** `app` with `fastPath` in front of it when served over node:http (`app.request` and `fetch` are unchanged). */
export function withNodeFastPath<A extends object>(app: A, fastPath: NodeFastPath): A & { nodeFastPath: NodeFastPath } {
  return Object.assign(app, { nodeFastPath: fastPath })
}

/**
 * The value of a request header when it was sent at most once; undefined when absent; null when
 * repeated. node:http keeps the first of a repeated `authorization` or `content-type` while a
 * web Request joins them with ", ", so a fast path leaves repeated headers to the app.
 */
export function singleHeaders(req: IncomingMessage, names: readonly string[]): Map<string, string> | null {
  const found = new Map<string, string>()
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase()
    if (!names.includes(name)) continue
    if (found.has(name)) return null
    found.set(name, raw[i + 1]!)
  }
  return found
}
