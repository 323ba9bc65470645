// A stand-in for QuickBooks Online on 127.0.0.1 (real sockets, node:http): the accounting API
// under /v3/company/{realmId} and Intuit's OAuth2 token endpoint under /oauth2/v1/tokens/bearer.
// Each write's body is checked against its entity's XSD type (qboJsonCheck.ts over Intuit's
// Finance.xsd), then against the rules the XSD does not state (qboBooks.ts), then stored.
// A `requestid` replay answers with the first 2xx answer for that id whatever the body; bearer
// tokens are checked and can be expired; faults can be queued for the next requests (429 +
// Retry-After, 500, a slow answer, an answer dropped after the document was stored).
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ErpPeerFaults } from '../erpContractSuite.ts'
import { answerOnce, faultQueue, listenLocal, oauth2Fields, oauth2Issuer, sendJson, type StoredAnswer } from '../erpTestServerKit.ts'
import { parseExactJson } from '../exactJson.ts'
import { QboBooks, QboRefusal, type El, type QboAccount, type QboBooksOptions, type QboItem } from './qboBooks.ts'
import { checkQboJson } from './qboJsonCheck.ts'
import { loadQboXsd, type QboXsd } from './qboXsd.ts'

export const TOKEN_PATH = '/oauth2/v1/tokens/bearer'

/** A small company: 35 checking, 79 sales, 84 AR, 90 deferred revenue, 91 usage income; items 1 (→ 79), 2 (→ 91), 3 (→ 90). */
export const DEFAULT_ACCOUNTS: QboAccount[] = [
  { Id: '35', AccountType: 'Bank' },
  { Id: '79', AccountType: 'Income' },
  { Id: '84', AccountType: 'Accounts Receivable' },
  { Id: '90', AccountType: 'Other Current Liability' },
  { Id: '91', AccountType: 'Income' },
]
export const DEFAULT_ITEMS: QboItem[] = [
  { Id: '1', Name: 'Subscriptions', IncomeAccountId: '79' },
  { Id: '2', Name: 'Usage', IncomeAccountId: '91' },
  { Id: '3', Name: 'Deferred subscriptions', IncomeAccountId: '90' },
]

/** The entity of each write path and its XSD type. */
const ENTITIES: Record<string, string> = {
  customer: 'Customer',
  invoice: 'Invoice',
  payment: 'Payment',
  creditmemo: 'CreditMemo',
  journalentry: 'JournalEntry',
}

export interface QboTestServer {
  /** The API root to give the adapter as baseUrl (…/v3). */
  baseUrl: string
  tokenUrl: string
  realmId: string
  clientId: string
  clientSecret: string
  initialTokens: { accessToken: string; refreshToken: string; expiresAt: string }
  books: QboBooks
  /** Every API request that reached the server, in order (faulted ones included). */
  requests: { method: string; path: string; requestId: string | null; status: number | 'dropped' }[]
  refreshCount(): number
  faults: Required<ErpPeerFaults>
  close(): Promise<void>
}

let xsd: QboXsd | undefined

