import type { Config } from '../../platform/config/schema.ts'
import type { Logger } from '../../platform/logger.ts'
import { resolveAdminToken } from '../adminToken.ts'
import type { Tally } from '../createTally.ts'

/** An error answer of the Tally API, as the CLI shows it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code?: string; message?: string; hint?: string; details?: unknown[] } },
  ) {
    super(body.error?.message ?? `HTTP ${status}`)
  }
}

export interface ApiClient {
  /** Where the calls go: a URL, or "in-process" when no server was running. */
  target: string
  call<T = unknown>(method: string, path: string, opts?: { body?: unknown; org?: string; token?: string; contentType?: string }): Promise<T>
  /** A GET whose answer is not JSON (an invoice PDF): its bytes and headers; error answers throw like `call`. */
  download(path: string, opts?: { org?: string; token?: string }): Promise<{ bytes: Uint8Array; headers: Headers }>
  close(): Promise<void>
}

/**
 * The CLI talks to Tally through its HTTP API, so every command goes through the same
 * validation as any other client. When a Tally answers at TALLY_URL (default
 * http://127.0.0.1:<port>) the CLI uses it; otherwise it opens the embedded stores
 * in-process and calls the same Hono app without a socket.
 */
export async function connectApi(config: Config, logger: Logger): Promise<ApiClient> {
  const url = config.url ?? `http://127.0.0.1:${config.port}`
  // A guessed default URL is probed briefly (nothing listening usually refuses at once) before
  // falling back in-process; a TALLY_URL the operator named is a server that must answer, and a
  // busy one may be slow: waiting 500 ms for it turned load into "No Tally answers".
  if (await answers(url, config.url === undefined ? 500 : 30_000)) {
    const token = await resolveAdminToken({ configured: config.adminToken, dataDir: config.dataDir, create: false })
    if (token === null) {
      throw new Error(`A Tally answers at ${url}, but no admin token was found: set TALLY_ADMIN_TOKEN, or TALLY_DATA_DIR to the server's data directory`)
    }
    return clientFor(
      url,
      token,
      (req) => fetch(req),
      async () => {},
    )
  }
  if (config.url !== undefined) throw new Error(`No Tally answers at TALLY_URL=${config.url}; start it or unset TALLY_URL`)
  // Loaded on demand: the engines' native code is only worth loading when used.
  const { createTally } = await import('../createTally.ts')
  const tally: Tally = await createTally(config, logger)
  return clientFor(
    'in-process',
    tally.adminToken,
    async (req) => tally.app.fetch(req),
    () => tally.close(),
  )
}

function clientFor(target: string, adminToken: string, send: (req: Request) => Promise<Response>, close: () => Promise<void>): ApiClient {
  const base = target === 'in-process' ? 'http://tally.local' : target
  const authHeaders = (opts: { org?: string; token?: string }) => {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? adminToken}` }
    if (opts.org !== undefined) headers.organisation = opts.org
    return headers
  }
  return {
    target,
    async call(method, path, opts = {}) {
      const headers = authHeaders(opts)
      let body: string | undefined
      if (opts.body !== undefined) {
        headers['content-type'] = opts.contentType ?? 'application/json'
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
      }
      const res = await send(new Request(base + path, { method, headers, body }))
      const text = await res.text()
      const parsed = text === '' ? {} : (JSON.parse(text) as unknown)
      if (!res.ok && !(res.status === 422 && path.startsWith('/v1/events'))) throw new ApiError(res.status, parsed as ApiError['body'])
      return parsed as never
    },
    async download(path, opts = {}) {
      const res = await send(new Request(base + path, { headers: authHeaders(opts) }))
      if (!res.ok) {
        const text = await res.text()
        throw new ApiError(res.status, (res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : {}) as ApiError['body'])
      }
      return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers }
    },
    close,
  }
}

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) })
    return res.ok
  } catch {
    return false
  }
}
