// Connections' sync status: GET /v1/sources with each one's /runs, GET /v1/erp/connections with
// each one's /status. A handful of connections per organisation, so one call each.
import type { z } from 'zod'
import type { connectionListJson } from '../../connectors/erp/http/erpSchemas.ts'
import { ConnectionsPage, type ErpStatus, type Source, type SourceRun } from '../pages/connections.tsx'
import { page, problem, seg, signedInProps, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

export function registerConnectionRoutes(app: ConsoleRouter, kit: RouteKit): void {
  app.get('/connections', async (c) => {
    const [sources, erp] = await Promise.all([
      kit.call<{ data: Source[] }>(c, 'GET', '/v1/sources'),
      kit.call<z.infer<typeof connectionListJson>>(c, 'GET', '/v1/erp/connections'),
    ])
    const withRuns = await Promise.all(
      (sources.ok ? sources.body.data : []).map(async (source) => {
        const runs = await kit.call<{ data: SourceRun[] }>(c, 'GET', `/v1/sources/${seg(source.id)}/runs`)
        return { source, runs: runs.ok ? runs.body.data : [] }
      }),
    )
    const statuses = await Promise.all((erp.ok ? erp.body.data : []).map((conn) => kit.call<ErpStatus>(c, 'GET', `/v1/erp/connections/${seg(conn.id)}/status`)))
    const refused = [sources, erp, ...statuses].find((a) => !a.ok)
    return page(
      c,
      <ConnectionsPage
        {...signedInProps(c)}
        sources={withRuns}
        erp={statuses.flatMap((s) => (s.ok ? [s.body] : []))}
        error={refused === undefined || refused.ok ? undefined : problem(refused.error)}
      />,
    )
  })
}
