// Calendar dates of a contract's time zone → UTC instants. A billing period [2026-10-01,
// 2026-11-01) in Europe/Paris is [2026-09-30T22:00Z, 2026-10-31T23:00Z) in UTC: the metric
// runs on those instants, so usage is counted in the customer's days, not UTC's.
// NOTE: found by asking Intl for the zone's offset at the guess and correcting once more,
// which is exact except inside a DST gap at midnight (no IANA zone has one today); Node's
// tz database is the same one ledger/ validates zone names against.

const formatters = new Map<string, Intl.DateTimeFormat>()

function offsetMs(instant: Date, timeZone: string): number {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    formatters.set(timeZone, f)
  }
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]))
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000
}

/** The instant a calendar date (`YYYY-MM-DD`) begins in `timeZone`. */
export function zonedMidnight(date: string, timeZone: string): Date {
  const naive = Date.parse(`${date}T00:00:00Z`)
  const first = naive - offsetMs(new Date(naive), timeZone)
  return new Date(naive - offsetMs(new Date(first), timeZone))
}

/** The calendar date in `timeZone` at an instant. */
export function zonedDate(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + offsetMs(instant, timeZone)).toISOString().slice(0, 10)
}

/** `2026-10-31` + n days, in calendar arithmetic. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
