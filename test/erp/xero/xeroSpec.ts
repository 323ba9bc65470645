// Xero's official OpenAPI document (spec/xero_accounting.yaml, MIT, spec/LICENSE) as a request
// validator: every write operation's body, header and query parameters are checked with ajv
// against the operation's own schemas, $refs resolved inside the document.
//
// Quirks of the document, and what is done about each (README "The test server"):
// - OpenAPI keywords ajv does not know (`externalDocs`, `example`, `x-*`) and boolean defaults
//   written as strings (`default: "false"`): ajv runs with `strict: false`, which ignores them.
// - `$ref` with a sibling `type` (`LineAmountTypes`, `CurrencyCode`): both are applied; they agree.
// - formats `double`, `int32`, `uuid`, `date`, `date-time`, `byte`, `binary`: from ajv-formats.
// - No schema says `additionalProperties: false`, and Xero ignores elements it does not know, so a
//   misspelt field would vanish silently. Tightened here: every object schema with properties
//   refuses unknown ones (a wall Xero does not have, never a relaxation).
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { parse } from 'yaml'

const SPEC = new URL('./spec/xero_accounting.yaml', import.meta.url)
const SCHEMA_ID = 'xero'

interface Parameter {
  in: 'header' | 'query' | 'path'
  name: string
  required?: boolean
  schema: Record<string, unknown>
  $ref?: string
}

interface RequestBody {
  $ref?: string
  content?: Record<string, { schema: { $ref?: string } }>
}

interface Operation {
  template: string
  pattern: RegExp
  method: string
  /** The body schema's $ref, compiled on first use (the document has ~250 operations). */
  bodyRef: string | null
  parameters: Parameter[]
}

export interface XeroSpec {
  /** The operation a request is for, or null when the document has no such operation. */
  operation(method: string, path: string): { template: string; pathParams: Record<string, string> } | null
  /** Xero-style messages for what is wrong with the request; empty when it is valid. */
  check(input: { method: string; path: string; query: URLSearchParams; headers: Record<string, string | string[] | undefined>; body: unknown }): string[]
}

export function loadXeroSpec(): XeroSpec {
  const doc = parse(readFileSync(SPEC, 'utf8')) as {
    paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: RequestBody }>>
    components: { schemas: Record<string, Record<string, unknown>>; parameters: Record<string, Parameter>; requestBodies: Record<string, RequestBody> }
  }
  for (const schema of Object.values(doc.components.schemas)) {
    if (schema.type === 'object' && schema.properties) schema.additionalProperties = false
  }
  const ajv = new Ajv({ strict: false, allErrors: true })
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv
  addFormats(ajv)
  ajv.addSchema({ $id: SCHEMA_ID, components: doc.components })
  const coercing = addFormats(new Ajv({ strict: false, coerceTypes: true }))
  const deref = (p: Parameter): Parameter => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()!]! : p)

  const operations: Operation[] = []
  for (const [template, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters as Parameter[] | undefined) ?? []
    for (const [method, op] of Object.entries(item)) {
      if (!['put', 'post'].includes(method)) continue
      const requestBody = op.requestBody?.$ref ? doc.components.requestBodies[op.requestBody.$ref.split('/').pop()!] : op.requestBody
      const bodyRef = requestBody?.content?.['application/json']?.schema.$ref ?? null
      const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`)
      operations.push({ template, pattern, method: method.toUpperCase(), bodyRef, parameters: [...shared, ...(op.parameters ?? [])].map(deref) })
    }
  }

  const compiled = new Map<string, ValidateFunction>()
  function bodyValidator(ref: string): ValidateFunction {
    let validate = compiled.get(ref)
    if (!validate) compiled.set(ref, (validate = ajv.compile({ $ref: `${SCHEMA_ID}${ref}` })))
    return validate
  }

  function find(method: string, path: string) {
    for (const op of operations) {
      const match = op.method === method ? op.pattern.exec(path) : null
      if (match) return { op, pathParams: { ...match.groups } }
    }
    return null
  }

  return {
    operation(method, path) {
      const found = find(method, path)
      return found && { template: found.op.template, pathParams: found.pathParams }
    },
    check({ method, path, query, headers, body }) {
      const found = find(method, path)
      if (!found) return [`${method} ${path} is not an operation of the Xero Accounting API`]
      const problems: string[] = []
      for (const p of found.op.parameters) {
        if (p.in === 'path') continue
        const raw = p.in === 'header' ? headers[p.name.toLowerCase()] : (query.get(p.name) ?? undefined)
        if (raw === undefined) {
          if (p.required) problems.push(`${p.in} parameter ${p.name} is required`)
          continue
        }
        const holder = { value: raw }
        if (!coercing.validate({ type: 'object', properties: { value: p.schema } }, holder))
          problems.push(`${p.in} parameter ${p.name} ${coercing.errorsText()}`)
      }
      const validate = found.op.bodyRef ? bodyValidator(found.op.bodyRef) : null
      if (validate && !validate(body)) {
        for (const e of validate.errors ?? [])
          problems.push(`body${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`)
      }
      return problems
    },
  }
}
