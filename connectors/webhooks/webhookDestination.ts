// Where a webhook may be sent. An endpoint URL is tenant input, so without the operator's
// TALLY_WEBHOOK_ALLOW_PRIVATE a delivery never reaches the Tally host itself, the private
// network it sits in, or the cloud metadata service (169.254.169.254). The check is made on the
// address the socket connects to: `guardedLookup` is the request's DNS lookup, so a name that
// resolves to a public address when the endpoint is added and to 127.0.0.1 at delivery time
// (DNS rebinding) is refused at delivery time; a literal IP in the URL (which Node connects to
// without a lookup) is checked by `literalRefusal` before the request.
//
// IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) IPv6 addresses are judged by the
// IPv4 address they carry; the deprecated IPv4-compatible ones (::a.b.c.d) are refused.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import { UnprocessableError } from '../../platform/errors.ts'

/** The ranges refused, each with the reason a refused attempt records. */
const RANGES: readonly (readonly [string, number, 'ipv4' | 'ipv6', string])[] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'ipv4', 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'ipv4', 'private (carrier-grade NAT, RFC 6598)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'private (RFC 1918)'],
  ['192.168.0.0', 16, 'ipv4', 'private (RFC 1918)'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved (broadcast)'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::', 96, 'ipv6', 'reserved (IPv4-compatible, deprecated)'],
  ['fc00::', 7, 'ipv6', 'private (unique local, fc00::/7)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
]

const lists = RANGES.map(([network, prefix, family, reason]) => {
  const list = new BlockList()
  list.addSubnet(network, prefix, family)
  return { list, family, reason }
})

/** `::ffff:7f00:1` (how URL and DNS write ::ffff:127.0.0.1) → `127.0.0.1`; null when not an IPv4 carrier. */
function embeddedIpv4(ipv6: string): string | null {
  const canonical = new URL(`http://[${ipv6}]/`).hostname.slice(1, -1)
  const match = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical)
  if (match === null) return null
  const [high, low] = [parseInt(match[1]!, 16), parseInt(match[2]!, 16)]
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
}

/**
 * What an endpoint URL must be when it is added: http(s), without credentials (a user or password
 * in a URL ends up in logs; sign-in is the signature's job), and, unless `allowPrivate`
 * (TALLY_WEBHOOK_ALLOW_PRIVATE), not a literal forbidden IP (it could never be delivered to).
 * 422 `webhook_url_forbidden`. Where a name leads is judged at each delivery, on the address
 * connected to.
 */
export function assertEndpointUrl(url: string, opts: { allowPrivate: boolean }): void {
  const parsed = new URL(url)
  const refuse = (message: string) => new UnprocessableError('webhook_url_forbidden', message, [{ field: 'url', code: 'webhook_url_forbidden', message }])
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw refuse(`${parsed.protocol.slice(0, -1)} URLs are not allowed: give an http:// or https:// URL`)
  if (parsed.username !== '' || parsed.password !== '')
    throw refuse('a URL with a user name or password is not allowed: remove them and verify the webhook-signature header instead')
  const address = bareHost(parsed.hostname)
  const reason = opts.allowPrivate || isIP(address) === 0 ? null : forbiddenReason(address)
  if (reason !== null)
    throw refuse(
      `${address} is a ${reason} address: webhooks are not sent there. Give a public URL, or have the operator set TALLY_WEBHOOK_ALLOW_PRIVATE=true for private targets`,
    )
}

/** A URL's hostname without the brackets of an IPv6 literal: `[::1]` → `::1`. */
const bareHost = (hostname: string) => (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname)

/** Why an address may not receive webhooks (null: it may). */
export function forbiddenReason(address: string): string | null {
  const family = isIP(address)
  if (family === 0) return 'not an IP address'
  if (family === 6) {
    const ipv4 = embeddedIpv4(address)
    if (ipv4 !== null) return forbiddenReason(ipv4)
  }
  const type = family === 4 ? 'ipv4' : 'ipv6'
  return lists.find((l) => l.family === type && l.list.check(address, type))?.reason ?? null
}

export class ForbiddenDestinationError extends Error {
  readonly code = 'WEBHOOK_FORBIDDEN_DESTINATION'
  constructor(host: string, address: string, reason: string) {
    super(
      `${host} resolves to ${address}, a ${reason} address: webhooks are not sent there. ` +
        'Use a public address, or have the operator set TALLY_WEBHOOK_ALLOW_PRIVATE=true for private targets',
    )
    this.name = 'ForbiddenDestinationError'
  }
}

/** The refusal of a URL's literal IP host (`http://10.0.0.5/`, `http://[::ffff:127.0.0.1]/`); null for a name or an allowed address. */
export function literalRefusal(hostname: string): ForbiddenDestinationError | null {
  const address = bareHost(hostname)
  if (isIP(address) === 0) return null
  const reason = forbiddenReason(address)
  return reason === null ? null : new ForbiddenDestinationError(hostname, address, reason)
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for node:http's request options: resolves as the system does, drops the forbidden
 * addresses, and fails with ForbiddenDestinationError when none is left. What the socket
 * connects to is one of the addresses this returned.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err !== null) return callback(err, [])
    const allowed = addresses.filter((a) => forbiddenReason(a.address) === null)
    if (allowed.length === 0) {
      const first = addresses[0]
      const refusal = first === undefined ? null : new ForbiddenDestinationError(hostname, first.address, forbiddenReason(first.address)!)
      return callback(refusal ?? Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), [])
    }
    if (options.all === true) return callback(null, allowed)
    callback(null, allowed[0]!.address, allowed[0]!.family)
  })
}
