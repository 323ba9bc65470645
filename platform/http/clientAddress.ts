// The address of the client at the other end of a request's connection (Node's socket, which
// @hono/node-server passes as `env.incoming`), or 'unknown' where there is none (an in-process
// `app.request`). Forwarded headers are not read: any client can write them.
import type { Context } from 'hono'

export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}
