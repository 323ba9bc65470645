import { describe, expect, it } from 'vitest'
import { authorizationHeader, netsuiteRealm, parseAuthorizationHeader, percentEncode, protocolParameters, sign, signatureBaseString } from './oauth1.ts'

// The worked example of OAuth Core 1.0, Appendix A.5 (photos.example.net), whose base string and
// HMAC-SHA1 signature are published: the same signer with SHA-256 is what NetSuite checks.
const example = {
  credentials: { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44', tokenId: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' },
  request: {
    method: 'GET',
    url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
    timestamp: '1191242096',
    nonce: 'kllo9940pd9333jh',
    algorithm: 'HMAC-SHA1' as const,
  },
}

describe('OAuth 1.0a signing', () => {
  it('builds the published base string and signature of OAuth Core 1.0 Appendix A.5', () => {
    const base = signatureBaseString('GET', example.request.url, protocolParameters(example.credentials, example.request))
    expect(base).toBe(
      'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal',
    )
    expect(sign(base, example.credentials, 'HMAC-SHA1')).toBe('tR3+Ty81lMeYAr/Fid0kMTYa/WM=')
  })

  it('writes the header with the realm and every value percent-encoded; a server reads it back', () => {
    const header = authorizationHeader('1234567_SB1', example.credentials, example.request)
    expect(header).toBe(
      'OAuth realm="1234567_SB1", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1191242096", oauth_nonce="kllo9940pd9333jh", oauth_version="1.0", oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"',
    )
    expect(parseAuthorizationHeader(header)).toMatchObject({ realm: '1234567_SB1', oauth_signature: 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=' })
  })

  it('signs with HMAC-SHA256 by default, over a path holding eid: and ! (encoded in the base string)', () => {
    const url = 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/invoice/eid:tally-invoice-inv_1'
    const params = protocolParameters(example.credentials, { method: 'PUT', url, timestamp: '1700000000', nonce: 'abc123' })
    expect(params.oauth_signature_method).toBe('HMAC-SHA256')
    const base = signatureBaseString('PUT', url, params)
    expect(
      base.startsWith('PUT&https%3A%2F%2F1234567-sb1.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord%2Fv1%2Finvoice%2Feid%3Atally-invoice-inv_1&'),
    ).toBe(true)
    // 32 bytes of HMAC-SHA256 are 44 base64 characters; SHA-1's 20 are 28.
    expect(sign(base, example.credentials)).toHaveLength(44)
    expect(percentEncode("!*'()")).toBe('%21%2A%27%28%29')
  })

  it('a sandbox account id becomes the realm NetSuite expects', () => {
    expect(netsuiteRealm('1234567-sb1')).toBe('1234567_SB1')
  })
})
