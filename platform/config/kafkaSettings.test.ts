// The Kafka durability and group-timing keys: cluster-safe defaults, and combinations that
// cannot work reported at start (and by `tally config check`) with what is wrong.
import { describe, expect, it } from 'vitest'
import { parseConfig } from './load.ts'

const BROKERS = { TALLY_KAFKA_BROKERS: '127.0.0.1:9092' }

describe('Kafka settings', () => {
  it('default to a cluster: 3 replicas, 2 in sync, a 10 s session with 1 s heartbeats', () => {
    const result = parseConfig(BROKERS)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config).toMatchObject({
      kafkaReplicationFactor: 3,
      kafkaMinInsyncReplicas: 2,
      kafkaSessionTimeoutMs: 10_000,
      kafkaHeartbeatIntervalMs: 1_000,
    })
  })

  it('take the single-broker development setting', () => {
    const result = parseConfig({ ...BROKERS, TALLY_KAFKA_REPLICATION_FACTOR: '1', TALLY_KAFKA_MIN_INSYNC_REPLICAS: '1' })
    expect(result.ok && [result.config.kafkaReplicationFactor, result.config.kafkaMinInsyncReplicas]).toEqual([1, 1])
  })

  it('refuse more in-sync replicas than replicas, and a heartbeat over a third of the session, all at once', () => {
    const result = parseConfig({
      ...BROKERS,
      TALLY_KAFKA_REPLICATION_FACTOR: '2',
      TALLY_KAFKA_MIN_INSYNC_REPLICAS: '3',
      TALLY_KAFKA_SESSION_TIMEOUT_MS: '6000',
      TALLY_KAFKA_HEARTBEAT_INTERVAL_MS: '2001',
    })
    expect(result).toEqual({
      ok: false,
      problems: [
        { variable: 'TALLY_KAFKA_MIN_INSYNC_REPLICAS', message: '3 is more than TALLY_KAFKA_REPLICATION_FACTOR (2): no write could ever be acknowledged' },
        {
          variable: 'TALLY_KAFKA_HEARTBEAT_INTERVAL_MS',
          message: '2001 ms is more than a third of TALLY_KAFKA_SESSION_TIMEOUT_MS (6000 ms): one late heartbeat would cost the worker its partitions',
        },
      ],
    })
    expect(parseConfig({ ...BROKERS, TALLY_KAFKA_SESSION_TIMEOUT_MS: '6000', TALLY_KAFKA_HEARTBEAT_INTERVAL_MS: '2000' }).ok).toBe(true)
  })

  it('refuse a zero replication factor and a session timeout past the brokers’ 30-minute ceiling', () => {
    const result = parseConfig({ ...BROKERS, TALLY_KAFKA_REPLICATION_FACTOR: '0', TALLY_KAFKA_SESSION_TIMEOUT_MS: '1800001' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map((p) => p.variable)).toEqual(['TALLY_KAFKA_REPLICATION_FACTOR', 'TALLY_KAFKA_SESSION_TIMEOUT_MS'])
  })
})
