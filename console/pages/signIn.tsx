import type { FC } from 'hono/jsx'
import type { Assets } from '../assets.ts'
import { ErrorNotice, Layout } from './layout.tsx'

export const SignInPage: FC<{ assets: Assets; signInToken: string; error?: { message: string; code?: string }; signedOut?: boolean }> = (p) => (
  <Layout title="Sign in" assets={p.assets}>
    <section class="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to Tally</h1>
      {p.signedOut === true ? (
        <p class="notice" role="status">
          You are signed out.
        </p>
      ) : null}
      {p.error === undefined ? null : <ErrorNotice message={p.error.message} code={p.error.code} />}
      <form method="post" action="/console/sign-in">
        <input type="hidden" name="_csrf" value={p.signInToken} />
        <p>
          <label for="api_key">API key</label>
          <input id="api_key" name="api_key" type="password" autocomplete="off" required aria-describedby="api_key_help" />
          <span id="api_key_help" class="help">
            An organisation API key (<code>tally keys create --org &lt;org id&gt;</code>), or the operator's admin token.
          </span>
        </p>
        <p>
          <label for="organisation">Organisation id (admin token only)</label>
          <input id="organisation" name="organisation" type="text" autocomplete="off" spellcheck={false} />
        </p>
        <button type="submit">Sign in</button>
      </form>
      <p class="help">The key stays on the server for this session; it is never shown back in a page.</p>
    </section>
  </Layout>
)
