// SigV4 against the worked example of AWS's documentation ("Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk", GET Bucket (List Objects)): the
// same key, time, region and request must give the documented signature.
import { describe, expect, it } from 'vitest'
import { signRequest, uriEncode } from './s3Client.ts'

describe('s3Client', () => {
  it("signs AWS's documented List Objects example to its documented signature", () => {
    const headers = signRequest(
      {
        endpoint: 'https://examplebucket.s3.amazonaws.com',
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      },
      { method: 'GET', url: new URL('https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J'), now: new Date('2013-05-24T00:00:00Z') },
    )
    expect(headers).toEqual({
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20130524T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    })
    // The secret key signs and is sent nowhere.
    expect(JSON.stringify(headers)).not.toContain('wJalrXUtnFEMI')
  })

  it('encodes as SigV4 wants: unreserved characters as they are, everything else %XX, `/` kept only in a path', () => {
    expect(uriEncode("usage/a b+c's(1)*.csv", true)).toBe('usage/a%20b%2Bc%27s%281%29%2A.csv')
    expect(uriEncode('usage/', false)).toBe('usage%2F')
    expect(uriEncode('A-Z_a.z~0', false)).toBe('A-Z_a.z~0')
  })
})
