import type { Context } from 'hono'
import { TallyError } from '../errors.ts'

// The one decoder of both paths below: WHATWG UTF-8 decode, which drops a leading byte-order
// mark (Excel writes one before a CSV) and turns invalid bytes into U+FFFD. The same bytes give
// the same text whether they came with a Content-Length or chunked.
const utf8 = new TextDecoder('utf-8')

/**
 * Reads a request body as text, refusing more than `maxBytes` (413) before buffering it: a
 * declared Content-Length is checked first, and a chunked body is counted as it streams.
 */
export async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  const length = c.req.header('content-length')
  const declared = Number(length ?? NaN)
  if (declared > maxBytes) throw bodyRefused(c, maxBytes)
  // NOTE: with a declared length (checked above; Node's parser never delivers more)
  // `arrayBuffer()` takes @hono/node-server's fast path straight from the socket, while touching
  // `raw.body` builds a full web Request, ReadableStream and AbortSignal for every request: about
  // 40% of the gateway's CPU per single event (docs/benchmarks.md). Chunked bodies are counted
  // below.
  if (length !== undefined && Number.isSafeInteger(declared)) return decodeBody(await c.req.raw.arrayBuffer())
  const body = c.req.raw.body
  if (body === null) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw bodyRefused(c, maxBytes)
    }
    chunks.push(value)
  }
  return decodeBody(Buffer.concat(chunks, size))
}

/**
 * The 413 of a body not read to its end, answered with `Connection: close`. NOTE: what the client
 * still sends is drained by @hono/node-server for at most 500 ms, then it closes the socket; a
 * client told "keep-alive" may send its next request on that socket meanwhile and get "other side
 * closed" (test/gateway/socket.test.ts did, under load). `close` tells it not to reuse it.
 */
function bodyRefused(c: Context, maxBytes: number): TallyError {
  c.header('connection', 'close')
  return payloadTooLarge(maxBytes)
}

/** A body's bytes as text, the one decoding of every path that reads a body (here and ingest's node:http fast path). */
export function decodeBody(bytes: ArrayBuffer | Uint8Array): string {
  return utf8.decode(bytes)
}

/** 413 `payload_too_large`, naming the route's limit. */
export function payloadTooLarge(maxBytes: number): TallyError {
  return new TallyError(
    'payload_too_large',
    'payload_too_large',
    `The body is over this route's limit of ${maxBytes} bytes; send less per request (/openapi.json gives each route's limit as x-max-body-bytes; ingest's is TALLY_MAX_BODY_BYTES)`,
  )
}

/** The media type of the request without parameters, lower-cased (`application/json`). */
export function mediaType(c: Context): string {
  return mediaTypeOf(c.req.header('content-type'))
}

/** mediaType of a Content-Type header's value. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase()
}
