// A JSON value parsed by the gateway's lossless parser as the source's text: how the files source
// reads NDJSON and the ClickHouse source reads its JSON rows, so a number keeps the digits written.
import { isJsonNumber } from '../../ingest/envelope/losslessJson.ts'

/** Strings as they are, numbers as written, booleans as `true`/`false`, objects and arrays as JSON. */
export function jsonText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (isJsonNumber(value)) return value.value
  if (typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}
