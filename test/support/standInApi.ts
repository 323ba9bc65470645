// A stand-in Tally API for CLI tests of one command: answers /healthz, and every other request with
// `answer`, recording each as `<url> org=<organisation header>`; closed after `fn` whatever happens.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export async function withStandInApi(answer: unknown, fn: (url: string, asked: string[]) => Promise<void>): Promise<void> {
  const asked: string[] = []
  const server = createServer((req, res) => {
    asked.push(`${req.url} org=${String(req.headers.organisation)}`)
    const body = req.url === '/healthz' ? { status: 'ok' } : answer
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked)
  } finally {
    await new Promise((r) => server.close(r))
  }
}
