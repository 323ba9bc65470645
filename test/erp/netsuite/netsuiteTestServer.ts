// A stand-in for NetSuite's REST record service on 127.0.0.1 (real sockets, node:http), under
// /services/rest/record/v1. Every request must carry a valid OAuth 1.0a HMAC-SHA256 signature
// (token-based authentication: realm = the account, the consumer and token it issued, a nonce
// never reused with its timestamp), recomputed here over the URL the request reached. Writes
// are upserts by external id (`PUT /<type>/eid:<id>`, answered 204 with the record's Location)
// and the invoice → credit memo transform; reads are GET by internal or external id. Bodies are
// checked by netsuiteBooks.ts. Errors answer NetSuite's shape (`o:errorDetails`). The account's
// concurrency limit is enforced (429), and faults can be queued for the next requests: 429,
// 500, a slow answer, an answer dropped after the record was stored.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseAuthorizationHeader, sign, signatureBaseString, type OAuth1Credentials } from '../../../connectors/erp/netsuite/oauth1.ts'
import { EXTERNAL_ID } from '../../../connectors/erp/netsuite/mapping.ts'
import { parseExactJson } from '../exactJson.ts'
import { NetSuiteBooks, NetSuiteRefusal, type NetSuiteBooksOptions, type NetSuiteRecordType, type StoredRecord } from './netsuiteBooks.ts'

export const RECORD_ROOT = '/services/rest/record/v1'
const TYPES: readonly NetSuiteRecordType[] = ['customer', 'invoice', 'customerPayment', 'creditMemo', 'journalEntry']

/** Subsidiary 1; USD 1, EUR 4; accounts 1 bank, 2 AR, 54 subscription income, 55 usage income, 60 deferred revenue; items 21 (→ 54), 22 (→ 55), 23 (→ 60). */
export const DEFAULT_ACCOUNT: NetSuiteBooksOptions = {
  subsidiaries: ['1'],
  currencies: { '1': 'USD', '4': 'EUR' },
  accounts: { '1': 'Bank', '2': 'AcctRec', '54': 'Income', '55': 'Income', '60': 'DeferRevenue' },
  items: ['21', '22', '23'],
}

type Fault = { kind: 'rateLimit'; retryAfterSeconds: number } | { kind: 'serverError' } | { kind: 'delay'; ms: number } | { kind: 'dropAfterCommit' }

export interface NetSuiteTestServer {
  /** The record API root to give the adapter as baseUrl. */
  baseUrl: string
  accountId: string
  credentials: OAuth1Credentials
  books: NetSuiteBooks
  /** Every request that reached the server, in order (faulted and refused ones included). */
  requests: { method: string; path: string; status: number | 'dropped' }[]
  faults: {
    rateLimit(count: number, retryAfterSeconds: number): void
    serverError(count: number): void
    delay(count: number, ms: number): void
    dropAfterCommit(count: number): void
  }
  close(): Promise<void>
}

export interface NetSuiteTestServerOptions {
  account?: NetSuiteBooksOptions
  /** The account's concurrency limit: a request beyond it is answered 429 at once. Default 5. */
  concurrencyLimit?: number
}

const hex64 = (seed: string) => seed.repeat(64).slice(0, 64)

