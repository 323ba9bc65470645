// What every ERP test server on 127.0.0.1 shares: listening on a free port with the whole body
// read, a JSON answer, the queue of injected faults (429 + Retry-After, 500, a slow answer, an
// answer dropped after commit) and, for the OAuth2 ERPs (Xero, QuickBooks), the token issuer:
// bearer tokens checked, expired on demand, refreshed through the refresh token (rotated on
// every refresh, as both vendors do) with the client as HTTP Basic.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ErpPeerFaults } from './erpContractSuite.ts'

export type QueuedFault =
  { kind: 'rateLimit'; retryAfterSeconds: number } | { kind: 'serverError' } | { kind: 'delay'; ms: number } | { kind: 'dropAfterCommit' }

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

/** Serves `handle` (given the request, the answer and the body's text) on 127.0.0.1, on `port` (0: a free one); rejects when it cannot listen. */
export async function listenLocal(
  handle: (req: IncomingMessage, res: ServerResponse, text: string) => void,
  port = 0,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

export interface FaultQueue<F extends ErpPeerFaults> {
  /** The fault for this request, if one is queued. */
  next(): QueuedFault | undefined
  faults: F
}

/** Faults queued for the next API requests, one each; `expireToken` is the token issuer's. */
export function faultQueue(expireToken: () => void): FaultQueue<Required<ErpPeerFaults>>
export function faultQueue(): FaultQueue<ErpPeerFaults>
export function faultQueue(expireToken?: () => void): FaultQueue<ErpPeerFaults> {
  const queue: QueuedFault[] = []
  const push = (count: number, fault: QueuedFault) => queue.push(...Array.from({ length: count }, () => fault))
  return {
    next: () => queue.shift(),
    faults: {
      rateLimit: (count, retryAfterSeconds) => push(count, { kind: 'rateLimit', retryAfterSeconds }),
      serverError: (count) => push(count, { kind: 'serverError' }),
      delay: (count, ms) => push(count, { kind: 'delay', ms }),
      dropAfterCommit: (count) => push(count, { kind: 'dropAfterCommit' }),
      ...(expireToken ? { expireToken } : {}),
    },
  }
}

export interface OAuth2Issuer {
  clientId: string
  clientSecret: string
  /** The pair issued first (the connection's stored tokens). */
  initialTokens: { accessToken: string; refreshToken: string; expiresAt: string }
  /** Whether an API request's authorization header carries the current, unexpired token. */
  accepts(authorization: string | undefined): boolean
  /** Whether the current token was expired by `expire` (not refreshed since). */
  expired(): boolean
  /** The current access token is expired from now on: API calls get 401 until a refresh. */
  expire(): void
  refreshCount(): number
  /** The token endpoint: grant_type=refresh_token with the current refresh token, client as Basic. */
  token(req: IncomingMessage, res: ServerResponse, text: string): void
}

export function oauth2Issuer(grant: { expiresIn: number; initialExpiresAt: string; extra: Record<string, unknown> }): OAuth2Issuer {
  const client = { id: 'tally-test-client', secret: 'tally-test-secret' }
  let generation = 1
  let tokens = { access: 'access-1', refresh: 'refresh-1', expired: false }
  let refreshes = 0
  return {
    clientId: client.id,
    clientSecret: client.secret,
    initialTokens: { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: grant.initialExpiresAt },
    accepts: (authorization) => authorization === `Bearer ${tokens.access}` && !tokens.expired,
    expired: () => tokens.expired,
    expire: () => {
      tokens.expired = true
    },
    refreshCount: () => refreshes,
    token(req, res, text) {
      const basic = Buffer.from(`${client.id}:${client.secret}`).toString('base64')
      if (req.headers.authorization !== `Basic ${basic}`) return sendJson(res, 401, { error: 'invalid_client' })
      const form = new URLSearchParams(text)
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== tokens.refresh) return sendJson(res, 400, { error: 'invalid_grant' })
      generation += 1
      refreshes += 1
      tokens = { access: `access-${generation}`, refresh: `refresh-${generation}`, expired: false }
      sendJson(res, 200, { access_token: tokens.access, refresh_token: tokens.refresh, expires_in: grant.expiresIn, ...grant.extra })
    },
  }
}

/** What a test server hands its peer about the OAuth2 client and tokens it issued. */
export function oauth2Fields(issuer: OAuth2Issuer): Pick<OAuth2Issuer, 'clientId' | 'clientSecret' | 'initialTokens' | 'refreshCount'> {
  return { clientId: issuer.clientId, clientSecret: issuer.clientSecret, initialTokens: issuer.initialTokens, refreshCount: issuer.refreshCount }
}

export interface StoredAnswer {
  status: number
  body: string
}

/**
 * An API request's answer once auth and the 429/500 faults are past: after a queued delay, the
 * first 2xx answer for the request's idempotency key (whatever the body), else `compute`'s,
 * kept for the key when 2xx; under dropAfterCommit the work is done and the socket destroyed
 * instead of answering. `log.status` records what happened.
 */
export async function answerOnce(a: {
  res: ServerResponse
  log: { status: number | 'dropped' }
  fault: QueuedFault | undefined
  key: string | undefined
  replays: Map<string, StoredAnswer>
  compute(): StoredAnswer
}): Promise<void> {
  const delayMs = a.fault?.kind === 'delay' ? a.fault.ms : 0
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
  const replay = a.key === undefined ? undefined : a.replays.get(a.key)
  const result = replay ?? a.compute()
  if (a.key !== undefined && !replay && result.status < 300) a.replays.set(a.key, result)
  if (a.fault?.kind === 'dropAfterCommit') {
    a.log.status = 'dropped'
    a.res.socket?.destroy()
    return
  }
  a.log.status = result.status
  a.res.writeHead(result.status, { 'content-type': 'application/json' }).end(result.body)
}

/** A connection's OAuth2 `credentials`, as `POST /v1/erp/connections` takes them, for a test server's client and first tokens. */
export function oauth2CredentialsOf(server: Pick<OAuth2Issuer, 'clientId' | 'clientSecret' | 'initialTokens'>): Record<string, string> {
  return {
    client_id: server.clientId,
    client_secret: server.clientSecret,
    access_token: server.initialTokens.accessToken,
    refresh_token: server.initialTokens.refreshToken,
    expires_at: server.initialTokens.expiresAt,
  }
}
