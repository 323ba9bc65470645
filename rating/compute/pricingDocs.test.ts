// Every `json example` block of docs/pricing.md is a test: the docs and the engine cannot
// drift apart. Adding an example to the docs adds a test here.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TallyError } from '../../platform/errors.ts'
import { previewPrice } from './ratePrice.ts'
import { parseInvoiceInput, rateInvoice } from './rateInvoice.ts'
import { Dec } from '../../platform/decimal.ts'

interface DocExample {
  name: string
  request?: { price: { model: string } }
  invoice?: unknown
  amount?: string
  lines?: string[]
  applied?: Record<string, string>
  error?: string
  field?: string
}

const markdown = readFileSync(new URL('../../docs/pricing.md', import.meta.url), 'utf8')
const examples: DocExample[] = [...markdown.matchAll(/```json example\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1] ?? '') as DocExample)

function run(ex: DocExample) {
  return ex.invoice !== undefined ? rateInvoice(parseInvoiceInput(ex.invoice)) : previewPrice(ex.request)
}

describe('docs/pricing.md worked examples', () => {
  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThan(30)
  })

  it('documents at least two worked examples for every model', () => {
    const models = [
      'flat_fee',
      'per_unit',
      'package',
      'percent',
      'graduated_percentage',
      'step',
      'tiered',
      'tiered_with_flat_fee',
      'two_dimensional_tiered',
      'volume',
      'volume_with_flat_fee',
      'matrix',
    ]
    for (const model of models) {
      const count = examples.filter((e) => e.request?.price.model === model && e.error === undefined).length
      expect(count, model).toBeGreaterThanOrEqual(2)
    }
  })

  it('names a passing example for every row of the vendor mapping, for each of Stripe, Lago, Orb and Metronome', () => {
    const section = markdown.slice(markdown.indexOf('## From Stripe / Lago / Orb / Metronome'))
    const rows = [...section.matchAll(/^\| (Stripe|Lago|Orb|Metronome) \|.*\| ([^|]+) \|$/gm)].map((m) => ({ vendor: m[1], example: m[2]!.trim() }))
    expect(new Set(rows.map((r) => r.vendor))).toEqual(new Set(['Stripe', 'Lago', 'Orb', 'Metronome']))
    const names = new Set(examples.map((e) => e.name))
    for (const row of rows) expect(names.has(row.example), `${row.vendor}: ${row.example}`).toBe(true)
  })

  for (const ex of examples) {
    it(ex.name, () => {
      if (ex.error !== undefined) {
        let caught: unknown
        try {
          run(ex)
        } catch (err) {
          caught = err
        }
        expect(caught).toBeInstanceOf(TallyError)
        const err = caught as TallyError
        expect(err.code).toBe(ex.error)
        expect(err.details.map((d) => d.field)).toContain(ex.field)
        return
      }
      const result = run(ex)
      expect(result.amount).toBe(ex.amount)
      expect(result.lines.map((l) => l.amount)).toEqual(ex.lines)
      const total = result.lines.reduce((acc, l) => acc.plus(l.amount), new Dec(0))
      expect(total.equals(result.amount)).toBe(true)
      if (ex.applied) expect(result.applied).toMatchObject(ex.applied)
    })
  }
})
