import { describe, expect, it } from 'vitest'
import { qboAnswer } from './qboAnswer.ts'

const headers = (h: Record<string, string> = {}) => new Headers(h)
const fault = (type: string, errors: object[]) => JSON.stringify({ Fault: { Error: errors, type }, time: '2025-06-30T12:00:00.000-07:00' })

describe('qboAnswer', () => {
  it('429 waits Retry-After when Intuit sends it, else leaves the wait to the backoff; 5xx and 408 retry', () => {
    expect(qboAnswer(429, headers({ 'retry-after': '12' }), '')).toMatchObject({ status: 'retry', afterMs: 12_000 })
    expect(qboAnswer(429, headers(), fault('ThrottleExceeded', [{ Message: 'message=ThrottleExceeded', code: '003001' }]))).toMatchObject({
      status: 'retry',
      afterMs: null,
    })
    expect(qboAnswer(503, headers(), '<html>down</html>')).toEqual({ status: 'retry', afterMs: null, reason: 'QuickBooks HTTP 503' })
    expect(qboAnswer(408, headers(), '')).toMatchObject({ status: 'retry', afterMs: null })
  })

  it('a Fault is a refusal with Intuit’s messages, also inside a 200', () => {
    const duplicate = fault('ValidationFault', [
      { Message: 'Duplicate Name Exists Error', Detail: 'The name supplied already exists.', code: '6240', element: '' },
    ])
    expect(qboAnswer(400, headers(), duplicate)).toEqual({
      status: 'failed',
      code: 'quickbooks_validation',
      message: 'Duplicate Name Exists Error: The name supplied already exists.',
    })
    expect(qboAnswer(200, headers(), duplicate)).toMatchObject({ status: 'failed', code: 'quickbooks_validation' })
    expect(qboAnswer(401, headers(), fault('AUTHENTICATION', [{ Message: 'message=AuthenticationFailed', code: '3200' }]))).toMatchObject({
      status: 'failed',
      code: 'quickbooks_authentication_fault',
    })
  })

  it('a 2xx entity is accepted; a 4xx without a Fault is failed with its status', () => {
    expect(qboAnswer(200, headers(), '{"Invoice":{"Id":"130"},"time":"x"}')).toEqual({ status: 'accepted', body: { Invoice: { Id: '130' }, time: 'x' } })
    expect(qboAnswer(404, headers(), 'Not Found')).toEqual({ status: 'failed', code: 'quickbooks_not_found', message: 'QuickBooks HTTP 404: Not Found' })
  })
})
