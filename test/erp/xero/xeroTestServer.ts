// A stand-in for Xero on 127.0.0.1 (real sockets, node:http): the accounting API under
// /api.xro/2.0 and the OAuth2 token endpoint under /connect/token. Each write is checked
// against Xero's OpenAPI document (xeroSpec.ts), then against the rules the document does not
// state (xeroBooks.ts), then stored. Idempotency-Key replays answer with the first 2xx answer
// for that key whatever the body; bearer tokens are checked and can be expired; faults can be
// queued for the next requests (429 + Retry-After, 500, a slow answer, an answer dropped after
// the document was stored).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import type { ErpPeerFaults } from '../erpContractSuite.ts'
import { answerOnce, faultQueue, listenLocal, oauth2Fields, oauth2Issuer, sendJson, type StoredAnswer } from '../erpTestServerKit.ts'
import { parseExactJson } from '../exactJson.ts'
import { XeroBooks, XeroRefusal, type XeroAccount, type XeroBooksOptions } from './xeroBooks.ts'
import { loadXeroSpec, type XeroSpec } from './xeroSpec.ts'

export const API_ROOT = '/api.xro/2.0'

/** Xero's default chart, in part: 090 bank, 200 sales, 610 Accounts Receivable, 820 GST, 835 deferred revenue. */
export const DEFAULT_ACCOUNTS: XeroAccount[] = [
  { Code: '090', Type: 'BANK' },
  { Code: '200', Type: 'SALES' },
  { Code: '260', Type: 'REVENUE' },
  { Code: '610', Type: 'CURRENT' },
  { Code: '820', Type: 'CURRLIAB' },
  { Code: '835', Type: 'CURRLIAB' },
]

export interface XeroTestServer {
  /** The accounting API root to give the adapter as baseUrl. */
  baseUrl: string
  tokenUrl: string
  tenantId: string
  clientId: string
  clientSecret: string
  /** The token pair the server issued first (the connection's stored tokens). */
  initialTokens: { accessToken: string; refreshToken: string; expiresAt: string }
  books: XeroBooks
  /** Every API request that reached the server, in order (faulted ones included). */
  requests: { method: string; path: string; idempotencyKey: string | undefined; status: number | 'dropped' }[]
  refreshCount(): number
  /** Faults for the next API calls; `expireToken`: the current access token is expired from now on (401 until a refresh). */
  faults: Required<ErpPeerFaults>
  close(): Promise<void>
}

export interface XeroTestServerOptions extends Partial<XeroBooksOptions> {
  tenantId?: string
  /** The port on 127.0.0.1; 0 (the default) takes a free one. */
  port?: number
}

let spec: XeroSpec | undefined

