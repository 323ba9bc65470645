// A minimal keep-alive HTTP/1.1 client for the load generator: one request in flight per
// connection (no pipelining), requests written as one string, responses framed by
// Content-Length or chunked encoding. node:http's client costs several times more CPU per
// request, and on two cores the generator's CPU is taken from the server under test.
import { connect, type Socket } from 'node:net'

export interface Reply {
  status: number
  body: string
}

const HEADER_END = Buffer.from('\r\n\r\n')

export class KeepAliveConnection {
  private socket: Socket | null = null
  private chunks: Buffer[] = []
  private pending: { resolve(r: Reply): void; reject(e: Error): void } | null = null

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true }, () => resolve(socket))
      socket.on('data', (data: Buffer) => this.onData(data))
      socket.on('error', (err) => {
        this.fail(err)
        reject(err)
      })
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null
        this.fail(new Error('connection closed'))
      })
    })
  }

  private fail(err: Error): void {
    const p = this.pending
    this.pending = null
    this.chunks = []
    p?.reject(err)
  }

  /** `head` is the request line and headers without Content-Length and the blank line. */
  async request(head: string, body: string): Promise<Reply> {
    if (this.socket === null) this.socket = await this.open()
    const socket = this.socket
    return new Promise<Reply>((resolve, reject) => {
      this.pending = { resolve, reject }
      socket.write(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
    })
  }

  private onData(data: Buffer): void {
    this.chunks.push(data)
    const buf = this.chunks.length === 1 ? data : Buffer.concat(this.chunks)
    this.chunks = [buf]
    const end = buf.indexOf(HEADER_END)
    if (end < 0) return
    const head = buf.toString('latin1', 0, end).toLowerCase()
    const start = end + 4
    let bodyEnd: number
    let body: string
    const length = /\r\ncontent-length:\s*(\d+)/.exec(head)
    if (length !== null) {
      bodyEnd = start + Number(length[1])
      if (buf.length < bodyEnd) return
      body = buf.toString('utf8', start, bodyEnd)
    } else if (/\r\ntransfer-encoding:\s*chunked/.test(head)) {
      const parsed = parseChunked(buf, start)
      if (parsed === null) return
      ;({ body, end: bodyEnd } = parsed)
    } else {
      bodyEnd = start
      body = ''
    }
    this.chunks = bodyEnd < buf.length ? [buf.subarray(bodyEnd)] : []
    const p = this.pending
    this.pending = null
    p?.resolve({ status: Number(head.slice(9, 12)), body })
  }

  close(): void {
    this.socket?.destroy()
    this.socket = null
  }
}

function parseChunked(buf: Buffer, from: number): { body: string; end: number } | null {
  const parts: string[] = []
  let at = from
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at)
    if (lineEnd < 0) return null
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16)
    const dataStart = lineEnd + 2
    if (size === 0) {
      if (buf.length < dataStart + 2) return null
      return { body: parts.join(''), end: dataStart + 2 }
    }
    if (buf.length < dataStart + size + 2) return null
    parts.push(buf.toString('utf8', dataStart, dataStart + size))
    at = dataStart + size + 2
  }
}
