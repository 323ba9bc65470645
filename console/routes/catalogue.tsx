// Customers, products and plans: lists, search and details, read from the API.
import { CustomerDetailPage, CustomerListPage, CUSTOMER_PAGE_SIZE, type CreditGrant, type Customer } from '../pages/customers.tsx'
import { CATALOGUE_PAGE_SIZE, PlanDetailPage, PlanListPage, ProductDetailPage, ProductListPage, type Plan, type Product } from '../pages/catalogue.tsx'
import { pagerPosition, type PagerPosition } from '../pages/cursorPager.tsx'
import { page, problem, seg, signedInProps, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'
import { customerTaxView } from './customerTax.tsx'
import { planProducts } from './planProducts.ts'

/** A page of a catalogue list: CATALOGUE_PAGE_SIZE rows from the position's cursor. */
const pageQuery = (at: PagerPosition, q: string) =>
  new URLSearchParams({ limit: String(CATALOGUE_PAGE_SIZE), ...(at.cursor === '' ? {} : { cursor: at.cursor }), ...(q === '' ? {} : { q }) })

export function registerCatalogueRoutes(app: ConsoleRouter, kit: RouteKit): void {
  app.get('/customers', async (c) => {
    const search = c.req.query('q')?.trim() ?? ''
    if (search !== '') {
      const exact = await kit.call<Customer>(c, 'GET', `/v1/customers/${seg(search)}`)
      if (exact.ok) return c.redirect(`/console/customers/${seg(exact.body.external_id)}`, 303)
    }
    // Otherwise the customers whose name, e-mail or id contains it, in external id order.
    const after = c.req.query('after') || undefined
    const q = new URLSearchParams({ limit: String(CUSTOMER_PAGE_SIZE), ...(after === undefined ? {} : { after }), ...(search === '' ? {} : { q: search }) })
    const list = await kit.call<{ data: Customer[]; next_after: string | null }>(c, 'GET', `/v1/customers?${q}`)
    return page(
      c,
      <CustomerListPage
        {...signedInProps(c)}
        search={search}
        after={after}
        customers={list.ok ? list.body.data : []}
        nextAfter={list.ok ? list.body.next_after : null}
        error={list.ok ? undefined : problem(list.error)}
      />,
    )
  })
  app.get('/customers/:id', async (c) => {
    const got = await kit.call<Customer>(c, 'GET', `/v1/customers/${seg(c.req.param('id'))}`)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    const credits = await kit.call<{ data: CreditGrant[] }>(c, 'GET', `/v1/customers/${seg(got.body.external_id)}/credits`)
    return page(
      c,
      <CustomerDetailPage
        {...signedInProps(c)}
        customer={got.body}
        credits={credits.ok ? credits.body.data : []}
        {...await customerTaxView(kit, c, got.body)}
        notice={c.req.query('done') === 'tax' ? 'Address and tax saved: invoices finalized from now on use them.' : undefined}
      />,
    )
  })

  app.get('/products', async (c) => {
    const q = c.req.query('q')?.trim() ?? ''
    const at = pagerPosition((name) => c.req.query(name))
    const list = await kit.call<{ data: Product[]; next_cursor: string | null }>(c, 'GET', `/v1/products?${pageQuery(at, q)}`)
    return page(
      c,
      <ProductListPage
        {...signedInProps(c)}
        q={q}
        at={at}
        next={list.ok ? list.body.next_cursor : null}
        products={list.ok ? list.body.data : []}
        error={list.ok ? undefined : problem(list.error)}
      />,
    )
  })
  app.get('/products/:id', async (c) => {
    const got = await kit.call<Product>(c, 'GET', `/v1/products/${seg(c.req.param('id'))}`)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    return page(c, <ProductDetailPage {...signedInProps(c)} product={got.body} />)
  })

  app.get('/plans', async (c) => {
    const q = c.req.query('q')?.trim() ?? ''
    const at = pagerPosition((name) => c.req.query(name))
    const list = await kit.call<{ data: Plan[]; next_cursor: string | null }>(c, 'GET', `/v1/plans?${pageQuery(at, q)}`)
    return page(
      c,
      <PlanListPage
        {...signedInProps(c)}
        q={q}
        at={at}
        next={list.ok ? list.body.next_cursor : null}
        plans={list.ok ? list.body.data : []}
        error={list.ok ? undefined : problem(list.error)}
      />,
    )
  })
  app.get('/plans/:id', async (c) => {
    const got = await kit.call<Plan>(c, 'GET', `/v1/plans/${seg(c.req.param('id'))}`)
    if (!got.ok) return kit.notFound(c, problem(got.error))
    return page(c, <PlanDetailPage {...signedInProps(c)} plan={got.body} products={await planProducts(kit, c, got.body)} />)
  })
}
