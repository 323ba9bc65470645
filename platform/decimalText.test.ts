import { describe, expect, it } from 'vitest'
import { isDecimalText } from './decimalText.ts'

describe('isDecimalText', () => {
  // The same table as metering/README.md "Numeric fields": what ClickHouse's toDecimal128OrNull
  // reads as a number is what Tally accepts as decimal text, and nothing else.
  it('accepts plain decimals with an optional sign and exponent', () => {
    for (const text of ['5', '2.5', '-0.5', '+5', '.5', '5.', '1e3', '1E-3', '-2.50', '0', '12345678901234567890.123456789']) {
      expect(isDecimalText(text), text).toBe(true)
    }
  })

  it('refuses what is not a plain decimal', () => {
    for (const value of [' 5', '5 ', '', '0x10', 'inf', 'Infinity', 'nan', 'NaN', '1,000', '1_000', '.', '-', 'e3', '1e', '1.2.3', 5, null]) {
      expect(isDecimalText(value), JSON.stringify(value)).toBe(false)
    }
  })
})
