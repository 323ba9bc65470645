import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import type { Logger } from '../platform/logger.ts'

export interface RunningServer {
  port: number
  /** Stops accepting, lets in-flight requests finish within `graceMs`, then cuts the rest. */
  stop(graceMs: number): Promise<void>
}

/** Serves a Hono app on node:http. Resolves once the port is bound. */
export function startServer(opts: {
  app: { fetch: (request: Request) => Response | Promise<Response> }
  port: number
  host: string
  logger: Logger
}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: opts.app.fetch, port: opts.port, hostname: opts.host }, (info) => {
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
