import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http'
import { serve } from '@hono/node-server'
import type { ServedApp } from '../platform/http/nodeFastPath.ts'
import type { Logger } from '../platform/logger.ts'

export interface RunningServer {
  port: number
  /** Stops accepting, lets in-flight requests finish within `graceMs`, then cuts the rest. */
  stop(graceMs: number): Promise<void>
}

/**
 * Serves a Hono app on node:http, its node:http fast path first when it has one (the hot ingest
 * routes, platform/http/nodeFastPath.ts). Resolves once the port is bound.
 */
export function startServer(opts: { app: ServedApp; port: number; host: string; logger: Logger }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const fastPath = opts.app.nodeFastPath
    const options = { fetch: opts.app.fetch, port: opts.port, hostname: opts.host }
    // @hono/node-server calls this with its own listener; the fast path sees each request first.
    const withFastPath = ((serverOptions: ServerOptions, listener: RequestListener) =>
      createServer(serverOptions, (req: IncomingMessage, res: ServerResponse) => {
        if (fastPath === undefined || !fastPath(req, res)) void listener(req, res)
      })) as typeof createServer
    const server = serve(fastPath === undefined ? options : { ...options, createServer: withFastPath }, (info) => {
      resolve({
        port: info.port,
        stop: (graceMs) => stopServer(server as Server, graceMs),
      })
    }) as Server
    // Keep-alive producers reuse sockets; a timeout above common client pools avoids racing them.
    server.keepAliveTimeout = 65_000
    server.once('error', reject)
  })
}

function stopServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs)
    timer.unref()
    server.close(() => {
      clearTimeout(timer)
      resolve()
    })
    // Idle keep-alive sockets would hold close() open; in-flight requests finish first.
    server.closeIdleConnections()
  })
}

/**
 * Runs `shutdown` once on the first SIGINT or SIGTERM; a second signal exits at once (the
 * operator insisted). Exit code 0 after a clean shutdown.
 */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without finishing the shutdown')
      process.exit(1)
    }
    stopping = true
    logger.info({ signal }, 'shutting down: stop accepting, drain, flush, close')
    shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
}
