// What the console's app tests share: a session cookie from a response, and a sign-in through
// the form (its double-submit token) against a console mounted at /console.
import type { Hono } from 'hono'
import { SESSION_COOKIE, SIGN_IN_COOKIE } from './consoleApp.tsx'

export function cookieOf(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
}

/** A sign-in through the form; `address`: the client's, as the Node server would give it (none in-process). */
export async function signIn(app: Hono, key: string, address?: string) {
  const env = address === undefined ? undefined : { incoming: { socket: { remoteAddress: address } } }
  const page = await app.request('/console/sign-in', {}, env)
  const signInCookie = cookieOf(page, SIGN_IN_COOKIE)!.split(';')[0]!
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!
  const headers = { cookie: signInCookie, 'content-type': 'application/x-www-form-urlencoded' }
  return app.request('/console/sign-in', { method: 'POST', headers, body: new URLSearchParams({ _csrf: token, api_key: key }).toString() }, env)
}

/** The session cookie (`name=value`) of a signed-in session. */
export async function sessionOf(app: Hono, key: string): Promise<string> {
  return cookieOf(await signIn(app, key), SESSION_COOKIE)!.split(';')[0]!
}
