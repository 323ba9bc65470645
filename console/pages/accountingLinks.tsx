// What the accounting pages share: their own navigation (the reports as of a day, a month's
// revenue, deferred revenue and close status, the journal entries; the page shown is
// `aria-current`) and the form choosing the day or month a page reports on.
import type { FC } from 'hono/jsx'

export type AccountingPageName = 'as-of' | 'month' | 'journal'

const LINKS: { name: AccountingPageName; href: string; label: string }[] = [
  { name: 'as-of', href: '/console/accounting', label: 'Receivables and trial balance' },
  { name: 'month', href: '/console/accounting/month', label: 'Revenue, deferred revenue and period close' },
  { name: 'journal', href: '/console/accounting/journal', label: 'Journal entries' },
]

export const AccountingLinks: FC<{ current: AccountingPageName }> = (p) => (
  <nav class="tabs" aria-label="Accounting reports">
    <ul>
      {LINKS.map((l) => (
        <li>
          <a href={l.href} aria-current={l.name === p.current ? 'page' : undefined}>
            {l.label}
          </a>
        </li>
      ))}
    </ul>
  </nav>
)

/** The one-field form choosing what an accounting page reports on (a day, a month), with its error under it. */
export const ReportChoice: FC<{ action: string; name: string; type: 'date' | 'month'; value: string; label: string; formLabel: string }> = (p) => (
  <form method="get" action={p.action} class="filters" aria-label={p.formLabel}>
    <p>
      <label for={`choice-${p.name}`}>{p.label}</label>
      <input id={`choice-${p.name}`} name={p.name} type={p.type} value={p.value} />
    </p>
    <p class="actions">
      <button type="submit">Show</button>
    </p>
  </form>
)
