// The two S3 calls a files source needs, on any S3-compatible store (AWS, MinIO, Ceph, R2…):
// ListObjectsV2 by prefix and a streaming GetObject, each signed with Signature Version 4
// (AWS4-HMAC-SHA256, header form). Path-style addressing (`endpoint/bucket/key`), which every
// S3-compatible server takes. No SDK: the signature is ~40 lines of node:crypto, and the SDK
// would be the largest dependency Tally has for two calls.
//
// The secret key signs requests and goes nowhere else: not in a URL, a header, an error or a log
// line (the Authorization header carries only the key id and the signature).
import { createHash, createHmac } from 'node:crypto'
import { XMLParser } from 'fast-xml-parser'
import { systemClock, type Clock } from '../../../platform/clock.ts'

export interface S3Credentials {
  accessKeyId: string
  secretAccessKey: string
}

export interface S3Endpoint {
  /** `http(s)://host[:port]`, no path. */
  endpoint: string
  region: string
  credentials: S3Credentials
  /**
   * The clock that dates signatures (default: the platform's systemClock). Never the business
   * Clock: S3 refuses a signature more than 15 minutes from its own time, so TALLY_CLOCK's time
   * must not sign a request.
   */
  signingClock?: Clock
}

export interface S3Object {
  key: string
  size: number
}

/** An answer S3 refused: its HTTP status and S3's error code (`AccessDenied`, `NoSuchBucket`, `SignatureDoesNotMatch`…); status 0 when nothing answered. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly s3Code: string,
    message: string,
  ) {
    super(message)
  }
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex')

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-_.~` (and `/` in a path) as %XX. */
export function uriEncode(text: string, keepSlash: boolean): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(keepSlash ? /%2F/g : /$^/, '/')
}

const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest()

/** The request's signed headers (SigV4, header form), for a request without a body. */
export function signRequest(s3: S3Endpoint, request: { method: string; url: URL; now: Date }): Record<string, string> {
  const amzDate = request.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const headers: Record<string, string> = { host: request.url.host, 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': amzDate }
  const names = Object.keys(headers).sort()
  const query = [...request.url.searchParams.entries()]
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const path = uriEncode(decodeURIComponent(request.url.pathname), true)
  const canonical = [request.method, path, query, ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), EMPTY_SHA256].join('\n')
  const scope = `${day}/${s3.region}/s3/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${s3.credentials.secretAccessKey}`, day), s3.region), 's3'), 'aws4_request')
  const signature = createHmac('sha256', key).update(toSign).digest('hex')
  return {
    'x-amz-content-sha256': EMPTY_SHA256,
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=${s3.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  }
}

/** Path-style URL of a bucket (no trailing slash: what servers rebuild the signed path as) or an object. */
function objectUrl(s3: S3Endpoint, bucket: string, key?: string): URL {
  return new URL(`${s3.endpoint.replace(/\/$/, '')}/${uriEncode(bucket, false)}${key === undefined ? '' : `/${uriEncode(key, true)}`}`)
}

async function signedGet(s3: S3Endpoint, url: URL, signal?: AbortSignal): Promise<Response> {
  const headers = signRequest(s3, { method: 'GET', url, now: (s3.signingClock ?? systemClock).now() })
  let response: Response
  try {
    response = await fetch(url, { headers, redirect: 'error', ...(signal === undefined ? {} : { signal }) })
  } catch (err) {
    // No HTTP answer at all (refused, unknown host, reset, a port fetch will not use): status 0.
    const cause = (err as { cause?: unknown }).cause
    const why = cause instanceof Error ? `${(cause as { code?: string }).code ?? ''} ${cause.message}`.trim() : String(err)
    throw new S3Error(0, 'NoAnswer', `S3 endpoint ${url.host} did not answer (${why})`)
  }
  if (response.ok) return response
  const body = await response.text().catch(() => '')
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? `HTTP ${response.status}`
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? response.statusText
  throw new S3Error(response.status, code, `S3 ${url.host} answered ${response.status} ${code}: ${message}`)
}

const xml = new XMLParser({ parseTagValue: false, htmlEntities: true, isArray: (name) => name === 'Contents' })

/** Every object whose key starts with `prefix`, in key order (ListObjectsV2, 1,000 a page, at most `max`). */
export async function listObjects(s3: S3Endpoint, input: { bucket: string; prefix: string; max: number }): Promise<S3Object[]> {
  const objects: S3Object[] = []
  let token: string | undefined
  do {
    const url = objectUrl(s3, input.bucket)
    url.searchParams.set('list-type', '2')
    url.searchParams.set('prefix', input.prefix)
    if (token !== undefined) url.searchParams.set('continuation-token', token)
    const page = xml.parse(await (await signedGet(s3, url)).text()) as {
      ListBucketResult?: { Contents?: Array<{ Key: string; Size: string }>; IsTruncated?: string; NextContinuationToken?: string }
    }
    const result = page.ListBucketResult ?? {}
    for (const c of result.Contents ?? []) objects.push({ key: String(c.Key), size: Number(c.Size) })
    if (objects.length > input.max) break
    token = result.IsTruncated === 'true' ? result.NextContinuationToken : undefined
  } while (token !== undefined)
  return objects
}

/** The object's body as a stream (read as it arrives, never held whole). */
export async function getObject(s3: S3Endpoint, input: { bucket: string; key: string }): Promise<ReadableStream<Uint8Array>> {
  const response = await signedGet(s3, objectUrl(s3, input.bucket, input.key))
  if (response.body === null) throw new S3Error(response.status, 'EmptyBody', `S3 answered no body for ${input.key}`)
  return response.body
}