export async function startQboTestServer(options: Partial<QboBooksOptions> & { realmId?: string } = {}): Promise<QboTestServer> {
  xsd ??= loadQboXsd()
  const schema = xsd
  const books = new QboBooks({
    accounts: options.accounts ?? DEFAULT_ACCOUNTS,
    items: options.items ?? DEFAULT_ITEMS,
    currencies: options.currencies ?? ['USD'],
  })
  const realmId = options.realmId ?? '9130357992221046'
  const issuer = oauth2Issuer({
    expiresIn: 3600,
    initialExpiresAt: '2030-01-01T01:00:00.000Z',
    extra: { x_refresh_token_expires_in: 8726400, token_type: 'bearer' },
  })
  const queue = faultQueue(issuer.expire)
  const replays = new Map<string, StoredAnswer>()
  const requests: QboTestServer['requests'] = []
  const apiRoot = `/v3/company/${realmId}/`

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, text: string): Promise<void> {
    const path = url.pathname.slice(apiRoot.length)
    const requestId = url.searchParams.get('requestid')
    const log = { method: req.method ?? '', path, requestId, status: 0 as number | 'dropped' }
    requests.push(log)
    const answer = (status: number, body: unknown) => {
      log.status = status
      sendJson(res, status, body)
    }
    if (!issuer.accepts(req.headers.authorization))
      return answer(401, fault('AUTHENTICATION', [{ Message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', code: '3200' }]))
    const queued = queue.next()
    if (queued?.kind === 'rateLimit') {
      res.setHeader('retry-after', String(queued.retryAfterSeconds))
      return answer(429, fault('ThrottleExceeded', [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', code: '003001' }]))
    }
    if (queued?.kind === 'serverError') return answer(500, fault('SystemFault', [{ Message: 'An application error has occurred', code: '10000' }]))
    await answerOnce({
      res,
      log,
      fault: queued,
      key: requestId ?? undefined,
      replays,
      compute: () => handle(schema, books, { method: req.method ?? '', path, query: url.searchParams, text }),
    })
  }

  const { origin, close } = await listenLocal((req, res, text) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === TOKEN_PATH && req.method === 'POST') return issuer.token(req, res, text)
    if (url.pathname.startsWith(apiRoot)) return void api(req, res, url, text)
    sendJson(res, 404, fault('ValidationFault', [{ Message: 'Resource not found', Detail: `${req.method} ${url.pathname}`, code: '610' }]))
  })

  return {
    baseUrl: `${origin}/v3`,
    tokenUrl: `${origin}${TOKEN_PATH}`,
    realmId,
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
  text: string
}

/** Reads (an invoice, a customer query) and writes (validate, apply the company's rules, store): the answer's status and body. */
function handle(schema: QboXsd, books: QboBooks, req: ApiRequest): { status: number; body: string } {
  const minor = req.query.get('minorversion')
  if (minor !== null && !/^\d+$/.test(minor)) return refusal([{ Message: 'Invalid minorversion', Detail: minor, code: '2010' }])
  const ok = (key: string, value: unknown) => ({ status: 200, body: JSON.stringify({ [key]: value, time: new Date(0).toISOString() }) })
  if (req.method === 'GET') {
    const [entity, id] = req.path.split('/')
    if (entity === 'invoice' && id) {
      const invoice = books.invoices.get(id)
      return invoice ? ok('Invoice', invoice.element) : refusal([{ Message: 'Object Not Found', Detail: `Invoice ${id}`, code: '610' }])
    }
    if (entity === 'query') return query(books, req.query.get('query') ?? '', ok)
    return refusal([{ Message: 'Unsupported Operation', Detail: `GET ${req.path} is not served by the test server`, code: '500' }])
  }
  const typeName = ENTITIES[req.path]
  if (req.method !== 'POST' || !typeName)
    return refusal([{ Message: 'Unsupported Operation', Detail: `${req.method} ${req.path} is not served by the test server`, code: '500' }])
  const requestId = req.query.get('requestid')
  if (requestId !== null && requestId.length > 50)
    return refusal([{ Message: 'Invalid requestid', Detail: 'requestid holds at most 50 characters', code: '2010' }])
  let plain: unknown
  let exact: El
  try {
    plain = JSON.parse(req.text)
    exact = parseExactJson(req.text) as El
  } catch {
    return refusal([{ Message: 'Request has invalid or unsupported property', Detail: 'The request body is not valid JSON', code: '2010' }])
  }
  const problems = checkQboJson(schema, typeName, plain, exact)
  if (problems.length > 0) return refusal(problems.map((Detail) => ({ Message: 'Request has invalid or unsupported property', Detail, code: '2010' })))
  const operation = req.query.get('operation')
  try {
    if (operation === 'void' && req.path === 'invoice') return ok('Invoice', books.voidInvoice(exact))
    if (operation !== null) return refusal([{ Message: 'Unsupported Operation', Detail: `operation=${operation} on ${req.path}`, code: '500' }])
    const writes: Record<string, (el: El) => El> = {
      customer: (el) => books.addCustomer(el),
      invoice: (el) => books.addInvoice(el),
      payment: (el) => books.addPayment(el),
      creditmemo: (el) => books.addCreditMemo(el),
      journalentry: (el) => books.addJournal(el),
    }
    return ok(typeName, writes[req.path]!(exact))
  } catch (error) {
    if (error instanceof QboRefusal)
      return refusal([
        { Message: 'A business validation error has occurred while processing your request', Detail: error.detail, code: error.code, element: error.element },
      ])
    throw error
  }
}

/** The one query the adapter makes: `select * from Customer where DisplayName = '…'` (' escaped as \'). */
function query(books: QboBooks, text: string, ok: (key: string, value: unknown) => { status: number; body: string }) {
  const match = /^select \* from Customer where DisplayName = '((?:[^'\\]|\\.)*)'$/i.exec(text)
  if (!match) return refusal([{ Message: 'QueryParserError', Detail: `The test server answers one query shape, not: ${text}`, code: '4000' }])
  const name = match[1]!.replace(/\\(.)/g, '$1')
  const found = [...books.customers.values()].filter((c) => c.DisplayName === name)
  return ok('QueryResponse', found.length ? { Customer: found, startPosition: 1, maxResults: found.length } : {})
}

type QboError = { Message: string; Detail?: string; code: string; element?: string }

function fault(type: string, errors: QboError[]) {
  return { Fault: { Error: errors, type }, time: new Date(0).toISOString() }
}

function refusal(errors: QboError[]): { status: number; body: string } {
  return { status: 400, body: JSON.stringify(fault('ValidationFault', errors)) }
}
