// Rating runs from the console: POST /v1/rating/runs for a period (or everything due),
// GET /v1/rating/runs/progress, and the history (GET /v1/rating/runs, HISTORY_ROWS a page by the
// API's cursor, one run at /rating/runs/:id, which links back to the form filled with its
// period and contract to run it again). The run answers its summary when it ends; the page shows it.
import type { RatingSummaryJson } from '../../rating/http/billingSchemas.ts'
import { pagerPosition } from '../pages/cursorPager.tsx'
import { RatingPage, type RatingForm, type RunProgress } from '../pages/rating.tsx'
import { RatingRunPage, type RatingRun } from '../pages/ratingHistory.tsx'
import { page, problem, refusalStatus, seg, signedInProps, str, type ConsoleContext, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

const HISTORY_ROWS = 20

export function registerRatingRoutes(app: ConsoleRouter, kit: RouteKit): void {
  const progress = async (c: ConsoleContext): Promise<RunProgress[]> => {
    const got = await kit.call<{ runs: RunProgress[] }>(c, 'GET', '/v1/rating/runs/progress')
    return got.ok ? got.body.runs : []
  }
  // The page's lists: runs in progress here, and a page of the history (the latest, or where `cursor` is).
  const lists = async (c: ConsoleContext) => {
    const at = pagerPosition((name) => c.req.query(name))
    const q = new URLSearchParams({ limit: String(HISTORY_ROWS), ...(at.cursor === '' ? {} : { cursor: at.cursor }) })
    const history = await kit.call<{ runs: RatingRun[]; next_cursor: string | null }>(c, 'GET', `/v1/rating/runs?${q}`)
    return {
      progress: await progress(c),
      history: history.ok ? history.body.runs : [],
      historyPages: { at, next: history.ok ? history.body.next_cursor : null },
    }
  }
  const empty: RatingForm = { period: '', contract_id: '', as_of: '' }

  app.get('/rating', async (c) => {
    const form = { ...empty, period: c.req.query('period') ?? '', contract_id: c.req.query('contract_id') ?? '' }
    return page(c, <RatingPage {...signedInProps(c)} form={form} {...await lists(c)} />)
  })

  app.post('/rating', async (c) => {
    const raw = await c.req.parseBody()
    const form: RatingForm = { period: str(raw.period).trim(), contract_id: str(raw.contract_id).trim(), as_of: str(raw.as_of).trim() }
    const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''))
    const run = await kit.call<RatingSummaryJson>(c, 'POST', '/v1/rating/runs', body)
    if (!run.ok) return page(c, <RatingPage {...signedInProps(c)} form={form} {...await lists(c)} error={problem(run.error)} />, refusalStatus(run.status))
    return page(c, <RatingPage {...signedInProps(c)} form={form} {...await lists(c)} summary={run.body} />)
  })

  app.get('/rating/runs/:id', async (c) => {
    const got = await kit.call<RatingRun>(c, 'GET', `/v1/rating/runs/${seg(c.req.param('id'))}`)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    return page(c, <RatingRunPage {...signedInProps(c)} run={got.body} />)
  })
}
