// Failed console sign-ins, limited per account and per client address: after `maxFailures`
// failures within `windowMs` (default 5 in 15 minutes) for either, sign-in is refused (429 with
// Retry-After) until the oldest of those failures leaves the window, without testing the key.
// The account is what the attempt names: the key's displayed prefix (`tly_` + 8, as
// `tally keys list` shows it), or the organisation an admin-token sign-in names. Time is the
// console's clock (TALLY_CLOCK). Kept in this process's memory, at most `maxEntries` keys (the
// least recently failed go first).

/** The characters of a key that `tally keys list` shows (`tly_` + 8): not secret, and the same for every guess at one key. */
const KEY_PREFIX_LENGTH = 12

export interface SignInLimiterOptions {
  now: () => number
  maxFailures?: number
  windowMs?: number
  maxEntries?: number
}

/** The keys an attempt counts against: its account and its client address. */
export interface SignInAttempt {
  secret: string
  organisation: string | null
  address: string
}

export interface SignInLimiter {
  /** Seconds until this attempt may be tried, or 0 when it may now. */
  retryAfter(attempt: SignInAttempt): number
  failed(attempt: SignInAttempt): void
  /** A successful sign-in forgets the account's failures (not the address's). */
  succeeded(attempt: SignInAttempt): void
}

const keysOf = (a: SignInAttempt) => {
  const account = a.organisation === null ? `key:${a.secret.slice(0, KEY_PREFIX_LENGTH)}` : `org:${a.organisation}`
  return { account, address: `address:${a.address}` }
}

export function createSignInLimiter(opts: SignInLimiterOptions): SignInLimiter {
  const maxFailures = opts.maxFailures ?? 5
  const windowMs = opts.windowMs ?? 15 * 60_000
  const maxEntries = opts.maxEntries ?? 100_000
  // Each key's failure times within the window, oldest first; re-inserted on failure, so the Map's first key is the least recently failed.
  const failures = new Map<string, number[]>()
  const recent = (key: string, t: number) => (failures.get(key) ?? []).filter((at) => t - at < windowMs)
  const waitMs = (key: string, t: number) => {
    const times = recent(key, t)
    return times.length < maxFailures ? 0 : times[times.length - maxFailures]! + windowMs - t
  }
  return {
    retryAfter(attempt) {
      const t = opts.now()
      const { account, address } = keysOf(attempt)
      return Math.ceil(Math.max(waitMs(account, t), waitMs(address, t)) / 1000)
    },
    failed(attempt) {
      const t = opts.now()
      for (const key of Object.values(keysOf(attempt))) {
        const times = [...recent(key, t), t].slice(-maxFailures)
        failures.delete(key)
        failures.set(key, times)
      }
      while (failures.size > maxEntries) failures.delete(failures.keys().next().value!)
    },
    succeeded(attempt) {
      failures.delete(keysOf(attempt).account)
    },
  }
}
