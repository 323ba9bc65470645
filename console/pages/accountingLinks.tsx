// The accounting pages' own navigation: the reports as of a day, a month's revenue, deferred
// revenue and close status, and the journal entries; the page shown is `aria-current`.
import type { FC } from 'hono/jsx'

export type AccountingPageName = 'as-of' | 'month' | 'journal'

const LINKS: { name: AccountingPageName; href: string; label: string }[] = [
  { name: 'as-of', href: '/console/accounting', label: 'Receivables and trial balance' },
  { name: 'month', href: '/console/accounting/month', label: 'Revenue, deferred revenue and period close' },
  { name: 'journal', href: '/console/accounting/journal', label: 'Journal entries' },
]

export const AccountingLinks: FC<{ current: AccountingPageName }> = (p) => (
  <nav aria-label="Accounting reports" class="pages">
    {LINKS.map((l) => (
      <a href={l.href} aria-current={l.name === p.current ? 'page' : undefined}>
        {l.label}
      </a>
    ))}
  </nav>
)
