// OAuth 1.0a request signing (RFC 5849 §3.4), as NetSuite token-based authentication (TBA)
// wants it: HMAC-SHA256 over the signature base string, keyed by the consumer secret and the
// token secret, sent in an `Authorization: OAuth realm="<account>", …` header. NetSuite TBA
// tokens do not expire, so there is nothing to refresh: a refused signature is a
// configuration error. The body is not signed (JSON, not form-encoded: RFC 5849 §3.4.1.3.1).
import { createHmac, randomBytes } from 'node:crypto'

export interface OAuth1Credentials {
  consumerKey: string
  consumerSecret: string
  tokenId: string
  tokenSecret: string
}

export interface OAuth1Request {
  method: string
  /** The full URL, query included: query parameters are signed. */
  url: string
  /** Unix seconds. */
  timestamp: string
  nonce: string
  /** NetSuite: HMAC-SHA256. HMAC-SHA1 is here for the published OAuth test vectors. */
  algorithm?: 'HMAC-SHA256' | 'HMAC-SHA1'
}

/** RFC 3986 percent-encoding of everything but unreserved characters (RFC 5849 §3.6). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The oauth_* protocol parameters of a request, without the signature. */
export function protocolParameters(credentials: OAuth1Credentials, request: OAuth1Request): Record<string, string> {
  return {
    oauth_consumer_key: credentials.consumerKey,
    oauth_token: credentials.tokenId,
    oauth_signature_method: request.algorithm ?? 'HMAC-SHA256',
    oauth_timestamp: request.timestamp,
    oauth_nonce: request.nonce,
    oauth_version: '1.0',
  }
}

/** RFC 5849 §3.4.1: METHOD & encoded base URI & encoded normalised parameters (query and protocol, sorted). */
export function signatureBaseString(method: string, url: string, oauthParameters: Record<string, string>): string {
  const parsed = new URL(url)
  const port =
    parsed.port && !((parsed.protocol === 'http:' && parsed.port === '80') || (parsed.protocol === 'https:' && parsed.port === '443')) ? `:${parsed.port}` : ''
  const baseUri = `${parsed.protocol}//${parsed.hostname.toLowerCase()}${port}${parsed.pathname}`
  const pairs = [...parsed.searchParams.entries(), ...Object.entries(oauthParameters)].map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
  pairs.sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
  const normalised = pairs.map(([k, v]) => `${k}=${v}`).join('&')
  return [method.toUpperCase(), percentEncode(baseUri), percentEncode(normalised)].join('&')
}

/** The base64 signature of a base string (RFC 5849 §3.4.2): key = encoded consumer secret & encoded token secret. */
export function sign(baseString: string, credentials: OAuth1Credentials, algorithm: 'HMAC-SHA256' | 'HMAC-SHA1' = 'HMAC-SHA256'): string {
  const key = `${percentEncode(credentials.consumerSecret)}&${percentEncode(credentials.tokenSecret)}`
  return createHmac(algorithm === 'HMAC-SHA1' ? 'sha1' : 'sha256', key)
    .update(baseString)
    .digest('base64')
}

/** The `Authorization` header value for a request in `realm` (NetSuite: the account id, upper case, `-` → `_`). */
export function authorizationHeader(realm: string, credentials: OAuth1Credentials, request: OAuth1Request): string {
  const params = protocolParameters(credentials, request)
  const signature = sign(signatureBaseString(request.method, request.url, params), credentials, request.algorithm)
  const fields = Object.entries({ ...params, oauth_signature: signature }).map(([k, v]) => `${k}="${percentEncode(v)}"`)
  return `OAuth realm="${realm}", ${fields.join(', ')}`
}

/** A nonce of 32 url-safe random characters (NetSuite takes 6–64 alphanumerics). */
export function newNonce(): string {
  return randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')
}

/** NetSuite's realm for an account id: `1234567-sb1` → `1234567_SB1`. */
export function netsuiteRealm(accountId: string): string {
  return accountId.toUpperCase().replace(/-/g, '_')
}

/** The header's fields (`oauth_*` and realm), percent-decoded, for a server that checks a signature. */
export function parseAuthorizationHeader(header: string): Record<string, string> | null {
  if (!header.startsWith('OAuth ')) return null
  const fields: Record<string, string> = {}
  for (const match of header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)) fields[match[1]!] = decodeURIComponent(match[2]!)
  return fields
}
