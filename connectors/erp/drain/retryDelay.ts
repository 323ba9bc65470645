// When a document the ERP asked us to retry goes again. The ERP's own word first (429's
// Retry-After, as afterMs); otherwise exponential backoff from 1 s doubling per attempt up to
// 30 min, with equal jitter (half fixed, half random) so connections that failed together do
// not come back together. There is no attempt limit: an ERP down for an hour gets its
// documents when it is back; only a refusal ('failed') parks a row. The webhook drain uses the
// same curve with its own base and cap (connectors/webhooks/retrySchedule.ts).
const BASE_MS = 1_000
const CAP_MS = 30 * 60_000

/** `attempts`: attempts made so far, this one included (≥ 1). `random` in [0, 1). */
export function retryDelayMs(input: { attempts: number; afterMs: number | null; random: () => number; baseMs?: number; capMs?: number }): number {
  const base = input.baseMs ?? BASE_MS
  // NOTE: a Retry-After of 0 is floored at the base delay, so a peer answering it forever cannot spin a drain.
  if (input.afterMs !== null) return Math.max(base, input.afterMs)
  const ceiling = Math.min(input.capMs ?? CAP_MS, base * 2 ** Math.min(input.attempts - 1, 30))
  return Math.round(ceiling / 2 + (ceiling / 2) * input.random())
}
