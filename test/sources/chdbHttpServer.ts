// ClickHouse's HTTP interface over a real ClickHouse engine (chDB) in this child process, for the
// clickhouse source's tests: no ClickHouse server installs here (Debian ships 18.16, from 2018,
// which predates `{name:Type}` parameters; the npm registry and Maven Central ship no server), and
// chDB binds one data directory per process, so the engine lives here, away from the test's own
// embedded Tally. Only the transport is ours; what a statement means, whether it may run
// (readonly), its limits and its errors are the engine's. Per request, as the server does:
//   - the query is the `query` URL parameter, then the body (`POST /?query=INSERT…` + data works);
//   - `param_<name>` are bound by the engine as `{name:Type}` server-side parameters: given to the
//     session by `SET param_<name> = '<the value's text>'` (the value, in the engine's text form
//     as the client sent it, quoted as a literal; chDB's own binding would re-escape it);
//   - every other URL parameter not of the transport is a setting for this query only: appended as
//     a `SETTINGS` clause that the engine parses and checks (readonly=1 refuses a write, 164); the
//     client's trailing `FORMAT X` line is taken off first and X made the output format, so the
//     clause follows the statement itself (an INSERT … SELECT then meets readonly, not a parse error);
//   - `database` selects the database (81 UNKNOWN_DATABASE when absent), basic auth or the
//     X-ClickHouse-User/Key headers must name the configured user (516, HTTP 403 otherwise);
//   - one statement per request: what the engine's own parser calls a multi-statement is 62;
//   - the result streams chunk by chunk with backpressure, errors carry X-ClickHouse-Exception-Code.
// Run: node --import tsx chdbHttpServer.ts '{"dataDir":…,"user":…,"password":…}'; prints `LISTENING <port>`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { Session } from 'chdb'

const options = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; user: string; password: string }
const session = new Session(options.dataDir)

/** URL parameters that steer the transport, not the query (the rest are settings). */
const TRANSPORT = new Set(['query', 'database', 'default_format', 'query_id', 'session_id', 'session_timeout', 'session_check', 'compress', 'decompress'])
const TRANSPORT_PREFIX = /^(param_|http_|enable_http_compression$|wait_end_of_query$|buffer_size$|user$|password$|role$|quota_key$)/
const HTTP_STATUS: Record<number, number> = { 516: 403, 164: 403, 81: 404, 60: 404, 62: 400, 115: 400, 36: 400 }

class EngineError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

/** The engine's exception as `Code: N. DB::Exception: … (NAME)`, the text the server answers. */
function engineError(err: unknown): EngineError {
  const text = err instanceof Error ? err.message : String(err)
  const at = text.indexOf('Code: ')
  const body = at === -1 ? `Code: 1000. DB::Exception: ${text}. (POCO_EXCEPTION)` : text.slice(at)
  return new EngineError(Number(/^Code: (\d+)/.exec(body)![1]), body)
}

function authorised(req: IncomingMessage, url: URL): boolean {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')
  const [user, password] = basic
    ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(/:(.*)/s)
    : [req.headers['x-clickhouse-user'] ?? url.searchParams.get('user') ?? 'default', req.headers['x-clickhouse-key'] ?? url.searchParams.get('password') ?? '']
  return user === options.user && (password ?? '') === options.password
}

const escaped = (text: string, quote: string) => text.replace(/\\/g, '\\\\').split(quote).join(`\\${quote}`)
const literal = (text: string) => `'${escaped(text, "'")}'`
const identifier = (text: string) => `\`${escaped(text, '`')}\``

/** One request at a time: a chDB session runs one statement (and one stream) at once. */
let tail: Promise<void> = Promise.resolve()

