// One chDB session, one statement at a time, and no stale output after a failure.
//
// NOTE: chDB (3.4, native session) keeps the output a failed statement had already written
// (the JSON header and the rows streamed before a throwIf or a limit hit) and hands it to the
// NEXT statement on the session as that statement's result. Any component could receive it:
// a dedup lookup reading another query's rows is silent data corruption. So every call goes
// through one queue, and after a failed call a marker query runs until the marker itself
// comes back, before the next caller is let in. chDB executes one statement at a time anyway,
// so the queue costs no throughput.
import type { Readable } from 'node:stream'

const SERIALISED = new Set(['query', 'exec', 'command', 'insert', 'ping'])
const DRAIN_MARK = 'tally_chdb_drain'
const MAX_DRAIN_ATTEMPTS = 5

type AnyConnection = object

/** Wraps a `chdb/connection` Connection so that its calls run one at a time and never see stale output. */
export function serialChdbConnection<C extends AnyConnection>(inner: C): C {
  let tail: Promise<unknown> = Promise.resolve()
  const call = (name: string, args: unknown[]) => {
    const run = async () => {
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
    }
    const result = tail.then(run, run)
    tail = result.catch(() => undefined)
    return result
  }
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && SERIALISED.has(prop)) return (...args: unknown[]) => call(prop, args)
      const value = Reflect.get(target, prop, receiver) as unknown
      // Private fields of the connection class need the real object as `this`.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
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
