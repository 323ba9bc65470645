// The operator's pages, for a session signed in with the admin token: organisations (list,
// create) and each one's API keys (list, create, revoke after a confirmation), and a way into an
// organisation's console. A key created here is shown once, on the page answering its creation,
// as the API answers it once; the session's own token is never shown.
import type { FC } from 'hono/jsx'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import { Columns, ErrorNotice, Layout, PostForm } from './layout.tsx'

export interface Organisation {
  id: string
  name: string
  created_at: string
}

export interface ApiKey {
  id: string
  name: string
  prefix: string
  created_at: string
  revoked_at: string | null
  last_used_at: string | null
}

interface Frame {
  assets: Assets
  csrf: string
  error?: Problem | undefined
  notice?: string | undefined
}

const when = (iso: string | null) => (iso === null ? '—' : `${iso.slice(0, 16).replace('T', ' ')} UTC`)
export const orgHref = (id: string) => `/console/admin/organisations/${encodeURIComponent(id)}`

const Notices: FC<Frame> = (p) => (
  <>
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    {p.notice === undefined ? null : (
      <p class="notice" role="status">
        {p.notice}
      </p>
    )}
  </>
)

export const OrganisationsPage: FC<Frame & { organisations: Organisation[]; name: string }> = (p) => (
  <Layout title="Organisations" assets={p.assets} csrf={p.csrf}>
    <h1>Organisations</h1>
    <Notices {...p} />
    <table id="organisations">
      <caption class="visually-hidden">Organisations</caption>
      <Columns names={['Name', 'Id', 'Created']} />
      <tbody>
        {p.organisations.map((o) => (
          <tr>
            <th scope="row">
              <a href={orgHref(o.id)}>{o.name}</a>
            </th>
            <td>
              <code>{o.id}</code>
            </td>
            <td>{when(o.created_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <h2 id="new-organisation">New organisation</h2>
    <form method="post" action="/console/admin/organisations" class="fields" aria-labelledby="new-organisation">
      <input type="hidden" name="_csrf" value={p.csrf} />
      <p>
        <label for="organisation-name">Name</label>
        <input id="organisation-name" name="name" value={p.name} required maxlength={200} />
      </p>
      <p class="actions">
        <button type="submit">Create organisation</button>
      </p>
    </form>
  </Layout>
)

export const OrganisationPage: FC<Frame & { organisation: Organisation; keys: ApiKey[]; created?: { name: string; secret: string } | undefined }> = (p) => (
  <Layout title={p.organisation.name} assets={p.assets} csrf={p.csrf}>
    <p>
      <a href="/console/admin/organisations">Organisations</a>
    </p>
    <h1>{p.organisation.name}</h1>
    <Notices {...p} />
    {p.created === undefined ? null : (
      <div class="notice" role="status" id="created-key">
        <p>The API key “{p.created.name}” was created. Copy it now: it is not shown again.</p>
        <p>
          <label for="created-secret">The new API key</label>
          <input id="created-secret" value={p.created.secret} readonly spellcheck={false} autocomplete="off" size={48} />
        </p>
      </div>
    )}
    <dl class="facts">
      <dt>Id</dt>
      <dd>
        <code>{p.organisation.id}</code>
      </dd>
      <dt>Created</dt>
      <dd>{when(p.organisation.created_at)}</dd>
    </dl>
    <form method="post" action="/console/admin/act-as" class="fields" aria-label="Work in this organisation">
      <input type="hidden" name="_csrf" value={p.csrf} />
      <input type="hidden" name="organisation" value={p.organisation.id} />
      <p class="actions">
        <button type="submit">Open its console</button>
      </p>
    </form>
    <h2 id="keys">API keys</h2>
    <table id="api-keys" aria-labelledby="keys">
      <Columns names={['Name', 'Prefix', 'Created', 'Last used', 'Status', '']} />
      <tbody>
        {p.keys.map((k) => (
          <tr>
            <th scope="row">{k.name}</th>
            <td>
              <code>{k.prefix}</code>
            </td>
            <td>{when(k.created_at)}</td>
            <td>{when(k.last_used_at)}</td>
            <td>{k.revoked_at === null ? 'active' : `revoked ${when(k.revoked_at)}`}</td>
            <td>
              {k.revoked_at === null ? (
                <a href={`${orgHref(p.organisation.id)}/keys/${encodeURIComponent(k.id)}/revoke`} aria-label={`Revoke ${k.name} (${k.prefix})`}>
                  Revoke
                </a>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    <h2 id="new-key">New API key</h2>
    <form method="post" action={`${orgHref(p.organisation.id)}/keys`} class="fields" aria-labelledby="new-key">
      <input type="hidden" name="_csrf" value={p.csrf} />
      <p>
        <label for="key-name">What it is for</label>
        <input id="key-name" name="name" required maxlength={200} />
      </p>
      <p class="actions">
        <button type="submit">Create API key</button>
      </p>
    </form>
  </Layout>
)

export const RevokeKeyPage: FC<Frame & { organisation: Organisation; apiKey: ApiKey }> = (p) => (
  <Layout title="Revoke API key" assets={p.assets} csrf={p.csrf}>
    <h1>
      Revoke “{p.apiKey.name}” of {p.organisation.name}?
    </h1>
    <Notices {...p} />
    <p>
      Requests with the key <code>{p.apiKey.prefix}…</code> are refused from now on, and console sessions signed in with it end. This cannot be undone.
    </p>
    <PostForm
      action={`${orgHref(p.organisation.id)}/keys/${encodeURIComponent(p.apiKey.id)}/revoke`}
      csrf={p.csrf}
      submit="Revoke the key"
      cancel={orgHref(p.organisation.id)}
    />
  </Layout>
)
