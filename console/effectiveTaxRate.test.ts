import { describe, expect, it } from 'vitest'
import { effectiveTaxRate } from './effectiveTaxRate.ts'
import type { TaxRate } from './pages/customerTax.tsx'

const rate = (id: string, jurisdiction: string | null, archived_at: string | null = null): TaxRate => ({
  id,
  name: id,
  percentage: '20',
  type: 'exclusive',
  jurisdiction,
  description: null,
  archived_at,
  created_at: '2026-01-01T00:00:00Z',
})
const GB = rate('gb', 'GB')
const CA = rate('us-ca', 'US-CA')

describe('effectiveTaxRate: the customer’s own rate, else its address country’s live rate, else none', () => {
  it('a rate of its own wins over its country’s, even archived', () => {
    const own = rate('own', null, '2026-02-01T00:00:00Z')
    expect(effectiveTaxRate({ tax_rate: 'own', address: { country: 'GB' } }, own, [GB])).toEqual({ source: 'customer', rate: own })
  })

  it('without one, the live rate whose jurisdiction is its country, in any case', () => {
    expect(effectiveTaxRate({ address: { city: 'Leeds', country: 'gb ' } }, undefined, [CA, GB])).toEqual({ source: 'country', country: 'GB', rate: GB })
  })

  it('none: no address country, no rate for it, or only an archived or a subdivision rate', () => {
    expect(effectiveTaxRate({}, undefined, [GB])).toEqual({ source: 'none', country: null })
    expect(effectiveTaxRate({ address: { country: 'DE' } }, undefined, [GB])).toEqual({ source: 'none', country: 'DE' })
    expect(effectiveTaxRate({ address: { country: 'GB' } }, undefined, [rate('old', 'GB', '2026-01-01T00:00:00Z')])).toEqual({ source: 'none', country: 'GB' })
    expect(effectiveTaxRate({ address: { country: 'US', region: 'CA' } }, undefined, [CA])).toEqual({ source: 'none', country: 'US' })
  })
})
