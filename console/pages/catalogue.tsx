// Products and plans: lists a page at a time (the API's cursor, cursorPager.tsx) with a name
// filter, and their details; a plan's page leads to a new contract from it.
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { planJson, productJson } from '../../rating/http/billingSchemas.ts'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import { CursorPager, type PagerPosition } from './cursorPager.tsx'
import { Columns, ErrorNotice, Layout } from './layout.tsx'

/** Rows per page of the products and plans lists. */
export const CATALOGUE_PAGE_SIZE = 50

export type Product = z.infer<typeof productJson>
export type Plan = z.infer<typeof planJson>

/** A price definition in one line: its model and the rest as JSON. */
export const PriceText: FC<{ price: Record<string, unknown> }> = ({ price }) => {
  const { model, ...rest } = price
  return (
    <>
      <strong>{String(model ?? 'price')}</strong> <code>{JSON.stringify(rest)}</code>
    </>
  )
}

const NameFilter: FC<{ action: string; q: string; label: string }> = (p) => (
  <form method="get" action={p.action} class="filters" role="search" aria-label={`Filter ${p.label}`}>
    <p>
      <label for="name-filter">Name contains</label>
      <input id="name-filter" name="q" value={p.q} />
    </p>
    <p class="actions">
      <button type="submit">Filter</button>
    </p>
  </form>
)

type ListProps = { assets: Assets; csrf: string; q: string; at: PagerPosition; next: string | null; error?: Problem | undefined }

export const ProductListPage: FC<ListProps & { products: Product[] }> = (p) => (
  <Layout title="Products" assets={p.assets} csrf={p.csrf} section="products">
    <h1>Products</h1>
    <NameFilter action="/console/products" q={p.q} label="products" />
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    <table>
      <caption class="visually-hidden">Products</caption>
      <Columns names={['Name', 'Kind', 'Metric', 'Default quantity']} numeric={['Default quantity']} />
      <tbody>
        {p.products.map((x) => (
          <tr>
            <th scope="row">
              <a href={`/console/products/${encodeURIComponent(x.id)}`}>{x.name}</a>
            </th>
            <td>{x.kind.replace('_', '-')}</td>
            <td>{x.metric === null ? '' : `${x.metric.name} v${x.metric.version}`}</td>
            <td class="num">{x.default_quantity ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <CursorPager path="/console/products" keep={{ q: p.q }} at={p.at} next={p.next} />
  </Layout>
)

export const ProductDetailPage: FC<{ assets: Assets; csrf: string; product: Product }> = ({ product: x, ...p }) => (
  <Layout title={`Product ${x.name}`} assets={p.assets} csrf={p.csrf} section="products">
    <p class="crumbs">
      <a href="/console/products">Products</a>
    </p>
    <h1>Product {x.name}</h1>
    <dl class="facts">
      <dt>Id</dt>
      <dd>
        <code>{x.id}</code>
      </dd>
      <dt>Kind</dt>
      <dd>{x.kind.replace('_', '-')}</dd>
      <dt>Metric</dt>
      <dd>{x.metric === null ? '—' : <a href={`/console/metrics/${encodeURIComponent(x.metric.name)}`}>{`${x.metric.name} v${x.metric.version}`}</a>}</dd>
      <dt>Default quantity</dt>
      <dd>{x.default_quantity ?? '—'}</dd>
      <dt>Description</dt>
      <dd>{x.description ?? '—'}</dd>
    </dl>
  </Layout>
)

export const PlanListPage: FC<ListProps & { plans: Plan[] }> = (p) => (
  <Layout title="Plans" assets={p.assets} csrf={p.csrf} section="plans">
    <h1>Plans</h1>
    <NameFilter action="/console/plans" q={p.q} label="plans" />
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    <table>
      <caption class="visually-hidden">Plans</caption>
      <Columns names={['Name', 'Currency', 'Products', 'Features']} numeric={['Products']} />
      <tbody>
        {p.plans.map((x) => (
          <tr>
            <th scope="row">
              <a href={`/console/plans/${encodeURIComponent(x.id)}`}>{x.name}</a>
            </th>
            <td>{x.currency}</td>
            <td class="num">{x.items.length}</td>
            <td>{x.features.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <CursorPager path="/console/plans" keep={{ q: p.q }} at={p.at} next={p.next} />
  </Layout>
)

export const PlanDetailPage: FC<{ assets: Assets; csrf: string; plan: Plan; products: Map<string, Product> }> = ({ plan: x, ...p }) => (
  <Layout title={`Plan ${x.name}`} assets={p.assets} csrf={p.csrf} section="plans">
    <p class="crumbs">
      <a href="/console/plans">Plans</a>
    </p>
    <div class="heading">
      <h1>Plan {x.name}</h1>
      <div class="actions">
        <a class="button" href={`/console/contracts/new?plan=${encodeURIComponent(x.id)}`}>
          New contract from this plan
        </a>
      </div>
    </div>
    <p>
      {x.currency}
      {x.description === null ? '' : ` · ${x.description}`}
    </p>
    <table>
      <caption>Products and prices</caption>
      <Columns names={['Product', 'Billing', 'Price', 'Quantity']} numeric={['Quantity']} />
      <tbody>
        {x.items.map((it) => (
          <tr>
            <th scope="row">
              <a href={`/console/products/${encodeURIComponent(it.product_id)}`}>{p.products.get(it.product_id)?.name ?? it.product_id}</a>
            </th>
            <td>{it.billing.replace('_', ' ')}</td>
            <td>
              <PriceText price={it.price} />
            </td>
            <td class="num">{it.quantity ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {x.features.length === 0 ? null : <p>Features: {x.features.join(', ')}</p>}
  </Layout>
)
