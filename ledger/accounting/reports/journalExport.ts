// The journal of a month as rows, for a general ledger that is not synced by API (a CSV or JSON
// file to import): one row per journal line of the entries posted in the month (their accounting
// date, `posted_on`), in posting order, with the account's name and the customer the line names.
// Amounts leave Postgres as text, written with the currency's minor units
// (compute/minorUnitAmounts.ts): the side a line is not on reads 0.00 in USD, 0 in JPY.
import { sql } from 'drizzle-orm'
import type { Database } from '../../../platform/postgres/database.ts'
import { queryRows } from '../../../platform/postgres/queryRows.ts'
import { createCurrencyRepository } from '../../currencies.ts'
import { assertOrgId } from '../../ids.ts'
import { inMinorUnits } from '../compute/minorUnitAmounts.ts'
import { assertPeriod, nextPeriod } from '../periods.ts'

export interface JournalExportRow extends Record<string, unknown> {
  entryId: string
  /** The accounting date, `YYYY-MM-DD`. */
  date: string
  /** The entry's source kind (`invoice`, `payment`, `schedule_line`, …) and key (the document's id). */
  source: string
  sourceKey: string
  line: number
  accountCode: string
  accountName: string
  debit: string
  credit: string
  currency: string
  /** The customer's external id and name, when the line names one. */
  customer: string | null
  customerName: string | null
  /** The line's memo, else the entry's. */
  memo: string
}

/** 400 `invalid_request` (detail `invalid_period`) unless `period` is `YYYY-MM`. */
export async function journalExport(db: Database, orgId: string, period: string): Promise<JournalExportRow[]> {
  assertOrgId(orgId)
  const from = `${assertPeriod(period)}-01`
  const until = `${nextPeriod(period)}-01`
  const currencies = await createCurrencyRepository(db).table(orgId)
  const rows = await queryRows<JournalExportRow>(
    db,
    sql`select e.id as "entryId", e.posted_on::text as date, e.source_kind as source, e.source_key as "sourceKey", l.position as line,
        l.account_code as "accountCode", a.name as "accountName", l.debit::text as debit, l.credit::text as credit, l.currency,
        c.external_id as customer, c.name as "customerName", coalesce(l.memo, e.memo) as memo
      from journal_lines l
      join journal_entries e on e.id = l.entry_id
      join accounts a on a.org_id = l.org_id and a.code = l.account_code
      left join customers c on c.id = l.customer_id
      where l.org_id = ${orgId} and e.posted_on >= ${from} and e.posted_on < ${until}
      order by e.posted_on, e.created_at, e.id, l.position`,
  )
  return rows.map((r) => inMinorUnits({ ...r, line: Number(r.line) }, ['debit', 'credit'], currencies))
}
