import { describe, expect, it } from 'vitest'
import { createGroupCommitQueue } from './groupCommit.ts'

interface Item {
  size: number
  settled?: boolean
}

/** A queue whose commits are recorded and held open until `release` is called. */
function recordingQueue(opts: { maxBatchSize: number; lingerMs?: number; warmUp?: () => Promise<void> }) {
  const batches: number[][] = []
  let active = 0
  let maxActive = 0
  const queue = createGroupCommitQueue<Item>({
    maxBatchSize: opts.maxBatchSize,
    lingerMs: opts.lingerMs ?? 1,
    sizeOf: (item) => item.size,
    discard: (item) => item.settled === true,
    ...(opts.warmUp === undefined ? {} : { warmUp: opts.warmUp }),
    async commit(batch) {
      active++
      maxActive = Math.max(maxActive, active)
      batches.push(batch.map((item) => item.size))
      await new Promise((resolve) => setTimeout(resolve, 5))
      active--
    },
  })
  return { queue, batches, maxActive: () => maxActive }
}

describe('createGroupCommitQueue', () => {
  it('coalesces items pushed within the linger into one batch', async () => {
    const { queue, batches } = recordingQueue({ maxBatchSize: 100, lingerMs: 20 })
    for (let i = 0; i < 5; i++) queue.push({ size: 1 })
    await new Promise((resolve) => setTimeout(resolve, 40))
    await queue.flush()
    expect(batches).toEqual([[1, 1, 1, 1, 1]])
  })

  it('caps a batch at maxBatchSize, FIFO, and sends a single larger item alone', async () => {
    const { queue, batches } = recordingQueue({ maxBatchSize: 4 })
    for (const size of [2, 2, 1, 9, 3]) queue.push({ size })
    await queue.flush()
    // 2+2 fill the first batch; 1 cannot join 9 (1+9 > 4) and 9 goes alone; then 3.
    expect(batches).toEqual([[2, 2], [1], [9], [3]])
  })

  it('commits one batch at a time; items pushed meanwhile form the next batch', async () => {
    const { queue, batches, maxActive } = recordingQueue({ maxBatchSize: 100 })
    queue.push({ size: 1 })
    await new Promise((resolve) => setTimeout(resolve, 3))
    for (let i = 0; i < 3; i++) queue.push({ size: 1 })
    await new Promise((resolve) => setTimeout(resolve, 30))
    await queue.flush()
    expect(maxActive()).toBe(1)
    expect(batches).toEqual([[1], [1, 1, 1]])
  })

  it('drops the items `discard` names instead of committing them', async () => {
    const { queue, batches } = recordingQueue({ maxBatchSize: 100 })
    queue.push({ size: 1 })
    queue.push({ size: 2, settled: true })
    queue.push({ size: 3 })
    await queue.flush()
    expect(batches).toEqual([[1, 3]])
  })

  it('runs warmUp first, with items pushed meanwhile waiting behind it', async () => {
    let warmed = false
    const { queue, batches } = recordingQueue({
      maxBatchSize: 100,
      warmUp: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10))
        warmed = true
      },
    })
    queue.push({ size: 1 })
    queue.push({ size: 2 })
    expect(warmed).toBe(false)
    await queue.flush()
    expect(warmed).toBe(true)
    expect(batches).toEqual([[1, 2]])
  })

  it('flush commits at once, without waiting out the linger', async () => {
    const { queue, batches } = recordingQueue({ maxBatchSize: 100, lingerMs: 60_000 })
    queue.push({ size: 1 })
    await queue.flush()
    expect(batches).toEqual([[1]])
  })
})
