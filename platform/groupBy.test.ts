import { describe, expect, it } from 'vitest'
import { groupBy } from './groupBy.ts'

describe('groupBy', () => {
  it('keeps the order of the groups and of the rows in each', () => {
    const rows = [
      { org: 'b', n: 1 },
      { org: 'a', n: 2 },
      { org: 'b', n: 3 },
    ]
    const groups = groupBy(rows, (r) => r.org)
    expect([...groups.keys()]).toEqual(['b', 'a'])
    expect(groups.get('b')!.map((r) => r.n)).toEqual([1, 3])
    expect(groups.get('a')!.map((r) => r.n)).toEqual([2])
  })
})
