// Group commit: concurrent callers' items are coalesced into batches and committed strictly
// one batch at a time. Both writers on the gateway's path use it: the embedded event writer
// (one ClickHouse insert per batch, metering/eventWriter.ts) and the Kafka sink (one
// producer.send per batch, ingest/sink/kafkaEventSink.ts). One commit at a time is what each
// needs for correctness (a drain slot's intent/insert order; kafkajs' per-send sequence
// numbers), and it is also what makes batches big: while a commit runs, the next one fills.
//
// Per run:
//   1. an idle queue waits `lingerMs` after its first item for company (0 when already full)
//   2. take queued items, FIFO, up to `maxBatchSize` units (a single larger item goes alone)
//   3. `commit` the batch; repeat until the queue is empty
// The queue settles nothing itself: `commit` answers every item of its batch, and must not
// throw (an error it let escape would leave those callers waiting forever).

export interface GroupCommitOptions<T> {
  /** Most units (rows, events) per batch. */
  maxBatchSize: number
  /** How long the first item of an idle queue waits for company, in ms. */
  lingerMs: number
  /** Units an item counts for against `maxBatchSize`. */
  sizeOf(item: T): number
  /** Commits one batch and answers each of its items; never throws. */
  commit(batch: T[]): Promise<void>
  /**
   * Called on an item as it is taken; true drops it from the batch (its caller was answered
   * already, e.g. by a timeout, so committing it now would only do work nobody waits for).
   */
  discard?(item: T): boolean
  /** Runs at once, before any batch; items pushed meanwhile wait behind it. Must not throw. */
  warmUp?(): Promise<void>
}

export interface GroupCommitQueue<T> {
  push(item: T): void
  /** Commits everything queued now, without the linger; resolves when nothing is queued or committing. */
  flush(): Promise<void>
}

export function createGroupCommitQueue<T>(opts: GroupCommitOptions<T>): GroupCommitQueue<T> {
  const queue: T[] = []
  let running = false
  let timer: NodeJS.Timeout | null = null
  let idle: Promise<void> = Promise.resolve()
  let markIdle: () => void = () => {}

  function queuedSize(): number {
    let n = 0
    for (const item of queue) n += opts.sizeOf(item)
    return n
  }

  function schedule(): void {
    if (running || timer !== null || queue.length === 0) return
    // A waiting batch that is already full gains nothing from the linger.
    const delay = queuedSize() >= opts.maxBatchSize ? 0 : opts.lingerMs
    timer = setTimeout(() => {
      timer = null
      void run()
    }, delay)
  }

  function takeBatch(): T[] {
    const batch: T[] = []
    let size = 0
    while (queue.length > 0) {
      const next = queue[0] as T
      if (opts.discard?.(next) === true) {
        queue.shift()
        continue
      }
      const nextSize = opts.sizeOf(next)
      if (batch.length > 0 && size + nextSize > opts.maxBatchSize) break
      queue.shift()
      batch.push(next)
      size += nextSize
    }
    return batch
  }

  async function run(warmUp?: () => Promise<void>): Promise<void> {
    running = true
    idle = new Promise((resolve) => (markIdle = resolve))
    try {
      if (warmUp !== undefined) await warmUp()
      for (;;) {
        const batch = takeBatch()
        if (batch.length === 0) break
        await opts.commit(batch)
      }
    } finally {
      running = false
      markIdle()
      schedule()
    }
  }

  if (opts.warmUp !== undefined) void run(opts.warmUp)

  return {
    push(item) {
      queue.push(item)
      schedule()
    },
    async flush() {
      if (timer !== null) {
        clearTimeout(timer)
        timer = null
      }
      // An item pushed during the last commit of a run is taken by that run's loop; the loop
      // here covers one pushed after it ended and before this resumed.
      while (running || queue.length > 0) {
        if (!running) void run()
        await idle
      }
    },
  }
}