export async function startNetSuiteTestServer(options: NetSuiteTestServerOptions = {}): Promise<NetSuiteTestServer> {
  const books = new NetSuiteBooks(options.account ?? DEFAULT_ACCOUNT)
  const accountId = '1234567_SB1'
  const credentials: OAuth1Credentials = { consumerKey: hex64('c0'), consumerSecret: hex64('5e'), tokenId: hex64('70'), tokenSecret: hex64('7e') }
  const limit = options.concurrencyLimit ?? 5
  const queue: Fault[] = []
  const seenNonces = new Set<string>()
  const requests: NetSuiteTestServer['requests'] = []
  let inFlight = 0
  let origin = ''

  /** Why the request's signature is refused, or null when it is the one the consumer and token would make. */
  function authProblem(req: IncomingMessage): string | null {
    const fields = parseAuthorizationHeader(String(req.headers.authorization ?? ''))
    if (!fields) return 'no OAuth header'
    if (fields.realm !== accountId) return `realm ${fields.realm} is not account ${accountId}`
    if (fields.oauth_consumer_key !== credentials.consumerKey || fields.oauth_token !== credentials.tokenId) return 'unknown consumer or token'
    if (fields.oauth_signature_method !== 'HMAC-SHA256' || fields.oauth_version !== '1.0') return 'HMAC-SHA256 and OAuth 1.0 only'
    const nonceKey = `${fields.oauth_timestamp}/${fields.oauth_nonce}`
    if (!/^[A-Za-z0-9]{6,64}$/.test(fields.oauth_nonce ?? '') || seenNonces.has(nonceKey)) return 'nonce missing or used before'
    const { oauth_signature: signature, realm: _realm, ...params } = fields
    const expected = sign(signatureBaseString(req.method ?? '', `${origin}${req.url}`, params), credentials)
    if (signature !== expected) return 'signature mismatch'
    seenNonces.add(nonceKey)
    return null
  }

  async function handle(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.slice(RECORD_ROOT.length)
    const log = { method: req.method ?? '', path: decodeURIComponent(path), status: 0 as number | 'dropped' }
    requests.push(log)
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      log.status = status
      res
        .writeHead(status, { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) })
        .end(body === undefined ? undefined : JSON.stringify(body))
    }
    const problem = authProblem(req)
    // NetSuite answers every authentication failure alike, whatever the cause.
    if (problem) return answer(401, error(401, 'INVALID_LOGIN', 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI.'))
    if (inFlight > limit) return answer(429, error(429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.'))
    const fault = queue.shift()
    if (fault?.kind === 'rateLimit')
      return answer(429, error(429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.'), {
        'retry-after': String(fault.retryAfterSeconds),
      })
    if (fault?.kind === 'serverError') return answer(500, error(500, 'UNEXPECTED_ERROR', 'An unexpected error occurred.'))
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms))
    const result = route(books, req.method ?? '', decodeURIComponent(path), text)
    if (fault?.kind === 'dropAfterCommit') {
      log.status = 'dropped'
      res.socket?.destroy()
      return
    }
    if (result.record && result.status === 204) return answer(204, undefined, { location: `${origin}${RECORD_ROOT}/${result.record.type}/${result.record.id}` })
    answer(result.status, result.body)
  }

  const server = createServer((req, res) => {
    inFlight += 1
    res.on('close', () => (inFlight -= 1))
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (!req.url?.startsWith(`${RECORD_ROOT}/`)) return void res.writeHead(404).end()
      void handle(req, res, Buffer.concat(chunks).toString('utf8'))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const push = (count: number, fault: Fault) => queue.push(...Array.from({ length: count }, () => fault))

  return {
    baseUrl: `${origin}${RECORD_ROOT}`,
    accountId,
    credentials,
    books,
    requests,
    faults: {
      rateLimit: (count, retryAfterSeconds) => push(count, { kind: 'rateLimit', retryAfterSeconds }),
      serverError: (count) => push(count, { kind: 'serverError' }),
      delay: (count, ms) => push(count, { kind: 'delay', ms }),
      dropAfterCommit: (count) => push(count, { kind: 'dropAfterCommit' }),
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}

interface Routed {
  status: number
  body?: unknown
  record?: StoredRecord
}

/** One request against the books: `PUT /<type>/eid:<id>`, `POST /invoice/<id>/!transform/creditMemo`, `GET /<type>/<id | eid:id>`. */
function route(books: NetSuiteBooks, method: string, path: string, text: string): Routed {
  const [, type, key, action, target] = path.split('/') as [string, string, string | undefined, string | undefined, string | undefined]
  if (!TYPES.includes(type as NetSuiteRecordType) || key === undefined)
    return { status: 404, body: error(404, 'INVALID_RCRD_TYPE', `Record type ${type} is not served.`) }
  const recordType = type as NetSuiteRecordType
  const externalId = key.startsWith('eid:') ? key.slice(4) : null
  try {
    if (method === 'GET' && action === undefined) {
      const record = externalId === null ? books.get(recordType, key) : books.byExternal(recordType, externalId)
      if (!record) return { status: 404, body: error(404, 'NONEXISTENT_ID', `The record instance does not exist. Provide a valid record instance ID.`) }
      return { status: 200, body: { id: record.id, externalId: record.externalId ?? undefined, ...record.body } }
    }
    const body = text === '' ? {} : (parseExactJson(text) as Record<string, unknown>)
    if (method === 'PUT' && externalId !== null && action === undefined) {
      if (!EXTERNAL_ID.test(externalId))
        return { status: 400, body: error(400, 'INVALID_ID', `Invalid external ID ${externalId}: letters, digits, underscore and hyphen only.`) }
      return { status: 204, record: books.upsert(recordType, externalId, body) }
    }
    if (method === 'POST' && recordType === 'invoice' && action === '!transform' && target === 'creditMemo' && externalId === null)
      return { status: 204, record: books.transformToCreditMemo(key, body) }
    return { status: 405, body: error(405, 'INVALID_REQUEST', `${method} ${path} is not served by the test server.`) }
  } catch (err) {
    if (err instanceof NetSuiteRefusal) return { status: 400, body: error(400, err.errorCode, err.message) }
    if (err instanceof SyntaxError) return { status: 400, body: error(400, 'INVALID_CONTENT', 'The request body is not valid JSON.') }
    throw err
  }
}

/** NetSuite's error body: type, title, status and `o:errorDetails`. */
function error(status: number, errorCode: string, detail: string) {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    405: 'Method Not Allowed',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
  }
  return {
    type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15',
    title: titles[status] ?? 'Error',
    status,
    'o:errorDetails': [{ detail, 'o:errorCode': errorCode }],
  }
}
