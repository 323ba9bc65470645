// The one rule for the names users give to raw metrics, billable metrics and template
// parameters: a lower-case identifier of 1–63 characters starting with a letter. 63 is
// Postgres' identifier limit (the ledger stores the names and checks them in the schema too);
// lower case, digits and underscores keep a name usable unquoted in ClickHouse and Postgres
// SQL, in a URL path (`POST /usage/:rawMetric`) and in a shell command line.
export const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/

/** The rule in words, for error details. */
export const IDENTIFIER_RULE = 'use 1-63 lower-case letters, digits and underscores, starting with a letter'
