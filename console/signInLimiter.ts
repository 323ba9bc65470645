// Failed console sign-ins, limited per account and per client address: after `maxFailures`
// failures within `windowMs` (default 5 in 15 minutes) for either, sign-in is refused (429 with
// Retry-After) until the oldest of those failures leaves the window, without testing the key.
// The account is what the attempt names: the key's displayed prefix (`tly_` + 8, as
// `tally keys list` shows it), or the organisation an admin-token sign-in names. Time is the
// console's clock (TALLY_CLOCK). Failures are kept through a port (SignInFailureRows): the
// ledger's console_sign_in_failures in a running Tally, so every gateway on one database counts
// the same failures, or this process's memory.

/** The characters of a key that `tally keys list` shows (`tly_` + 8): not secret, and the same for every guess at one key. */
const KEY_PREFIX_LENGTH = 12

/** Where failures are kept (ledger/consoleSignInFailures.ts has the same shape). */
export interface SignInFailureRows {
  /** Each key's failures after `since`, oldest first (a key without any is absent). */
  recent(keys: string[], since: Date): Promise<Map<string, Date[]>>
  add(keys: string[], at: Date): Promise<void>
  forget(key: string): Promise<void>
  /** Deletes the failures at or before `until`. */
  sweep(until: Date): Promise<void>
}

export interface SignInLimiterOptions {
  now: () => number
  /** Where failures are counted; default this process's memory. */
  rows?: SignInFailureRows
  maxFailures?: number
  windowMs?: number
}

/** The keys an attempt counts against: its account and its client address. */
export interface SignInAttempt {
  secret: string
  organisation: string | null
  address: string
}

export interface SignInLimiter {
  /** Seconds until this attempt may be tried, or 0 when it may now. */
  retryAfter(attempt: SignInAttempt): Promise<number>
  failed(attempt: SignInAttempt): Promise<void>
  /** A successful sign-in forgets the account's failures (not the address's). */
  succeeded(attempt: SignInAttempt): Promise<void>
}

const keysOf = (a: SignInAttempt) => {
  const account = a.organisation === null ? `key:${a.secret.slice(0, KEY_PREFIX_LENGTH)}` : `org:${a.organisation}`
  return { account, address: `address:${a.address}` }
}

/** Failures in this process's memory, at most `maxKeys` keys (the least recently failed go first). */
export function memorySignInFailureRows(maxKeys = 100_000): SignInFailureRows {
  // Re-inserted on each failure, so the Map's first key is the least recently failed.
  const failures = new Map<string, Date[]>()
  return {
    async recent(keys, since) {
      const found = new Map<string, Date[]>()
      for (const key of keys) {
        const times = (failures.get(key) ?? []).filter((at) => at > since)
        if (times.length > 0) found.set(key, times)
      }
      return found
    },
    async add(keys, at) {
      for (const key of keys) {
        const times = [...(failures.get(key) ?? []), at]
        failures.delete(key)
        failures.set(key, times)
      }
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value!)
    },
    async forget(key) {
      failures.delete(key)
    },
    async sweep(until) {
      for (const [key, times] of failures) {
        const kept = times.filter((at) => at > until)
        if (kept.length === 0) failures.delete(key)
        else failures.set(key, kept)
      }
    },
  }
}

export function createSignInLimiter(opts: SignInLimiterOptions): SignInLimiter {
  const maxFailures = opts.maxFailures ?? 5
  const windowMs = opts.windowMs ?? 15 * 60_000
  const rows = opts.rows ?? memorySignInFailureRows()
  return {
    async retryAfter(attempt) {
      const t = opts.now()
      const recent = await rows.recent(Object.values(keysOf(attempt)), new Date(t - windowMs))
      let waitMs = 0
      for (const times of recent.values()) {
        if (times.length >= maxFailures) waitMs = Math.max(waitMs, times[times.length - maxFailures]!.getTime() + windowMs - t)
      }
      return Math.ceil(waitMs / 1000)
    },
    async failed(attempt) {
      const t = opts.now()
      await rows.sweep(new Date(t - windowMs))
      await rows.add(Object.values(keysOf(attempt)), new Date(t))
    },
    async succeeded(attempt) {
      await rows.forget(keysOf(attempt).account)
    },
  }
}
