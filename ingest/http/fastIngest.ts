// The two hot ingest routes, POST /usage/:rawMetric and POST /v1/events (JSON or NDJSON with a
// Content-Length), answered straight from node:http in front of Hono (platform/http/nodeFastPath.ts).
// Per single event, Hono's router, context and validators and @hono/node-server's web
// Request/Response cost more CPU than the validation itself (docs/benchmarks.md, "Gateway fast
// path"). Nothing is decided here twice: authentication is auth.ts's principalResolver, the
// request rules are ingestSingleEvent / ingestBatch (the Hono routes call the same), errors are
// answered by errorAnswer (Hono's error handler uses the same). Anything unusual (another route
// or method, a query string, a chunked body, a repeated or padded header, an unusual Host)
// returns false before the body is read, and Hono answers it as before.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../../platform/logger.ts'
import { errorAnswer } from '../../platform/http/errorHandler.ts'
import { singleHeaders, type NodeFastPath } from '../../platform/http/nodeFastPath.ts'
import { decodeBody, mediaTypeOf, payloadTooLarge } from '../../platform/http/readBody.ts'
import { principalOrg } from '../../platform/http/requestOrg.ts'
import { IDENTIFIER } from '../../platform/identifier.ts'
import type { Principal } from '../../platform/http/appEnv.ts'
import { ingestBatch, ingestSingleEvent, type IngestDeps, type IngestRequest } from './ingestRoutes.ts'

const USAGE_PREFIX = '/usage/'
const HEADERS = ['authorization', 'organisation', 'content-type', 'content-length', 'host', 'transfer-encoding'] as const
// @hono/node-server builds the URL itself from a Host it accepts as is; another Host goes there.
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/

export interface FastIngestOptions {
  deps: IngestDeps
  /** auth.ts's principalResolver: the same 401/403 as the middleware. */
  principalOf(authorization: string | undefined, organisation: string | undefined): Promise<Principal>
  logger: Logger
}

export function ingestFastPath(opts: FastIngestOptions): NodeFastPath {
  const { deps, principalOf, logger } = opts
  return (req, res) => {
    if (req.method !== 'POST') return false
    const path = req.url ?? ''
    let rawMetric: string | undefined
    if (path.startsWith(USAGE_PREFIX)) {
      rawMetric = path.slice(USAGE_PREFIX.length)
      if (!IDENTIFIER.test(rawMetric)) return false
    } else if (path !== '/v1/events') return false
    const headers = singleHeaders(req, HEADERS)
    if (headers === null || headers.has('transfer-encoding')) return false
    for (const value of headers.values()) if (value.trim() !== value) return false
    const host = headers.get('host')
    const length = headers.get('content-length')
    if (host === undefined || !PLAIN_HOST.test(host) || length === undefined || !Number.isSafeInteger(Number(length))) return false
    void answer(
      res,
      path,
      async () => {
        // The order of the Hono route: authentication, the declared length, then the route's rules.
        const principal = await principalOf(headers.get('authorization'), headers.get('organisation'))
        if (Number(length) > deps.maxBodyBytes) throw payloadTooLarge(deps.maxBodyBytes)
        const request: IngestRequest = {
          orgId: () => principalOrg(principal),
          mediaType: mediaTypeOf(headers.get('content-type')),
          readText: () => readText(req),
          path,
        }
        return rawMetric === undefined ? ingestBatch(deps, request) : ingestSingleEvent(deps, rawMetric, request)
      },
      logger,
    )
    return true
  }
}

async function answer(res: ServerResponse, path: string, handle: () => Promise<{ status: number; body: unknown }>, logger: Logger): Promise<void> {
  let status: number
  let body: unknown
  let extra: Record<string, string> = {}
  try {
    ;({ status, body } = await handle())
  } catch (err) {
    ;({ status, body, headers: extra } = errorAnswer(logger, err as Error, { path, method: 'POST' }))
  }
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra })
  res.end(text)
}

/** The whole body (its length was declared and checked; node:http never delivers more). */
function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
    })
    req.once('end', () => resolve(decodeBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))))
    req.once('error', reject)
  })
}
