// The rating page's history, a page of 20 runs at a time by the API's cursor, over a whole
// embedded Tally (chDB + PGlite, in-process, the console's HTML read as served): 25 runs, the
// latest 20, the next page of 5 and back; a run's page offers to run its request again (the form
// filled with its period and contract). Before, the page showed the latest 20 and no more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import { sessionOf } from '../../console/consoleTestKit.ts'
import { fixedClock } from '../../platform/clock.ts'
import { type Harness, openHarness, TEST_KEY } from '../support/tallyHarness.ts'
import { consolePage, pagerLinks, unescapeHref } from './consolePages.ts'

let h: Harness
let cookie = ''
/** Every run as the API lists them, newest first: `period …` and the id. */
let runs: { request: string; id: string }[] = []

beforeAll(async () => {
  h = await openHarness({}, { clock: fixedClock('2026-03-10T09:00:00Z') })
  // 25 runs, each for its own month (2024-01 … 2026-01), none with a contract to rate.
  for (let i = 0; i < 25; i++) {
    const period = `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`
    expect((await h.json('POST', '/v1/rating/runs', { body: { period } })).status).toBe(200)
  }
  const listed = await h.json<{ runs: { id: string; period: string }[] }>('GET', '/v1/rating/runs?limit=100')
  runs = listed.body.runs.map((r) => ({ request: `period ${r.period}`, id: r.id }))
  expect(runs).toHaveLength(25)
  cookie = await sessionOf(h.tally.app as unknown as Hono, TEST_KEY)
})
afterAll(async () => {
  await h?.close()
})

const html = (path: string) => consolePage(h, cookie, path)
const unescape = unescapeHref
/** The history's rows (their requests) and its page links. */
const history = (page: string) => {
  const section = page.slice(page.indexOf('id="run-history"'))
  return {
    requests: [...section.matchAll(/<td>(period [0-9-]+)<\/td>/g)].map((m) => m[1]),
    ...pagerLinks(section),
  }
}

describe('the rating page: history by pages, a run again', () => {
  it('pages the history 20 runs at a time by the cursor, next and back', async () => {
    const first = history(await html('/console/rating'))
    expect(first.requests).toEqual(runs.slice(0, 20).map((r) => r.request))
    expect(first.previous).toBeUndefined()
    const second = history(await html(unescape(first.next!)))
    expect(second.requests).toEqual(runs.slice(20).map((r) => r.request))
    expect(second.next).toBeUndefined()
    expect(history(await html(unescape(second.previous!)))).toEqual(first)
  })

  it("links a run's page to the form filled with its request", async () => {
    const run = runs[3]!
    const page = await html(`/console/rating/runs/${run.id}`)
    const again = new RegExp(`<a href="([^"]+)">Run ${run.request} again</a>`).exec(page)?.[1]
    const period = run.request.slice('period '.length)
    expect(again).toBe(`/console/rating?period=${period}#rating-period`)
    expect(await html(unescape(again!))).toContain(`name="period" value="${period}"`)
  })
})
