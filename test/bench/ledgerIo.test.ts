import { describe, expect, it } from 'vitest'
import { formatLedgerIo } from './ledgerIo.ts'

describe("stage 8's ledger I/O line", () => {
  it('gives every counter the ledger has, per 1,000 contracts', () => {
    const io = { pageReads: 150_593, pageHits: 39_139_406, pageWrites: 111_279, walMB: 1035.2, walDirMB: 1184 }
    expect(formatLedgerIo(io, 100_000)).toBe(
      'ledger page reads 150,593 (1,506 per 1,000 contracts; 0.38 % of 39,289,999 block lookups), page writes 111,279 (1,113 per 1,000), WAL written 1,035 MB, pg_wal 1,184 MB at the end',
    )
  })

  it('says n/a for a counter a Postgres 15 server lacks (pg_stat_io), not NaN, keeping the others', () => {
    // NaN arrives from the child as null.
    const io = { pageReads: 52_000, pageHits: 9_948_000, pageWrites: null as unknown as number, walMB: 980, walDirMB: Number.NaN }
    expect(formatLedgerIo(io, 100_000)).toBe(
      'ledger page reads 52,000 (520 per 1,000 contracts; 0.52 % of 10,000,000 block lookups), page writes n/a (pg_stat_io: Postgres 16 and later), WAL written 980 MB, pg_wal n/a MB at the end',
    )
  })
})
