// Whether each declared parameter's value (its default or a caller's override) is a value of
// its type, asked of ClickHouse itself before anything runs, one parameter a statement, so a
// bad value is a 400 that names the parameter rather than a failed query.
import type { ClickHouseHandle } from '../platform/clickhouse/openClickHouse.ts'
import { toClickHouseError } from '../platform/clickhouse/clickHouseErrors.ts'
import { engineError } from '../platform/clickhouse/engineError.ts'
import { ValidationError } from '../platform/errors.ts'
import type { DeclaredParameter } from './parameters.ts'
import { checkSettings, type SandboxLimits } from './sandbox.ts'

/** Throws ValidationError `invalid_parameter` (field `parameters.<name>`) for the first value ClickHouse cannot read as its type. */
export async function checkParameterValues(opts: {
  handle: ClickHouseHandle
  declared: readonly DeclaredParameter[]
  values: Record<string, unknown>
  limits: SandboxLimits
}): Promise<void> {
  for (const p of opts.declared) {
    try {
      // The type passed isAllowedParameterType when the version was parsed; the value is bound.
      await opts.handle.client
        .query({
          query: `SELECT {v:${p.type}} IS NULL AS n SETTINGS ${checkSettings(opts.limits)}`,
          query_params: { v: opts.values[p.name] },
          format: 'JSONEachRow',
        })
        .then((rs) => rs.json())
    } catch (err) {
      const engine = engineError(err)
      if (engine === null) throw toClickHouseError(err, 'parameter check')
      const message = `parameter ${p.name} is not a ${p.type}: ${JSON.stringify(opts.values[p.name])}`
      throw new ValidationError('invalid_parameter', message, [{ field: `parameters.${p.name}`, code: 'invalid_parameter', message }])
    }
  }
}
