// Contracts: the keyset-paged list (optionally of one customer) and the detail.
import { ContractDetailPage, ContractListPage, CONTRACT_PAGE_SIZE, type Contract } from '../pages/contracts.tsx'
import { page, problem, seg, signedInProps, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

export function registerContractRoutes(app: ConsoleRouter, kit: RouteKit): void {
  app.get('/contracts', async (c) => {
    const customer = c.req.query('customer')?.trim() || undefined
    const after = c.req.query('after') || undefined
    const q = new URLSearchParams({ limit: String(CONTRACT_PAGE_SIZE) })
    if (customer) q.set('customer', customer)
    if (after) q.set('after', after)
    const list = await kit.call<{ data: Contract[] }>(c, 'GET', `/v1/contracts?${q}`)
    return page(
      c,
      <ContractListPage
        {...signedInProps(c)}
        customer={customer}
        after={after}
        contracts={list.ok ? list.body.data : []}
        {...(list.ok ? {} : { error: problem(list.error) })}
      />,
    )
  })
  app.get('/contracts/:id', async (c) => {
    const got = await kit.call<Contract>(c, 'GET', `/v1/contracts/${seg(c.req.param('id'))}`)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    return page(c, <ContractDetailPage {...signedInProps(c)} contract={got.body} created={c.req.query('created') === '1'} />)
  })
}
