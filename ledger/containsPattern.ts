// A user's search text as an ILIKE pattern matching it anywhere ("contains"): `%` and `_` in the
// text are wildcards in LIKE, so they are escaped, and so is the escape character itself
// (backslash, LIKE's default escape in Postgres and PGlite); `a_b` finds only `a_b`, `100%`
// only `100%`, never every row.
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
