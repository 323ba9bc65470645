// The largest request body each kind of route reads. A larger body is refused with 413
// `payload_too_large` before it is buffered (readBody.ts), and /openapi.json gives each
// operation's limit as `x-max-body-bytes`; the README's API section lists them.

/** Management requests: organisations, keys, customers, catalogue, contracts, invoices, runs. */
export const MANAGEMENT_BODY_BYTES = 64 * 1024
/** A billable-metric definition: two templates of at most 64 KiB each, plus a little JSON. */
export const METRIC_BODY_BYTES = 256 * 1024
/** A pricing preview: one price definition with its quantities or transactions. */
export const PRICING_BODY_BYTES = 1024 * 1024
// Ingest bodies (batches, CSV) are the large ones: their limit is TALLY_MAX_BODY_BYTES
// (config.maxBodyBytes, 5 MiB by default), so an operator sizes it to the producers.
