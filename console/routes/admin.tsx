// The operator's pages (pages/admin.tsx) over the API's admin routes: GET and POST
// /v1/organisations, GET and POST /v1/organisations/:id/api-keys, POST …/api-keys/:key/revoke.
// A session signed in with an organisation API key is refused by the API (403 `admin_only`),
// which the pages show. Opening an organisation's console (POST /admin/act-as) is in
// consoleApp.tsx, which owns the sessions.
import { type ApiKey, OrganisationPage, OrganisationsPage, orgHref, RevokeKeyPage, type Organisation } from '../pages/admin.tsx'
import { page, problem, refusalStatus, seg, signedInProps, str, type ConsoleContext, type ConsoleRouter, type RouteKit } from '../routeKit.tsx'

export function registerAdminRoutes(app: ConsoleRouter, kit: RouteKit): void {
  const organisations = (c: ConsoleContext) => kit.call<{ data: Organisation[] }>(c, 'GET', '/v1/organisations')

  app.get('/admin', (c) => c.redirect('/console/admin/organisations', 303))

  app.get('/admin/organisations', async (c) => {
    const list = await organisations(c)
    if (!list.ok) return page(c, <OrganisationsPage {...signedInProps(c)} organisations={[]} name="" error={problem(list.error)} />, refusalStatus(list.status))
    return page(c, <OrganisationsPage {...signedInProps(c)} organisations={list.body.data} name="" />)
  })

  app.post('/admin/organisations', async (c) => {
    const name = str((await c.req.parseBody()).name).trim()
    const created = await kit.call<Organisation>(c, 'POST', '/v1/organisations', { name })
    if (created.ok) return c.redirect(orgHref(created.body.id), 303)
    const list = await organisations(c)
    const shown = list.ok ? list.body.data : []
    return page(c, <OrganisationsPage {...signedInProps(c)} organisations={shown} name={name} error={problem(created.error)} />, refusalStatus(created.status))
  })

  /** The organisation of the path and its keys, or the page answering why not. */
  const organisationOf = async (c: ConsoleContext) => {
    const list = await organisations(c)
    if (!list.ok)
      return {
        refused: page(c, <OrganisationsPage {...signedInProps(c)} organisations={[]} name="" error={problem(list.error)} />, refusalStatus(list.status)),
      }
    const organisation = list.body.data.find((o) => o.id === c.req.param('id'))
    if (organisation === undefined) return { refused: kit.notFound(c, { message: 'No organisation has this id.', code: 'organisation_not_found' }) }
    const keys = await kit.call<{ data: ApiKey[] }>(c, 'GET', `/v1/organisations/${seg(organisation.id)}/api-keys`)
    return { organisation, keys: keys.ok ? keys.body.data : [] }
  }

  app.get('/admin/organisations/:id', async (c) => {
    const found = await organisationOf(c)
    if (found.refused !== undefined) return found.refused
    const revoked = c.req.query('revoked')
    return page(
      c,
      <OrganisationPage
        {...signedInProps(c)}
        organisation={found.organisation}
        keys={found.keys}
        notice={revoked === undefined ? undefined : `The key ${revoked}… is revoked.`}
      />,
    )
  })

  app.post('/admin/organisations/:id/keys', async (c) => {
    const found = await organisationOf(c)
    if (found.refused !== undefined) return found.refused
    const name = str((await c.req.parseBody()).name).trim()
    const created = await kit.call<ApiKey & { secret: string }>(c, 'POST', `/v1/organisations/${seg(found.organisation.id)}/api-keys`, { name })
    if (!created.ok)
      return page(
        c,
        <OrganisationPage {...signedInProps(c)} organisation={found.organisation} keys={found.keys} error={problem(created.error)} />,
        refusalStatus(created.status),
      )
    // Answered here, not redirected: the secret is on this page only, never in a URL.
    const keys = [created.body, ...found.keys.filter((k) => k.id !== created.body.id)]
    return page(
      c,
      <OrganisationPage
        {...signedInProps(c)}
        organisation={found.organisation}
        keys={keys}
        created={{ name: created.body.name, secret: created.body.secret }}
      />,
    )
  })

  const keyOf = async (c: ConsoleContext) => {
    const found = await organisationOf(c)
    if (found.refused !== undefined) return found
    const apiKey = found.keys.find((k) => k.id === c.req.param('key'))
    if (apiKey === undefined) return { refused: kit.notFound(c, { message: 'This organisation has no API key with this id.', code: 'api_key_not_found' }) }
    return { ...found, apiKey }
  }

  app.get('/admin/organisations/:id/keys/:key/revoke', async (c) => {
    const found = await keyOf(c)
    if (found.refused !== undefined) return found.refused
    return page(c, <RevokeKeyPage {...signedInProps(c)} organisation={found.organisation} apiKey={found.apiKey} />)
  })

  app.post('/admin/organisations/:id/keys/:key/revoke', async (c) => {
    const found = await keyOf(c)
    if (found.refused !== undefined) return found.refused
    const revoked = await kit.call(c, 'POST', `/v1/organisations/${seg(found.organisation.id)}/api-keys/${seg(found.apiKey.id)}/revoke`)
    if (!revoked.ok)
      return page(
        c,
        <RevokeKeyPage {...signedInProps(c)} organisation={found.organisation} apiKey={found.apiKey} error={problem(revoked.error)} />,
        refusalStatus(revoked.status),
      )
    return c.redirect(`${orgHref(found.organisation.id)}?revoked=${encodeURIComponent(found.apiKey.prefix)}`, 303)
  })
}
