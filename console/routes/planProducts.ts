// The products a plan sells, by id, for the pages that show or price a plan (its detail, a new
// contract from it): each read by id, since GET /v1/products is paged and a plan names a few.
import type { Plan, Product } from '../pages/catalogue.tsx'
import { seg, type ConsoleContext, type RouteKit } from '../routeKit.tsx'

export async function planProducts(kit: RouteKit, c: ConsoleContext, plan: Plan | undefined): Promise<Map<string, Product>> {
  const ids = [...new Set((plan?.items ?? []).map((it) => it.product_id))]
  const got = await Promise.all(ids.map((id) => kit.call<Product>(c, 'GET', `/v1/products/${seg(id)}`)))
  return new Map(got.flatMap((g) => (g.ok ? [[g.body.id, g.body] as const] : [])))
}
