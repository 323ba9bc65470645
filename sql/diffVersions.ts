// What changed between two versions of a metric: every field that differs, and for the SQL
// a line diff (longest common subsequence; templates are short, so O(n·m) is fine).
import type { StoredVersion } from './metricStore.ts'

export interface FieldChange {
  field: string
  from: unknown
  to: unknown
  /** For SQL fields: unified-style lines, each starting with '  ', '- ' or '+ '. */
  diff?: string[]
}

export function lineDiff(a: string, b: string): string[] {
  const x = a.split('\n')
  const y = b.split('\n')
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0))
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const out: string[] = []
  let i = 0
  let j = 0
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      out.push(`  ${x[i]}`)
      i++
      j++
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push(`- ${x[i++]}`)
    else out.push(`+ ${y[j++]}`)
  }
  while (i < x.length) out.push(`- ${x[i++]}`)
  while (j < y.length) out.push(`+ ${y[j++]}`)
  return out
}

const FIELDS: Array<[string, (v: StoredVersion) => unknown]> = [
  ['unit', (v) => v.unit],
  ['description', (v) => v.description],
  ['mode', (v) => v.mode],
  ['builder', (v) => v.builder],
  ['raw_metrics', (v) => v.rawMetrics],
  ['dimensions', (v) => v.dimensions],
  ['parameters', (v) => v.parameters],
  ['aggregate_query', (v) => v.aggregateQuery],
  ['customer_query', (v) => v.customerQuery],
]

export function diffVersions(from: StoredVersion, to: StoredVersion): FieldChange[] {
  const changes: FieldChange[] = []
  for (const [field, get] of FIELDS) {
    const a = get(from)
    const b = get(to)
    if (JSON.stringify(a) === JSON.stringify(b)) continue
    const change: FieldChange = { field, from: a, to: b }
    if (field.endsWith('_query')) change.diff = lineDiff(typeof a === 'string' ? a : '', typeof b === 'string' ? b : '')
    changes.push(change)
  }
  return changes
}
