import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { pricePreview } from './pricePreview.ts'

const dir = mkdtempSync(join(tmpdir(), 'tally-price-preview-'))
function file(name: string, value: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
  return path
}

async function run(args: Parameters<typeof pricePreview>[0]): Promise<string[]> {
  const out: string[] = []
  await pricePreview(args, (l) => out.push(l))
  return out
}

describe('tally price preview', () => {
  it('prints a breakdown table and the total for --quantity', async () => {
    const price = file('tiered.json', {
      model: 'tiered_with_flat_fee',
      currency: 'USD',
      description: 'Log storage',
      tiers: [
        { first_unit: '0', last_unit: '100', unit_price: '0.01', flat_fee: '50' },
        { first_unit: '101', last_unit: '500', unit_price: '0.08', flat_fee: '100' },
        { first_unit: '501', last_unit: null, unit_price: '0.06', flat_fee: '250' },
      ],
    })
    const out = await run({ price, quantity: '750' })
    // The CLI's one table format (app/cli/output.ts): capitals, amounts right-aligned, the total below a rule.
    expect(out[0]).toMatch(/^DESCRIPTION\s+QUANTITY\s+UNIT_PRICE\s+TIER\s+AMOUNT$/)
    expect(out.at(-2)).toMatch(/^-+( {2}-+){4}$/)
    expect(out).toContainEqual(expect.stringMatching(/^Log storage tier 2 \(100–500\): 400 × 0\.08\s+400\s+0\.08\s+2\s+32\.00$/))
    expect(out.at(-1)).toMatch(/^Total\s+448\.00 USD$/)
  })

  it('prices only what --quantity adds on top of --billed-quantity: rate(120) − rate(90) = 110.00 − 90.00 = 20.00', async () => {
    const price = file('graduated.json', {
      model: 'tiered',
      currency: 'USD',
      tiers: [
        { up_to: '100', unit_price: '1.00' },
        { up_to: null, unit_price: '0.50' },
      ],
    })
    const out = await run({ price, quantity: '30', billedQuantity: '90' })
    expect(out).toContainEqual(expect.stringMatching(/^Usage: the first 90 units, already billed\s+-90\s+-90\.00$/))
    expect(out.at(-1)).toMatch(/^Total\s+20\.00 USD$/)
  })

  it('reads dimension-keyed quantities from --quantities', async () => {
    const price = file('matrix.json', {
      model: 'matrix',
      currency: 'EUR',
      dimensions: ['region'],
      cells: [
        { when: { region: 'eu' }, unit_price: '0.5' },
        { when: { region: 'us' }, unit_price: '0.25' },
      ],
    })
    const quantities = file('q.json', [
      { dimensions: { region: 'eu' }, quantity: '10' },
      { dimensions: { region: 'us' }, quantity: '4' },
    ])
    const out = await run({ price, quantities })
    expect(out.at(-1)).toMatch(/Total\s+6\.00 EUR$/)
  })

  it('reports free units and accepts a whole request file', async () => {
    const price = file('request.json', {
      price: { model: 'package', currency: 'USD', package_size: '100', package_price: '5', free_units: '100' },
      quantity: '201',
    })
    const out = await run({ price })
    expect(out).toContain('Applied: free units 100')
    expect(out.at(-2)).toMatch(/Total\s+10\.00 USD$/)
  })

  it("fails with the API's error for an invalid definition or file", async () => {
    const bad = file('bad.json', { model: 'tiered', currency: 'USD', tiers: [{ up_to: '10', unit_price: '1' }] })
    await expect(run({ price: bad, quantity: '1' })).rejects.toMatchObject({
      code: 'invalid_price_definition',
      details: [expect.objectContaining({ field: 'price.tiers[0].up_to' })],
    })
    await expect(run({ price: file('broken.json', '{'), quantity: '1' })).rejects.toMatchObject({ code: 'invalid_json' })
    await expect(run({ price: join(dir, 'missing.json'), quantity: '1' })).rejects.toMatchObject({ code: 'file_unreadable' })
  })
})
