// Journal entries (GET /v1/accounting/journal-entries), in posting order, a page at a time by the
// API's cursor (next and previous: CursorPager), each with its lines: account, debit or credit,
// the amount as the API's decimal string. Read-only: entries never change, a correction reverses.
import type { FC } from 'hono/jsx'
import type { z } from 'zod'
import type { journalEntryJson } from '../../ledger/http/accountingSchemas.ts'
import type { Assets } from '../assets.ts'
import type { Problem } from '../routeKit.tsx'
import { AccountingLinks } from './accountingLinks.tsx'
import { CursorPager, type PagerPosition } from './cursorPager.tsx'
import { Columns, ErrorNotice, Layout } from './layout.tsx'

export type JournalEntry = z.infer<typeof journalEntryJson>

const EntryRows: FC<{ entry: JournalEntry }> = ({ entry: e }) => (
  <>
    {e.lines.map((l, i) => (
      <tr>
        {i === 0 ? (
          <th scope="rowgroup" rowspan={e.lines.length}>
            {e.posted_on}
            <span class="help">
              {e.source_kind} <code>{e.source_key}</code>
              {e.reverses_entry_id === null ? '' : ' (a reversal)'}
            </span>
          </th>
        ) : null}
        <td>{l.account}</td>
        <td>{l.memo ?? (i === 0 ? e.memo : '')}</td>
        <td>{l.currency}</td>
        <td class="num">{l.side === 'debit' ? l.amount : ''}</td>
        <td class="num">{l.side === 'credit' ? l.amount : ''}</td>
      </tr>
    ))}
  </>
)

export const JournalEntriesPage: FC<{
  assets: Assets
  csrf: string
  entries: JournalEntry[]
  pages: { at: PagerPosition; next: string | null }
  error?: Problem | undefined
}> = (p) => (
  <Layout title="Journal entries" assets={p.assets} csrf={p.csrf} section="accounting">
    <h1>Journal entries</h1>
    <AccountingLinks current="journal" />
    {p.error === undefined ? null : <ErrorNotice {...p.error} />}
    <section aria-labelledby="journal" id="journal-entries">
      <h2 id="journal">Entries in posting order</h2>
      {p.entries.length === 0 ? (
        <p>Nothing has been posted.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Journal entries by accounting date, each with its debit and credit lines</caption>
          <Columns names={['Posted on', 'Account', 'Memo', 'Currency', 'Debit', 'Credit']} numeric={['Debit', 'Credit']} />
          {p.entries.map((e) => (
            <tbody data-entry={e.id}>
              <EntryRows entry={e} />
            </tbody>
          ))}
        </table>
      )}
      <CursorPager path="/console/accounting/journal" keep={{}} at={p.pages.at} next={p.pages.next} />
    </section>
  </Layout>
)
