// ClickHouse server errors, recognised by shape. NOTE: `instanceof ClickHouseError` is false
// for errors from chDB: chdb/connection throws the ClickHouseError class of its own copy of
// @clickhouse/client-common, not the one @clickhouse/client exports (verified with chdb 3.4).

export interface EngineError {
  /** ClickHouse's numeric error code as text, e.g. `62`. */
  code: string
  /** ClickHouse's error name, e.g. `SYNTAX_ERROR`. */
  type: string | undefined
  message: string
}

export function engineError(err: unknown): EngineError | null {
  if (!(err instanceof Error) || err.constructor.name !== 'ClickHouseError') return null
  const { code, type } = err as Error & { code?: unknown; type?: unknown }
  if (typeof code !== 'string' || !/^\d+$/.test(code)) return null
  return { code, type: typeof type === 'string' ? type : undefined, message: err.message }
}
