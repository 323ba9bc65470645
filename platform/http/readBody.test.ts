// The body reader on the real Node adapter, both ways a body can arrive: with a Content-Length
// (@hono/node-server's fast path) and chunked (counted as it streams). Both must give the
// same text for the same bytes: a CSV saved by Excel starts with a UTF-8 byte-order mark, and
// a BOM kept on one path only made the first column "\ufeffraw_metric" for chunked uploads.
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TallyError } from '../errors.ts'
import { STATUS_BY_CATEGORY } from './errorHandler.ts'
import { readBodyText } from './readBody.ts'

let server: ServerType
let url = ''

beforeAll(async () => {
  const app = new Hono()
  app.onError((err, c) => c.json({ code: (err as TallyError).code }, err instanceof TallyError ? STATUS_BY_CATEGORY[err.category] : 500))
  app.post('/', async (c) => c.json({ text: await readBodyText(c, 64), chunked: c.req.header('content-length') === undefined }))
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('raw_metric,customer_id\nλ_calls,c1\n')])

/** A body sent without a length: fetch streams it with Transfer-Encoding: chunked. */
function chunked(bytes: Buffer): { body: ReadableStream<Uint8Array>; duplex: 'half' } {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // Split inside the two-byte "λ" too: the decoder must see the bytes whole.
      const cut = bytes.indexOf(0xce) + 1
      controller.enqueue(bytes.subarray(0, cut))
      controller.enqueue(bytes.subarray(cut))
      controller.close()
    },
  })
  return { body, duplex: 'half' }
}

describe('readBodyText', () => {
  it('drops a byte-order mark and decodes UTF-8 alike with a Content-Length and chunked', async () => {
    const sized = await (await fetch(url, { method: 'POST', body: csv })).json()
    const streamed = await (await fetch(url, { method: 'POST', ...chunked(csv) } as RequestInit)).json()
    expect(sized).toEqual({ text: 'raw_metric,customer_id\nλ_calls,c1\n', chunked: false })
    expect(streamed).toEqual({ text: 'raw_metric,customer_id\nλ_calls,c1\n', chunked: true })
  })

  it('refuses a body over the limit both ways with 413', async () => {
    const big = Buffer.alloc(65, 'a')
    expect((await fetch(url, { method: 'POST', body: big })).status).toBe(413)
    expect((await fetch(url, { method: 'POST', ...chunked(big) } as RequestInit)).status).toBe(413)
  })

  // @hono/node-server drains the rest of a refused body for at most 500 ms and then closes the
  // socket; an answer that said keep-alive let a client send its next request on it (the
  // "other side closed" of test/gateway/socket.test.ts under load).
  it('says Connection: close when it refuses a body it did not read to its end, both ways', async () => {
    const big = Buffer.alloc(65, 'a')
    for (const init of [{ body: big }, chunked(big)]) {
      const res = await fetch(url, { method: 'POST', ...init } as RequestInit)
      expect(res.status).toBe(413)
      expect(res.headers.get('connection')).toBe('close')
    }
    const read = await fetch(url, { method: 'POST', body: 'small' })
    expect(read.headers.get('connection')).toBe('keep-alive')
  })
})
