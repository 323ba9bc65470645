// What one invoice of a contract bills, before any quantity is known: one item per product
// per phase segment, in advance (the coming period) or in arrears (the one that ended).
// A phase change inside a period splits it: each phase's items cover their own days, with
// proration over the whole period (docs: rating/README.md "Phases and proration").
import { createHash } from 'node:crypto'
import type { Contract, ContractPhase, Product } from '../../ledger/ratingStore.ts'
import type { Span } from '../compute/calendar/billingPeriods.ts'
import { zonedSpan } from '../compute/calendar/zonedBoundary.ts'
import type { ActivePeriod, ScheduledInvoice } from './billingSchedule.ts'
import { isWhole } from './billingSchedule.ts'

export interface PlannedItem {
  /** Unique within the invoice: `arrears:api_calls:2026-10-01`. */
  id: string
  timing: 'in_advance' | 'in_arrears'
  productId: string
  productName: string
  price: Record<string, unknown>
  /** sha256 of the canonical price definition (first 16 hex): the price version on the line. */
  priceVersion: string
  period: Span
  segment: Span
  /** Set for metered products. */
  metric: { name: string; version: number; start: Date; end: Date } | null
  /** Non-metered products: the contract's quantity. */
  quantity: string | null
}

/** A string's JSON text: `"s"` as it is when nothing in it needs escaping, else JSON.stringify's. */
// eslint-disable-next-line no-control-regex -- the control characters JSON escapes are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/
const jsonString = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`)

/** `"key":` per property name: the few names of prices, lines and records, quoted once (a pure function of the name; emptied past 1,000 names). */
const quotedKeys = new Map<string, string>()
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key)
  if (quoted === undefined) {
    if (quotedKeys.size >= 1_000) quotedKeys.clear()
    quoted = `${JSON.stringify(key)}:`
    quotedKeys.set(key, quoted)
  }
  return quoted
}

/**
 * JSON with sorted keys, so equal definitions hash equal whatever their key order; undefined
 * properties are left out. Every invoice's content hash goes through it, the costliest step of
 * pricing in the stage-8 profile (issue 20): it appends to one string per level, quotes each
 * property name once (quotedKey) and writes a string that needs no escaping without
 * JSON.stringify. The output is that of the entries/sort/join form it replaced
 * (invoicePlan.test.ts compares the two).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return jsonString(value)
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      // As Array.join: an element JSON has no text for (undefined, a function) leaves an empty slot.
      out += (canonicalJson(value[i]) as string | undefined) ?? ''
    }
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  let out = '{'
  let first = true
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const v = record[key]
    if (v === undefined) continue
    if (!first) out += ','
    first = false
    // A function's JSON text is undefined and is written as such, as the template literal of the form before did.
    out += quotedKey(key) + String(canonicalJson(v) as string | undefined)
  }
  return `${out}}`
}

export function priceVersionOf(price: unknown): string {
  return createHash('sha256').update(canonicalJson(price)).digest('hex').slice(0, 16)
}

/** The phases' pieces inside `span`: [{phase, segment}] in date order. */
export function phaseSegments(phases: readonly ContractPhase[], span: Span): { phase: ContractPhase; segment: Span }[] {
  const out: { phase: ContractPhase; segment: Span }[] = []
  phases.forEach((phase, i) => {
    const next = phases[i + 1]?.start_date
    const start = phase.start_date > span.start ? phase.start_date : span.start
    const end = next !== undefined && next < span.end ? next : span.end
    if (start < end) out.push({ phase, segment: { start, end } })
  })
  return out
}

function itemsFor(contract: Contract, products: Map<string, Product>, part: ActivePeriod, timing: 'in_advance' | 'in_arrears'): PlannedItem[] {
  const out: PlannedItem[] = []
  for (const { phase, segment } of phaseSegments(contract.phases, part.active)) {
    for (const item of phase.items) {
      if (item.billing !== timing) continue
      const product = products.get(item.product_id)
      if (!product) throw new Error(`product ${item.product_id} of contract ${contract.id} is missing`)
      const metered = product.kind === 'metered'
      out.push({
        id: `${timing === 'in_advance' ? 'advance' : 'arrears'}:${product.name}:${segment.start}`,
        timing,
        productId: product.id,
        productName: product.name,
        price: item.price,
        priceVersion: priceVersionOf(item.price),
        period: part.period,
        segment,
        // The metric counts the segment's days in the contract's zone (compute/calendar/zonedBoundary.ts).
        metric: metered ? { name: product.metricName!, version: product.metricVersion!, ...zonedSpan(segment, contract.timeZone) } : null,
        quantity: metered ? null : (item.quantity ?? product.defaultQuantity ?? '1'),
      })
    }
  }
  return out
}

/** Every item of one invoice: arrears first, then advance. */
export function planInvoice(contract: Contract, products: Map<string, Product>, scheduled: ScheduledInvoice): PlannedItem[] {
  return [
    ...(scheduled.arrears ? itemsFor(contract, products, scheduled.arrears, 'in_arrears') : []),
    ...(scheduled.advance ? itemsFor(contract, products, scheduled.advance, 'in_advance') : []),
  ]
}

/** What the contract sells in advance for a period now (its arrears part): what mid-period proration compares with what was billed. */
export function advanceItemsOf(contract: Contract, products: Map<string, Product>, part: ActivePeriod): PlannedItem[] {
  return itemsFor(contract, products, part, 'in_advance')
}

/** The proration handed to ratePrice, or undefined when the item covers its whole period. */
export function prorationOf(
  item: Pick<PlannedItem, 'period' | 'segment'>,
): { period_start: string; period_end: string; active_start: string; active_end: string } | undefined {
  if (isWhole(item.segment, item.period)) return undefined
  return { period_start: item.period.start, period_end: item.period.end, active_start: item.segment.start, active_end: item.segment.end }
}