async function execute(res: ServerResponse, url: URL, body: string): Promise<void> {
  const sql = [url.searchParams.get('query'), body].filter((part) => part !== null && part !== '').join('\n')
  const settings: string[] = []
  const params: string[] = []
  for (const [name, value] of url.searchParams) {
    if (!name.startsWith('param_') && (TRANSPORT.has(name) || TRANSPORT_PREFIX.test(name))) continue
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new EngineError(115, `Code: 115. DB::Exception: Unknown setting ${name}. (UNKNOWN_SETTING)`)
    if (name.startsWith('param_')) params.push(`SET ${name} = ${literal(value)}`)
    else settings.push(`${name} = ${literal(value)}`)
  }
  const trailingFormat = /\n\s*FORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/.exec(sql)
  const statement = trailingFormat === null ? sql : sql.slice(0, trailingFormat.index)
  const format = trailingFormat?.[1] ?? url.searchParams.get('default_format') ?? 'TabSeparated'
  try {
    await session.queryBindAsync('SELECT formatQuery({q:String})', { q: sql })
    await session.queryAsync(`USE ${identifier(url.searchParams.get('database') ?? 'default')}`)
    for (const set of params) await session.queryAsync(set)
  } catch (err) {
    throw engineError(err)
  }
  const text = settings.length === 0 ? statement : withSettings(url.searchParams.get('query') ?? '', body, statement, settings)
  let stream: ReturnType<Session['queryStreamBind']>
  let chunks: AsyncIterator<{ raw(): Uint8Array }>
  let first: IteratorResult<{ raw(): Uint8Array }>
  try {
    stream = session.queryStream(text, { format })
    chunks = stream[Symbol.asyncIterator]()
    first = await chunks.next()
  } catch (err) {
    const e = engineError(err)
    if (e.code !== 36) throw e
    // Not a streamable statement (DDL, INSERT, ALTER, DESCRIBE): run it whole.
    const whole = await session.queryAsync(text, { format }).catch((error: unknown) => {
      throw engineError(error)
    })
    res.writeHead(200, { 'X-ClickHouse-Format': format, 'Content-Type': 'text/plain; charset=UTF-8' }).end(Buffer.from(whole.bytes()))
    return
  }
  res.writeHead(200, { 'X-ClickHouse-Format': format, 'Content-Type': 'text/plain; charset=UTF-8' })
  res.on('close', () => stream.cancel())
  try {
    for (let next = first; next.done !== true; next = await chunks.next()) {
      if (!res.write(Buffer.from(next.value.raw()))) await new Promise((resolve) => res.once('drain', resolve))
      if (res.destroyed) break
    }
    res.end()
  } catch (err) {
    // Mid-stream, as the server does: the exception text after the rows, then the connection cut.
    res.end(`\n${engineError(err).message}\n`)
    res.socket?.destroy()
  }
}

/**
 * The statement with its `SETTINGS` clause where the engine's grammar puts it: after the statement,
 * except for an INSERT whose data follows in the body (`INSERT INTO t (…) FORMAT F` in `query`,
 * the rows in the body, as @clickhouse/client sends an insert), where it goes before `FORMAT`.
 */
function withSettings(query: string, body: string, statement: string, settings: string[]): string {
  const clause = `SETTINGS ${settings.join(', ')}`
  const insert = /^(\s*INSERT\b[\s\S]*?)\bFORMAT\s+([A-Za-z0-9_]+)\s*$/i.exec(query)
  if (insert === null || body === '') return `${statement}\n${clause}`
  return `${insert[1]}${clause} FORMAT ${insert[2]}\n${body}`
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (url.pathname === '/ping') return void res.end('Ok.\n')
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', () => {
    tail = tail.then(async () => {
      try {
        if (!authorised(req, url)) {
          throw new EngineError(
            516,
            `Code: 516. DB::Exception: ${options.user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)`,
          )
        }
        await execute(res, url, Buffer.concat(parts).toString('utf8'))
      } catch (err) {
        const e = err instanceof EngineError ? err : engineError(err)
        if (res.headersSent) return void res.socket?.destroy()
        res.writeHead(HTTP_STATUS[e.code] ?? 500, { 'X-ClickHouse-Exception-Code': String(e.code), 'Content-Type': 'text/plain; charset=UTF-8' })
        res.end(`${e.message}\n`)
      }
    })
  })
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`LISTENING ${typeof address === 'object' && address !== null ? address.port : 0}\n`)
})
process.on('SIGTERM', () => {
  server.close()
  session.cleanup()
  process.exit(0)
})
