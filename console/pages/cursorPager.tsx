// Next and previous pages of a list the API pages by an opaque `cursor` (GET /v1/products,
// GET /v1/plans). A cursor leads forward only, so each page's link carries the cursors of the
// pages before it (`back`, oldest first, the first page's as ''): "Previous page" pops the last.
import type { FC } from 'hono/jsx'

/** Where the list is: the cursor of this page ('' the first) and those of the pages before it. */
export interface PagerPosition {
  cursor: string
  back: string[]
}

/** The position in a list page's query string (`cursor`, `back`: comma-separated; base64url cursors have no commas). */
export function pagerPosition(query: (name: string) => string | undefined): PagerPosition {
  const back = query('back')
  return { cursor: query('cursor') ?? '', back: back === undefined || back === '' ? [] : back.split(',').map((c) => (c === '-' ? '' : c)) }
}

function pageHref(path: string, keep: Record<string, string>, at: PagerPosition): string {
  const q = new URLSearchParams(Object.entries(keep).filter(([, v]) => v !== ''))
  if (at.cursor !== '') q.set('cursor', at.cursor)
  if (at.back.length > 0) q.set('back', at.back.map((c) => (c === '' ? '-' : c)).join(','))
  const text = q.toString()
  return text === '' ? path : `${path}?${text}`
}

/** Previous (when not on the first page) and next (when the API gave a `next_cursor`) links; `keep` is the list's filter. */
export const CursorPager: FC<{ path: string; keep: Record<string, string>; at: PagerPosition; next: string | null }> = (p) => {
  const previous = p.at.back.length === 0 && p.at.cursor === '' ? null : { cursor: p.at.back[p.at.back.length - 1] ?? '', back: p.at.back.slice(0, -1) }
  return (
    <nav class="pages" aria-label="Pages">
      {previous === null ? null : (
        <a href={pageHref(p.path, p.keep, previous)} rel="prev">
          Previous page
        </a>
      )}
      {p.next === null ? null : (
        <a href={pageHref(p.path, p.keep, { cursor: p.next, back: [...p.at.back, p.at.cursor] })} rel="next">
          Next page
        </a>
      )}
    </nav>
  )
}
