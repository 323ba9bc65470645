import { Partitioners, type PartitionMetadata } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { keyPartition } from './keyPartition.ts'

describe('keyPartition', () => {
  it("places every key on the partition kafkajs' default partitioner picks for it", () => {
    const kafkajs = Partitioners.DefaultPartitioner()
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'ünïcødé 客户', ...Array.from({ length: 3_000 }, (_, i) => `k${i}-${'x'.repeat(i % 7)}`)]
    for (const count of [1, 3, 6, 7, 64]) {
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata)
      for (const key of keys) {
        expect(keyPartition(key, count)).toBe(kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } }))
      }
    }
  })
})
