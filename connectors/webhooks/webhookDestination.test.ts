import { describe, expect, it } from 'vitest'
import { assertEndpointUrl, forbiddenReason, literalRefusal } from './webhookDestination.ts'

describe('webhook destinations', () => {
  it('refuses loopback, private, link-local, unspecified, multicast, and their IPv4-mapped forms; public addresses pass', () => {
    const refused = {
      '127.0.0.1': 'loopback',
      '127.255.0.9': 'loopback',
      '10.0.0.1': 'private (RFC 1918)',
      '172.16.0.1': 'private (RFC 1918)',
      '172.31.255.255': 'private (RFC 1918)',
      '192.168.1.1': 'private (RFC 1918)',
      '100.64.0.1': 'private (carrier-grade NAT, RFC 6598)',
      '169.254.169.254': 'link-local (cloud metadata)',
      '0.0.0.0': 'unspecified ("this network")',
      '224.0.0.251': 'multicast',
      '255.255.255.255': 'reserved (broadcast)',
      '::': 'unspecified',
      '::1': 'loopback',
      'fc00::1': 'private (unique local, fc00::/7)',
      'fd12:3456::1': 'private (unique local, fc00::/7)',
      'fe80::1': 'link-local',
      'ff02::1': 'multicast',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '::ffff:a9fe:a9fe': 'link-local (cloud metadata)',
      '64:ff9b::10.0.0.1': 'private (RFC 1918)',
      '::7f00:1': 'reserved (IPv4-compatible, deprecated)',
    }
    expect(Object.fromEntries(Object.keys(refused).map((a) => [a, forbiddenReason(a)]))).toEqual(refused)
    for (const allowed of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', '2606:4700::1111'])
      expect(forbiddenReason(allowed), allowed).toBeNull()
  })

  it("a URL's literal host is judged as it is connected to; names are left to the lookup", () => {
    expect(literalRefusal('[::ffff:7f00:1]')?.message).toMatch(/^\[::ffff:7f00:1\] resolves to ::ffff:7f00:1, a loopback address/)
    expect(literalRefusal('10.1.2.3')?.message).toContain('TALLY_WEBHOOK_ALLOW_PRIVATE=true')
    expect(literalRefusal('localhost')).toBeNull()
    expect(literalRefusal('93.184.216.34')).toBeNull()
  })

  it('an endpoint URL must be http(s) without credentials: 422 webhook_url_forbidden naming the field', () => {
    expect(() => assertEndpointUrl('https://hooks.example.com/tally', { allowPrivate: false })).not.toThrow()
    for (const [url, message] of [
      ['ftp://example.com/x', 'ftp URLs are not allowed: give an http:// or https:// URL'],
      ['file:///etc/passwd', 'file URLs are not allowed'],
      ['https://user:pw@hooks.example.com/', 'remove them and verify the webhook-signature header instead'],
      ['https://token@hooks.example.com/', 'a URL with a user name or password is not allowed'],
      ['http://10.20.30.40/hooks', '10.20.30.40 is a private (RFC 1918) address: webhooks are not sent there'],
      ['http://169.254.169.254/latest/meta-data/', 'a link-local (cloud metadata) address'],
      ['http://[::ffff:127.0.0.1]:8080/', '::ffff:7f00:1 is a loopback address'],
      ['http://127.0.0.1:8080/', 'TALLY_WEBHOOK_ALLOW_PRIVATE=true'],
    ] as const) {
      let error: any
      try {
        assertEndpointUrl(url, { allowPrivate: false })
      } catch (err) {
        error = err
      }
      expect(error, url).toMatchObject({ category: 'unprocessable', code: 'webhook_url_forbidden', details: [{ field: 'url', code: 'webhook_url_forbidden' }] })
      expect(error.message).toContain(message)
    }
  })

  it('a literal private IP is allowed with TALLY_WEBHOOK_ALLOW_PRIVATE; a name is judged at delivery, not when added', () => {
    expect(() => assertEndpointUrl('http://127.0.0.1:8080/hooks', { allowPrivate: true })).not.toThrow()
    expect(() => assertEndpointUrl('http://[fd00::1]/hooks', { allowPrivate: true })).not.toThrow()
    expect(() => assertEndpointUrl('http://localhost:8080/hooks', { allowPrivate: false })).not.toThrow()
    expect(() => assertEndpointUrl('https://93.184.215.14/hooks', { allowPrivate: false })).not.toThrow()
    expect(() => assertEndpointUrl('ftp://127.0.0.1/x', { allowPrivate: true })).toThrow('ftp URLs are not allowed')
  })
})
