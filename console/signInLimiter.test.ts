// Failed console sign-ins limited per account and per client address, on the console's clock:
// the sixth failure within 15 minutes is refused with 429, Retry-After and a sentence, without
// the key being tried; the limit lifts as the oldest failure leaves the window.
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { Assets } from './assets.ts'
import { createConsole } from './consoleApp.tsx'
import { signIn as signInThroughForm } from './consoleTestKit.ts'

const KEY = 'tly_GoodKey0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const assets: Assets = { url: (e) => `/console/assets/${e}`, get: () => undefined }

function mount() {
  let t = Date.parse('2026-03-10T09:00:00Z')
  const probes: string[] = []
  const api = async (req: Request) => {
    probes.push(req.headers.get('authorization') ?? '')
    if (req.headers.get('authorization') !== `Bearer ${KEY}`)
      return Response.json({ error: { code: 'invalid_api_key', message: 'The API key is unknown or revoked' } }, { status: 401 })
    return Response.json({ data: [], next_after: null })
  }
  const app = new Hono().route('/console', createConsole({ api, assets: async () => assets, now: () => new Date(t) }))
  const signIn = (key: string, address: string) => signInThroughForm(app, key, address)
  return { signIn, probes, advance: (ms: number) => (t += ms) }
}

describe('console sign-in limit', () => {
  it('refuses a sixth failure from one address within 15 minutes, even with a good key, until the first failure is 15 minutes old', async () => {
    const m = mount()
    for (let i = 0; i < 5; i++) {
      expect((await m.signIn(`tly_Guess${i}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, '192.0.2.7')).status).toBe(401)
      m.advance(60_000)
    }
    const probed = m.probes.length
    const refused = await m.signIn(KEY, '192.0.2.7')
    expect(refused.status).toBe(429)
    // The first failure was at 09:00, now it is 09:05: 10 minutes to go.
    expect(refused.headers.get('retry-after')).toBe('600')
    expect(await refused.text()).toContain('Too many failed sign-ins with this key or from this address. Try again in 10 minutes.')
    expect(m.probes.length).toBe(probed) // the key was not tried
    // Another address is not limited.
    expect((await m.signIn(KEY, '198.51.100.1')).status).toBe(303)
    m.advance(10 * 60_000 - 1000)
    expect((await m.signIn(KEY, '192.0.2.7')).headers.get('retry-after')).toBe('1')
    m.advance(1000)
    expect((await m.signIn(KEY, '192.0.2.7')).status).toBe(303)
  })

  it('refuses a sixth failure for one key from any address; a success forgets the account', async () => {
    const m = mount()
    const guess = (i: number) => `${KEY.slice(0, 12)}Wrong${i}AAAAAAAAAAAAAAAAAAAAAAA`
    for (let i = 0; i < 5; i++) expect((await m.signIn(guess(i), `203.0.113.${i}`)).status).toBe(401)
    const refused = await m.signIn(KEY, '203.0.113.99')
    expect({ status: refused.status, retryAfter: refused.headers.get('retry-after') }).toEqual({ status: 429, retryAfter: '900' })
    m.advance(15 * 60_000)
    for (let i = 0; i < 4; i++) expect((await m.signIn(guess(i), `203.0.113.${i + 10}`)).status).toBe(401)
    expect((await m.signIn(KEY, '203.0.113.99')).status).toBe(303)
    for (let i = 0; i < 4; i++) expect((await m.signIn(guess(i), `203.0.113.${i + 20}`)).status).toBe(401)
    // Eight failures in the window, but four since the success: this fifth is tried (and fails).
    expect((await m.signIn(guess(9), '203.0.113.50')).status).toBe(401)
    expect((await m.signIn(KEY, '203.0.113.51')).status).toBe(429)
  })
})
