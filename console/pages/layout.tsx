// The page frame every console page shares: one stylesheet, the small console script, the
// navigation and sign-out when signed in. The session's CSRF token is in a meta tag (for the
// client code's fetches) and in each form; the API key never is.
import type { Child, FC } from 'hono/jsx'
import type { AssetEntry, Assets } from '../assets.ts'

export type Section = 'metrics' | 'usage' | 'customers' | 'products' | 'plans' | 'contracts' | 'rating' | 'invoices' | 'accounting' | 'connections'

export interface LayoutProps {
  title: string
  assets: Assets
  /** Signed in: the session's CSRF token (navigation and sign-out are shown). */
  csrf?: string
  section?: Section
  /** Extra client bundles of this page (console.js is always loaded). */
  scripts?: AssetEntry[]
  children?: Child
}

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'metrics', href: '/console/metrics', label: 'Billable metrics' },
  { section: 'usage', href: '/console/usage', label: 'Usage' },
  { section: 'customers', href: '/console/customers', label: 'Customers' },
  { section: 'products', href: '/console/products', label: 'Products' },
  { section: 'plans', href: '/console/plans', label: 'Plans' },
  { section: 'contracts', href: '/console/contracts', label: 'Contracts' },
  { section: 'rating', href: '/console/rating', label: 'Rating' },
  { section: 'invoices', href: '/console/invoices', label: 'Invoices' },
  { section: 'accounting', href: '/console/accounting', label: 'Accounting' },
  { section: 'connections', href: '/console/connections', label: 'Connections' },
]

export const Layout: FC<LayoutProps> = (props) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {props.csrf === undefined ? null : <meta name="csrf-token" content={props.csrf} />}
      <title>{`${props.title} · Tally console`}</title>
      <link rel="stylesheet" href={props.assets.url('console.css')} />
      <script type="module" src={props.assets.url('console.js')}></script>
      {(props.scripts ?? []).map((s) => (
        <script type="module" src={props.assets.url(s)}></script>
      ))}
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/console">
          Tally
        </a>
        {props.csrf === undefined ? null : (
          <>
            <nav aria-label="Console">
              <ul>
                {NAV.map((n) => (
                  <li>
                    <a href={n.href} aria-current={props.section === n.section ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
                <li>
                  <a href="/docs">API reference</a>
                </li>
              </ul>
            </nav>
            <form method="post" action="/console/sign-out" class="sign-out">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <button type="submit">Sign out</button>
            </form>
          </>
        )}
      </header>
      <main id="main" tabindex={-1}>
        {props.children}
      </main>
    </body>
  </html>
)

/** A problem the API reported, readable, with its code. */
export const ErrorNotice: FC<{ message: string; code?: string | undefined; issues?: { line?: number; column?: number; message: string; code: string }[] }> = (
  p,
) => (
  <div class="notice error" role="alert">
    <p>
      {p.message}
      {p.code === undefined ? null : (
        <>
          {' '}
          <code>{p.code}</code>
        </>
      )}
    </p>
    {p.issues !== undefined && p.issues.length > 0 ? (
      <ul>
        {p.issues.map((i) => (
          <li>
            {i.line === undefined ? '' : `Line ${i.line}${i.column === undefined ? '' : `, column ${i.column}`}: `}
            {i.message} <code>{i.code}</code>
          </li>
        ))}
      </ul>
    ) : null}
  </div>
)

/** A form that changes something: the session's CSRF token, its fields, the confirming button and a way back. */
export const PostForm: FC<{ action: string; csrf: string; submit: string; cancel: string; children?: Child }> = (p) => (
  <form method="post" action={p.action} class="fields">
    <input type="hidden" name="_csrf" value={p.csrf} />
    {p.children}
    <p class="actions wide">
      <button type="submit">{p.submit}</button>
      <a class="button secondary" href={p.cancel}>
        Cancel
      </a>
    </p>
  </form>
)

/** Right-aligned cells of amounts or quantities, as given (the API's decimal strings). */
export const NumCells: FC<{ values: string[] }> = (p) => (
  <>
    {p.values.map((v) => (
      <td class="num">{v}</td>
    ))}
  </>
)

/** A table's header row; the columns named in `numeric` are right-aligned (amounts, quantities). */
export const Columns: FC<{ names: string[]; numeric?: string[] }> = (p) => (
  <thead>
    <tr>
      {p.names.map((name) => (
        <th scope="col" class={p.numeric?.includes(name) ? 'num' : undefined}>
          {name}
        </th>
      ))}
    </tr>
  </thead>
)

/** The last cells of a priced line: quantity, unit price (absent for flat lines), amount. */
export const PricedCells: FC<{ quantity: string; unitPrice: string | null | undefined; amount: string }> = (p) => (
  <>
    <td class="num">{p.quantity}</td>
    <td class="num">{p.unitPrice ?? ''}</td>
    <td class="num">{p.amount}</td>
  </>
)

/** A priced table's footer: the total under the amounts, `span` columns after the label. */
export const TotalFoot: FC<{ span: number; total: string; currency: string; id?: string }> = (p) => (
  <tfoot>
    <tr>
      <th scope="row" colspan={p.span} class="num">
        Total
      </th>
      <td class="num" {...(p.id === undefined ? {} : { id: p.id })}>
        {p.total} {p.currency}
      </td>
    </tr>
  </tfoot>
)
