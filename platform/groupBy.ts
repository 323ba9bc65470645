// Rows grouped by a key, each group and the groups in the order the rows came.
export function groupBy<T>(rows: Iterable<T>, key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const row of rows) {
    const k = key(row)
    const group = out.get(k)
    if (group === undefined) out.set(k, [row])
    else group.push(row)
  }
  return out
}
