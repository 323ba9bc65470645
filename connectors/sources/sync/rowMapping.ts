// A source row → the event envelope the gateway validates (ingest's buildEvents), by the sync
// job's column mapping. Pure: the runner reads, this maps, buildEvents validates, the sink writes.
//
// Event ids are deterministic, so a row read again (the lateness window, a restart after a crash,
// a full resync) is the same event and counts once: the mapped `eventId` column's value, else a
// hash of the key columns' values (with the organisation and raw metric, as the gateway derives
// its ids), else, with neither, the gateway's own rule (customer and timestamp).
import { createHash } from 'node:crypto'
import { DECIMAL_TEXT } from '../../../platform/decimalText.ts'
import type { SourceSyncSpec, SyncReject } from '../../../ledger/sourceStore.ts'

export interface ColumnPlan {
  /** The columns to read, each once, in row order. */
  columns: string[]
  at: (column: string) => number
}

/** Every column the mapping and cursor name, each once. */
export function columnPlan(spec: SourceSyncSpec): ColumnPlan {
  const m = spec.mapping
  const names = [
    ...(spec.cursor ? [spec.cursor.column] : []),
    m.customerId,
    m.timestamp,
    ...(m.eventId ? [m.eventId] : []),
    ...(m.keyColumns ?? []),
    ...Object.values(m.data).map((d) => d.column),
  ]
  const columns = [...new Set(names)]
  const index = new Map(columns.map((c, i) => [c, i]))
  return { columns, at: (c) => index.get(c)! }
}

export type MappedRow = { ok: true; item: Record<string, unknown> } | { ok: false; reject: SyncReject }

/** A source time read as UTC: date, time, up to nine fraction digits, no offset or a zero one (`+00`, `+00:00`, `Z`). */
const UTC_TEXT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(?:Z|\+00(?::?00)?)?$/

/**
 * A source's time text as the gateway's parser reads it. A UTC time (what Postgres in a UTC session,
 * MySQL and DuckDB write) becomes the stored form `YYYY-MM-DD HH:mm:ss.SSS` itself (the fraction
 * truncated to milliseconds, as the gateway truncates), which the parser checks digit by digit
 * instead of a regex, a Date round trip and a re-format per row; an offset `±HH` gets its minutes,
 * a date alone is midnight UTC. The instant stored is the same either way.
 */
export function eventTimestamp(text: string): string {
  const utc = UTC_TEXT.exec(text)
  if (utc !== null) return `${utc[1]} ${utc[2]}.${(utc[3] ?? '').padEnd(3, '0').slice(0, 3)}`
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text} 00:00:00.000`
  return /[+-]\d{2}$/.test(text) ? `${text}:00` : text
}

export function sourceEventId(parts: { orgId: string; rawMetric: string; keys: Array<string | null> }): string {
  return createHash('sha256')
    .update(`${parts.orgId}\u0000${parts.rawMetric}\u0000${JSON.stringify(parts.keys)}`)
    .digest('hex')
    .slice(0, 32)
}

const BOOLEANS: Record<string, boolean> = { true: true, t: true, '1': true, false: false, f: false, '0': false }

export interface RowMapper {
  map(row: Array<string | null>): MappedRow
  /** How a rejected row is named: its event id column, else its key columns, else customer@timestamp. */
  keyOf(row: Array<string | null>): string
}

/**
 * The job's mapping as a function of a row. The column positions and the data fields are looked
 * up once per run, so a row costs its own values and nothing else; its key (for a reject) is
 * built only for a row that is rejected.
 */
export function rowMapper(ctx: { spec: SourceSyncSpec; plan: ColumnPlan; orgId: string; rawMetric: string }): RowMapper {
  const { mapping } = ctx.spec
  const { orgId, rawMetric } = ctx
  const customerAt = ctx.plan.at(mapping.customerId)
  const timestampAt = ctx.plan.at(mapping.timestamp)
  const eventIdAt = mapping.eventId ? ctx.plan.at(mapping.eventId) : -1
  const keysAt = (mapping.keyColumns ?? []).map((c) => ctx.plan.at(c))
  const fields = Object.entries(mapping.data).map(([field, { column, type }]) => ({ field, column, type, at: ctx.plan.at(column) }))
  const keyOf = (row: Array<string | null>): string =>
    eventIdAt >= 0
      ? String(row[eventIdAt] ?? null)
      : keysAt.length > 0
        ? keysAt.map((i) => String(row[i] ?? null)).join(',')
        : `${row[customerAt] ?? null}@${row[timestampAt] ?? null}`
  const reject = (row: Array<string | null>, code: string, field: string, message: string): MappedRow => ({
    ok: false,
    reject: { key: keyOf(row), code, field, message },
  })
  const map = (row: Array<string | null>): MappedRow => {
    const customer = row[customerAt] ?? null
    const timestamp = row[timestampAt] ?? null
    const eventId =
      eventIdAt >= 0 ? (row[eventIdAt] ?? null) : keysAt.length > 0 ? sourceEventId({ orgId, rawMetric, keys: keysAt.map((i) => row[i] ?? null) }) : null
    if (customer === null || customer === '')
      return reject(row, 'customer_id_missing', mapping.customerId, `column ${mapping.customerId} (the customer id) is empty`)
    if (timestamp === null) return reject(row, 'timestamp_missing', mapping.timestamp, `column ${mapping.timestamp} (the timestamp) is empty`)
    if (mapping.eventId && (eventId === null || eventId === ''))
      return reject(row, 'event_id_missing', mapping.eventId, `column ${mapping.eventId} (the event id) is empty`)
    const data: Record<string, unknown> = {}
    for (const { field, column, type, at } of fields) {
      const v = row[at] ?? null
      if (v === null) continue
      if (type === 'number') {
        if (!DECIMAL_TEXT.test(v))
          return reject(row, 'invalid_number', column, `column ${column} (data.${field}) holds ${JSON.stringify(v.slice(0, 40))}, not a decimal number`)
        data[field] = v
      } else if (type === 'boolean') {
        const b = BOOLEANS[v.toLowerCase()]
        if (b === undefined)
          return reject(row, 'invalid_boolean', column, `column ${column} (data.${field}) holds ${JSON.stringify(v.slice(0, 40))}, not a boolean`)
        data[field] = b
      } else data[field] = v
    }
    return {
      ok: true,
      item: { raw_metric: rawMetric, customer_id: customer, timestamp: eventTimestamp(timestamp), data, ...(eventId === null ? {} : { event_id: eventId }) },
    }
  }
  return { map, keyOf }
}
