// One chDB session, one statement at a time, no stale output after a failure, and a fair
// order between the callers waiting for it.
//
// NOTE: chDB (3.4, native session) keeps the output a failed statement had already written
// (the JSON header and the rows streamed before a throwIf or a limit hit) and hands it to the
// NEXT statement on the session as that statement's result. Any component could receive it:
// a dedup lookup reading another query's rows is silent data corruption. So every call goes
// through one queue, and after a failed call a marker query runs until the marker itself
// comes back, before the next caller is let in. chDB executes one statement at a time anyway,
// so the queue costs no throughput.
//
// The order of the queue is what keeps one organisation's billable-metric templates from
// stalling ingest or another organisation (a running statement cannot be interrupted, so its
// own max_execution_time bounds the rest):
//   1. Tally's own work (the event writer, dedup lookups, usage reads, migrations: every call
//      not marked otherwise) goes first, in arrival order;
//   2. template work (statements sent inside `templateWork(orgId, …)`) waits behind it, one
//      queue per organisation, served round-robin, so a backlog of one organisation's previews
//      delays another organisation's by at most one statement each.
// After MAX_OWN_STREAK of Tally's own statements in a row while template work waits, one
// template statement goes, so a continuous stream of writes cannot starve rating either.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Readable } from 'node:stream'

const SERIALISED = new Set(['query', 'exec', 'command', 'insert', 'ping'])
const DRAIN_MARK = 'tally_chdb_drain'
const MAX_DRAIN_ATTEMPTS = 5
const MAX_OWN_STREAK = 16

type AnyConnection = object

export interface SerialChdb<C> {
  connection: C
  /** Runs `fn` with every statement it sends queued as organisation `orgId`'s template work. */
  templateWork<T>(orgId: string, fn: () => Promise<T>): Promise<T>
}

/** Wraps a `chdb/connection` Connection so that its calls run one at a time, fairly, and never see stale output. */
export function serialChdbConnection<C extends AnyConnection>(inner: C): SerialChdb<C> {
  // Per connection, not per module: the organisation travels with the async call chain from
  // `templateWork` down to the connection call that @clickhouse/client makes inside it.
  const lane = new AsyncLocalStorage<string>()
  const queue = fairQueue()
  const call = (name: string, args: unknown[]) =>
    queue.enqueue(lane.getStore(), async () => {
      const method = (inner as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!
      try {
        const result = await method.apply(inner, args)
        // `ping` reports failure in its result instead of throwing.
        if (name === 'ping' && (result as { success?: boolean }).success === false) await drain(inner)
        return result
      } catch (err) {
        await drain(inner)
        throw err
      }
    })
  const connection = new Proxy(inner, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && SERIALISED.has(prop)) return (...args: unknown[]) => call(prop, args)
      const value = Reflect.get(target, prop, receiver) as unknown
      // Private fields of the connection class need the real object as `this`.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
  return { connection, templateWork: (orgId, fn) => lane.run(orgId, fn) }
}

interface Waiting {
  start(): void
}

/** The order described at the top: Tally's own work first, then organisations round-robin. */
function fairQueue() {
  const own: Waiting[] = []
  const byOrg = new Map<string, Waiting[]>() // insertion order is the round-robin order
  let busy = false
  let ownStreak = 0

  const nextTemplate = (): Waiting | undefined => {
    const [orgId, waiting] = byOrg.entries().next().value ?? []
    if (orgId === undefined || waiting === undefined) return undefined
    byOrg.delete(orgId)
    const item = waiting.shift()
    // Back of the rotation: every other organisation waiting goes before this one's next statement.
    if (waiting.length > 0) byOrg.set(orgId, waiting)
    return item
  }

  const pump = () => {
    if (busy) return
    let item: Waiting | undefined
    if (own.length > 0 && (byOrg.size === 0 || ownStreak < MAX_OWN_STREAK)) {
      item = own.shift()
      ownStreak++
    } else {
      item = nextTemplate()
      ownStreak = 0
    }
    if (item === undefined) return
    busy = true
    item.start()
  }

  return {
    enqueue<T>(orgId: string | undefined, run: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const item: Waiting = {
          start: () => {
            run()
              .then(resolve, reject)
              .finally(() => {
                busy = false
                pump()
              })
          },
        }
        if (orgId === undefined) own.push(item)
        else {
          const waiting = byOrg.get(orgId)
          if (waiting === undefined) byOrg.set(orgId, [item])
          else waiting.push(item)
        }
        pump()
      })
    },
  }
}

async function drain(inner: AnyConnection): Promise<void> {
  const query = (inner as { query(params: { query: string }): Promise<{ stream: Readable }> }).query.bind(inner)
  for (let attempt = 0; attempt < MAX_DRAIN_ATTEMPTS; attempt++) {
    try {
      const { stream } = await query({ query: `SELECT '${DRAIN_MARK}' FORMAT TabSeparated` })
      let text = ''
      for await (const chunk of stream) text += String(chunk)
      if (text.trim() === DRAIN_MARK) return
    } catch {
      // A failing marker query leaves nothing behind worth reading; try again.
    }
  }
  throw new Error(`chDB kept returning stale output after ${MAX_DRAIN_ATTEMPTS} marker queries; restart the process`)
}
