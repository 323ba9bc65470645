// Part of the ledger contract suite (ledgerSuite.ts), run on every driver. API keys: created,
// resolved by their secret (only its hash is stored), listed without secrets, revoked.
import { createHash, randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { queryRows } from '../platform/postgres/queryRows.ts'
import { newTestOrg, type TestLedger } from './useTestLedger.ts'
import { testNow } from '../test/support/testLedger.ts'

export function describeApiKeySuite(t: TestLedger): void {
  describe('api keys', () => {
    it('create → resolve → revoke → resolve null', async () => {
      const org = await newTestOrg(t.ledger)
      const { key, secret } = await t.ledger.apiKeys.create({ now: testNow(), orgId: org.id, name: 'gateway' })
      expect(secret).toMatch(/^tly_[0-9A-Za-z]{40}$/)
      expect(key).toMatchObject({ orgId: org.id, name: 'gateway', prefix: secret.slice(0, 12), revokedAt: null })
      expect(await t.ledger.apiKeys.resolve(secret)).toEqual({ orgId: org.id, keyId: key.id })

      const revoked = await t.ledger.apiKeys.revoke(org.id, key.id, testNow())
      expect(revoked.revokedAt).not.toBeNull()
      expect(await t.ledger.apiKeys.resolve(secret)).toBeNull()
      // Revoking again is a no-op that keeps the original revocation time.
      expect(await t.ledger.apiKeys.revoke(org.id, key.id, testNow())).toEqual(revoked)
    })

    it('resolve returns null for an unknown secret', async () => {
      expect(await t.ledger.apiKeys.resolve('tly_unknown0000000000000000000000000000000')).toBeNull()
    })

    it('revoke of an unknown key, or of another organisation’s key, is not found', async () => {
      const a = await newTestOrg(t.ledger, 'A')
      const b = await newTestOrg(t.ledger, 'B')
      const { key, secret } = await t.ledger.apiKeys.create({ now: testNow(), orgId: a.id, name: 'k' })
      for (const [orgId, id] of [
        [b.id, key.id],
        [a.id, randomUUID()],
        [a.id, 'nope'],
      ] as const) {
        await expect(t.ledger.apiKeys.revoke(orgId, id, testNow())).rejects.toMatchObject({
          category: 'not_found',
          code: 'api_key_not_found',
        })
      }
      expect(await t.ledger.apiKeys.resolve(secret)).not.toBeNull()
    })

    it('list returns views without hashes or secrets', async () => {
      const org = await newTestOrg(t.ledger)
      const one = await t.ledger.apiKeys.create({ now: testNow(), orgId: org.id, name: 'one' })
      const two = await t.ledger.apiKeys.create({ now: testNow(), orgId: org.id, name: 'two' })
      const keys = await t.ledger.apiKeys.list(org.id)
      expect(keys.map((k) => k.name).sort()).toEqual(['one', 'two'])
      for (const k of keys) {
        expect(Object.keys(k).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'orgId', 'prefix', 'revokedAt'])
      }
      const text = JSON.stringify(keys)
      for (const { secret } of [one, two]) {
        expect(text).not.toContain(secret)
        expect(text).not.toContain(createHash('sha256').update(secret).digest('hex'))
      }
    })

    it('stores only the hash: the row holds no secret', async () => {
      const org = await newTestOrg(t.ledger)
      const { key, secret } = await t.ledger.apiKeys.create({ now: testNow(), orgId: org.id, name: 'stored' })
      const [row] = await queryRows(t.handle.db, sql`select * from api_keys where id = ${key.id}`)
      if (!row) throw new Error('key row missing')
      expect(row.hash).toBe(createHash('sha256').update(secret).digest('hex'))
      expect(row.prefix).toBe(secret.slice(0, 12))
      const body = secret.slice(12)
      for (const value of Object.values(row)) expect(String(value)).not.toContain(body)
    })

    it('ensure registers a given secret once', async () => {
      const org = await newTestOrg(t.ledger)
      const secret = `tly_bootstrap_${randomUUID()}`
      const first = await t.ledger.apiKeys.ensure({ now: testNow(), orgId: org.id, secret, name: 'bootstrap' })
      const second = await t.ledger.apiKeys.ensure({ now: testNow(), orgId: org.id, secret, name: 'bootstrap' })
      expect(second).toEqual(first)
      expect(await t.ledger.apiKeys.resolve(secret)).toEqual({ orgId: org.id, keyId: first.id })
      expect(await t.ledger.apiKeys.list(org.id)).toHaveLength(1)

      const other = await newTestOrg(t.ledger)
      await expect(t.ledger.apiKeys.ensure({ now: testNow(), orgId: other.id, secret, name: 'steal' })).rejects.toMatchObject({
        category: 'conflict',
        code: 'api_key_in_use',
      })
      await expect(t.ledger.apiKeys.ensure({ now: testNow(), orgId: org.id, secret: 'short', name: 'x' })).rejects.toMatchObject({
        category: 'validation',
        code: 'invalid_api_key',
      })
    })

    it('create for an unknown organisation is not found', async () => {
      await expect(t.ledger.apiKeys.create({ now: testNow(), orgId: randomUUID(), name: 'x' })).rejects.toMatchObject({
        code: 'organisation_not_found',
      })
    })

    it('recordUse stamps last_used_at', async () => {
      const org = await newTestOrg(t.ledger)
      const { key } = await t.ledger.apiKeys.create({ now: testNow(), orgId: org.id, name: 'used' })
      await t.ledger.apiKeys.recordUse(key.id, testNow())
      const [listed] = await t.ledger.apiKeys.list(org.id)
      expect(listed!.lastUsedAt).not.toBeNull()
    })
  })
}
