// What the broker itself stored about a consumer group's members: the group coordinator writes
// each classic group's state (GroupMetadataValue, key version 2) to `__consumer_offsets`, with
// every member's session and rebalance timeouts as the broker received them in JoinGroup.
// `admin.describeGroups` does not carry the timeouts, so a test that must prove which session
// timeout reached the broker reads them here. Decodes value versions 0–4 (4 is the flexible one).
import type { Kafka } from 'kafkajs'

export interface StoredGroupMember {
  memberId: string
  clientId: string
  sessionTimeoutMs: number
  /** -1 in value version 0, which has no rebalance timeout. */
  rebalanceTimeoutMs: number
}

/** Waits until the broker stored the group with at least `members` members; returns the newest state. */
export async function storedGroupMembers(opts: { kafka: Kafka; groupId: string; members: number; timeoutMs?: number }): Promise<StoredGroupMember[]> {
  const reader = opts.kafka.consumer({ groupId: `tally-test-offsets-reader-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 200 })
  await reader.connect()
  let latest: StoredGroupMember[] = []
  try {
    await reader.subscribe({ topic: '__consumer_offsets', fromBeginning: true })
    const found = new Promise<void>((resolve) => {
      void reader.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          if (message.key === null || groupOfKey(message.key) !== opts.groupId) return
          latest = message.value === null ? [] : decodeMembers(message.value)
          if (latest.length >= opts.members) resolve()
        },
      })
    })
    const timeoutMs = opts.timeoutMs ?? 30_000
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the broker stored no state of group ${opts.groupId} with ${opts.members} member(s) within ${timeoutMs} ms`)),
        timeoutMs,
      )
    })
    await Promise.race([found, timedOut]).finally(() => clearTimeout(timer))
    return latest
  } finally {
    await reader.disconnect()
  }
}

/** The group of a group-metadata key (version 2), or null for offset commits and other records. */
function groupOfKey(key: Buffer): string | null {
  if (key.length < 4 || key.readInt16BE(0) !== 2) return null
  const len = key.readInt16BE(2)
  return key.toString('utf8', 4, 4 + len)
}

function decodeMembers(value: Buffer): StoredGroupMember[] {
  const r = new Reader(value)
  const version = r.int16()
  const flexible = version >= 4
  const str = () => (flexible ? r.compactString() : r.string())
  str() // protocol type
  r.int32() // generation
  str() // protocol
  str() // leader
  if (version >= 2) r.int64() // current state timestamp
  const count = flexible ? r.uvarint() - 1 : r.int32()
  const members: StoredGroupMember[] = []
  for (let i = 0; i < count; i++) {
    const memberId = str()!
    if (version >= 3) str() // group instance id
    const clientId = str()!
    str() // client host
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1
    const sessionTimeoutMs = r.int32()
    r.bytes(flexible) // subscription
    r.bytes(flexible) // assignment
    if (flexible) r.taggedFields()
    members.push({ memberId, clientId, sessionTimeoutMs, rebalanceTimeoutMs })
  }
  return members
}

class Reader {
  private at = 0
  constructor(private readonly buf: Buffer) {}
  int16(): number {
    const v = this.buf.readInt16BE(this.at)
    this.at += 2
    return v
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.at)
    this.at += 4
    return v
  }
  int64(): void {
    this.at += 8
  }
  uvarint(): number {
    let v = 0
    for (let shift = 0; ; shift += 7) {
      const b = this.buf[this.at++]!
      v |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return v
    }
  }
  string(): string | null {
    const len = this.int16()
    return len < 0 ? null : this.take(len)
  }
  compactString(): string | null {
    const len = this.uvarint() - 1
    return len < 0 ? null : this.take(len)
  }
  bytes(flexible: boolean): void {
    const len = flexible ? this.uvarint() - 1 : this.int32()
    if (len > 0) this.at += len
  }
  taggedFields(): void {
    const n = this.uvarint()
    for (let i = 0; i < n; i++) {
      this.uvarint() // tag
      this.at += this.uvarint()
    }
  }
  private take(len: number): string {
    const s = this.buf.toString('utf8', this.at, this.at + len)
    this.at += len
    return s
  }
}
