// A memo of a pure computation keyed by a string, for the checks and conversions the rating job
// repeats with the same few inputs (a time zone name checked per customer create, the start of
// the same calendar day in the same zone for every contract billed on it). It is emptied when it
// holds `max` keys, so unusual inputs cannot grow it without bound; a computation that throws is
// not remembered (the next call computes, and throws, again).
export function boundedMemo<T>(max: number): (key: string, compute: () => T) => T {
  const values = new Map<string, T>()
  return (key, compute) => {
    if (values.has(key)) return values.get(key) as T
    const value = compute()
    if (values.size >= max) values.clear()
    values.set(key, value)
    return value
  }
}
