// The partition Kafka's default key partitioner gives a key: Java's `Utils.murmur2` of the key's
// UTF-8 bytes, made positive, modulo the partition count. kafkajs' DefaultPartitioner and
// @platformatic/kafka's compatibilityPartitioner compute the same, so a producer that sets the
// partition itself from this function puts a key where a keyed send would have put it (and
// where older records of the same key already are).
const SEED = 0x9747b28c
const M = 0x5bd1e995

export function keyPartition(key: string, partitionCount: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitionCount
}

function murmur2(data: Buffer): number {
  const length = data.length
  let h = SEED ^ length
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  const rest = length & 3
  if (rest === 3) h ^= data[whole + 2]! << 16
  if (rest >= 2) h ^= data[whole + 1]! << 8
  if (rest >= 1) h = Math.imul(h ^ data[whole]!, M)
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h
}
