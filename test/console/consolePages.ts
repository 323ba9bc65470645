// Reading the console's pages as served by an embedded Tally (tallyHarness.ts), for the tests
// that check a page's HTML against the API's answers: a page as the signed-in session sees it,
// and the previous and next page links of a CursorPager in it.
import { expect } from 'vitest'
import type { Harness } from '../support/tallyHarness.ts'

/** The page at `path` (200 expected) for the session whose cookie is given. */
export async function consolePage(h: Harness, cookie: string, path: string): Promise<string> {
  const res = await h.tally.app.request(path, { headers: { cookie, accept: 'text/html' } })
  expect(res.status).toBe(200)
  return res.text()
}

/** A link's href as a path again (`&amp;` → `&`). */
export const unescapeHref = (href: string): string => href.replace(/&amp;/g, '&')

/** The CursorPager links of an HTML fragment, undefined when absent. */
export function pagerLinks(html: string): { next: string | undefined; previous: string | undefined } {
  return { next: /<a href="([^"]+)" rel="next">/.exec(html)?.[1], previous: /<a href="([^"]+)" rel="prev">/.exec(html)?.[1] }
}
