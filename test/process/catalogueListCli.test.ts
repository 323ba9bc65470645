// `tally products list` and `tally plans list` through the real binary against a real `tally
// start`: every page followed by its cursor (three products two at a time), in name order; a name
// filter (the API's `q`) across pages; a bad --page-size refused before any request.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTallyCli } from '../support/tallyCli.ts'

const t = useTallyCli({ org: '6a1f7c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b' })

/** The product names in a `products list` table, in the order printed. */
const namesIn = (stdout: string) => [...stdout.matchAll(/\b(Seats|Storage|Support \w+)\b/g)].map((m) => m[1])

describe('tally products|plans list', () => {
  it('follows the cursor to the last page, filters by name, refuses a bad page size', async () => {
    for (const name of ['Support EU', 'Seats', 'Storage', 'Support US']) {
      const file = join(t.dir, `${name}.json`)
      writeFileSync(file, JSON.stringify({ name, kind: 'non_metered' }))
      expect((await t.cli(['products', 'create', '--file', file])).code).toBe(0)
    }
    const all = await t.cli(['products', 'list', '--page-size', '2'])
    expect(all.code).toBe(0)
    expect(namesIn(all.stdout)).toEqual(['Seats', 'Storage', 'Support EU', 'Support US'])
    const support = await t.cli(['products', 'list', '--page-size', '1', '--name-contains', 'SUPPORT'])
    expect(namesIn(support.stdout)).toEqual(['Support EU', 'Support US'])
    const bad = await t.cli(['plans', 'list', '--page-size', '0'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('--page-size is a whole number from 1 to 1000')
  })
})
