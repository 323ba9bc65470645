import { describe, expect, it } from 'vitest'
import { isForeignKeyViolation, isUniqueViolation, pgErrorCode, violatedConstraint } from './pgErrors.ts'
import { redactUrl } from './nodePostgres.ts'

describe('pgErrorCode', () => {
  it('finds the SQLSTATE on the error or down its cause chain (drizzle wraps driver errors)', () => {
    const driver = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })
    const wrapped = new Error('Failed query: insert ...', { cause: driver })
    expect(pgErrorCode(driver)).toBe('23505')
    expect(pgErrorCode(wrapped)).toBe('23505')
    expect(isUniqueViolation(new Error('outer', { cause: wrapped }))).toBe(true)
    expect(isForeignKeyViolation(Object.assign(new Error('x'), { code: '23503' }))).toBe(true)
  })

  it('ignores message text and non-SQLSTATE codes', () => {
    expect(pgErrorCode(new Error('duplicate key value violates unique constraint'))).toBeUndefined()
    expect(pgErrorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined()
    expect(pgErrorCode(null)).toBeUndefined()
    expect(pgErrorCode('23505')).toBeUndefined()
  })

  it('finds the constraint a violation names down the cause chain (which unique rule was broken)', () => {
    const driver = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'tax_rates_one_live_per_jurisdiction' })
    expect(violatedConstraint(new Error('Failed query', { cause: driver }))).toBe('tax_rates_one_live_per_jurisdiction')
    expect(violatedConstraint(Object.assign(new Error('x'), { code: '23505' }))).toBeUndefined()
  })

  it('stops on a cyclic cause chain', () => {
    const a: { cause?: unknown } = {}
    const b = { cause: a }
    a.cause = b
    expect(pgErrorCode(a)).toBeUndefined()
  })
})

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://tally:s3cret@db.internal:5432/tally')).toBe('postgres://tally:***@db.internal:5432/tally')
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/postgres')).toBe('postgres://postgres@127.0.0.1:5432/postgres')
    expect(redactUrl('not a url')).toBe('<unparseable database url>')
  })
})