export async function startXeroTestServer(options: XeroTestServerOptions = {}): Promise<XeroTestServer> {
  spec ??= loadXeroSpec()
  const xeroSpec = spec
  const books = new XeroBooks({
    accounts: options.accounts ?? DEFAULT_ACCOUNTS,
    arAccountCode: options.arAccountCode ?? '610',
    currencies: options.currencies ?? ['USD', 'EUR'],
  })
  const tenantId = options.tenantId ?? randomUUID()
  const issuer = oauth2Issuer({
    expiresIn: 1800,
    initialExpiresAt: '2030-01-01T00:30:00.000Z',
    extra: { token_type: 'Bearer', scope: 'accounting.transactions accounting.contacts' },
  })
  const queue = faultQueue(issuer.expire)
  const replays = new Map<string, StoredAnswer>()
  const requests: XeroTestServer['requests'] = []

  async function api(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname.slice(API_ROOT.length)
    const key = header(req, 'idempotency-key')
    const log = { method: req.method ?? '', path, idempotencyKey: key, status: 0 as number | 'dropped' }
    requests.push(log)
    const answer = (status: number, body: unknown) => {
      log.status = status
      sendJson(res, status, body)
    }
    if (!issuer.accepts(req.headers.authorization))
      return answer(401, {
        Type: null,
        Title: 'Unauthorized',
        Status: 401,
        Detail: issuer.expired() ? 'TokenExpired: token expired' : 'AuthenticationUnsuccessful',
      })
    if (header(req, 'xero-tenant-id') !== tenantId) return answer(403, { Type: null, Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' })
    const fault = queue.next()
    if (fault?.kind === 'rateLimit') {
      res.setHeader('retry-after', String(fault.retryAfterSeconds))
      res.setHeader('x-rate-limit-problem', 'minute')
      return answer(429, { Title: 'Too Many Requests', Status: 429 })
    }
    if (fault?.kind === 'serverError') return answer(500, { Title: 'Internal Server Error', Status: 500 })
    await answerOnce({
      res,
      log,
      fault: fault,
      key: key,
      replays,
      compute: () => handle(xeroSpec, books, { method: req.method ?? '', path, query: url.searchParams, headers: req.headers, text }),
    })
  }

  const { origin, close } = await listenLocal((req, res, text) => {
    if (req.url === '/connect/token' && req.method === 'POST') return issuer.token(req, res, text)
    if (req.url?.startsWith(`${API_ROOT}/`)) return void api(req, res, text)
    sendJson(res, 404, { Title: 'Not Found', Status: 404 })
  }, options.port)

  return {
    baseUrl: `${origin}${API_ROOT}`,
    tokenUrl: `${origin}/connect/token`,
    tenantId,
    ...oauth2Fields(issuer),
    books,
    requests,
    faults: queue.faults,
    close,
  }
}

interface ApiRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  text: string
}

/** Validate, apply Xero's rules, store: the answer's status and body. */
function handle(spec: XeroSpec, books: XeroBooks, req: ApiRequest): { status: number; body: string } {
  let body: unknown
  let exact: Record<string, unknown>
  try {
    body = JSON.parse(req.text)
    exact = parseExactJson(req.text) as Record<string, unknown>
  } catch {
    return refusal(['The request body is not valid JSON'])
  }
  const problems = spec.check({ method: req.method, path: req.path, query: req.query, headers: req.headers, body })
  if (problems.length > 0) return refusal(problems)
  const op = spec.operation(req.method, req.path)!
  const unitPlaces = req.query.get('unitdp') === '4' ? 4 : 2
  const routes: Record<string, [string, (el: Record<string, unknown>) => Record<string, unknown>]> = {
    'PUT /Contacts': ['Contacts', (el) => books.putContact(el)],
    'PUT /Invoices': ['Invoices', (el) => books.putInvoice(el, unitPlaces)],
    'POST /Invoices/{InvoiceID}': ['Invoices', (el) => books.voidInvoice(op.pathParams.InvoiceID!, el)],
    'PUT /Payments': ['Payments', (el) => books.putPayment(el)],
    'PUT /CreditNotes': ['CreditNotes', (el) => books.putCreditNote(el, unitPlaces)],
    'PUT /CreditNotes/{CreditNoteID}/Allocations': ['Allocations', (el) => books.allocate(op.pathParams.CreditNoteID!, el)],
    'PUT /ManualJournals': ['ManualJournals', (el) => books.putJournal(el)],
  }
  const route = routes[`${req.method} ${op.template}`]
  if (!route)
    return { status: 404, body: JSON.stringify({ Title: 'Not Found', Status: 404, Detail: `${req.method} ${op.template} is not served by the test server` }) }
  const [collection, apply] = route
  const elements = exact[collection]
  if (!Array.isArray(elements) || elements.length !== 1) return refusal([`The test server takes exactly one element in ${collection}`])
  try {
    const stored = apply(elements[0] as Record<string, unknown>)
    return { status: 200, body: JSON.stringify({ Id: randomUUID(), Status: 'OK', ProviderName: 'Tally', [collection]: [stored] }) }
  } catch (error) {
    if (error instanceof XeroRefusal) return refusal(error.messages, elements[0])
    throw error
  }
}

function refusal(messages: string[], element: unknown = {}): { status: number; body: string } {
  const ValidationErrors = messages.map((Message) => ({ Message }))
  const body = {
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: [{ ...(element as object), ValidationErrors }],
  }
  return { status: 400, body: JSON.stringify(body) }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}
