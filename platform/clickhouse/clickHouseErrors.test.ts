import { ClickHouseError } from '@clickhouse/client'
import { describe, expect, it } from 'vitest'
import { UnavailableError } from '../errors.ts'
import { isClickHouseUnavailable, toClickHouseError } from './clickHouseErrors.ts'
import { parseClickHouseUrl } from './openClickHouse.ts'

function chError(code: string, type: string): ClickHouseError {
  return new ClickHouseError({ message: 'boom', code, type })
}

function socketError(code: string): Error {
  return Object.assign(new Error('socket'), { code })
}

describe('isClickHouseUnavailable', () => {
  it('treats network failures and transient server codes as unavailable', () => {
    expect(isClickHouseUnavailable(socketError('ECONNREFUSED'))).toBe(true)
    expect(isClickHouseUnavailable(new Error('wrapped', { cause: socketError('ECONNRESET') }))).toBe(true)
    expect(isClickHouseUnavailable(chError('252', 'TOO_MANY_PARTS'))).toBe(true)
    expect(isClickHouseUnavailable(chError('319', 'UNKNOWN_STATUS_OF_INSERT'))).toBe(true)
  })

  it('does not retry wrong requests, whatever their message says', () => {
    expect(isClickHouseUnavailable(chError('60', 'UNKNOWN_TABLE'))).toBe(false)
    expect(isClickHouseUnavailable(chError('62', 'SYNTAX_ERROR'))).toBe(false)
    expect(isClickHouseUnavailable(new Error('connection refused'))).toBe(false)
  })

  it('maps to UnavailableError with code clickhouse_unavailable, keeping other errors as they are', () => {
    const mapped = toClickHouseError(socketError('ECONNREFUSED'), 'insert')
    expect(mapped).toBeInstanceOf(UnavailableError)
    expect(mapped).toMatchObject({ code: 'clickhouse_unavailable', category: 'unavailable' })
    const schema = chError('60', 'UNKNOWN_TABLE')
    expect(toClickHouseError(schema, 'insert')).toBe(schema)
  })
})

describe('parseClickHouseUrl', () => {
  it('splits credentials and database out of the URL', () => {
    expect(parseClickHouseUrl('http://bob:s%40cret@ch.internal:8123/billing')).toEqual({
      url: 'http://ch.internal:8123',
      username: 'bob',
      password: 's@cret',
      database: 'billing',
    })
    expect(parseClickHouseUrl('https://ch.example.com:8443')).toEqual({ url: 'https://ch.example.com:8443' })
  })
})
