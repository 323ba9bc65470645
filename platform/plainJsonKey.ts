// A memo key for a JSON value (a price definition read from jsonb, an API body): the value's
// JSON text, or undefined when the value is anything JSON text would not tell apart from another
// (undefined members or holes, -0, NaN, Infinity, a Date, a class instance, a function), so a
// memo over a parse never answers for a value the parse was not given. Two values with the same
// key are the same JSON (member order included: a different order is only a miss).
export function plainJsonKey(value: unknown): string | undefined {
  const parts: string[] = []
  return write(value, parts) ? parts.join('') : undefined
}

function write(value: unknown, out: string[]): boolean {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value))
      return true
    case 'boolean':
      out.push(value ? 'true' : 'false')
      return true
    case 'number':
      if (!Number.isFinite(value) || Object.is(value, -0)) return false
      out.push(String(value))
      return true
    case 'object': {
      if (value === null) {
        out.push('null')
        return true
      }
      if (Array.isArray(value)) {
        out.push('[')
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',')
          if (!(i in value) || !write(value[i], out)) return false
        }
        out.push(']')
        return true
      }
      const proto: unknown = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) return false
      out.push('{')
      let first = true
      for (const key of Object.keys(value)) {
        const desc = Object.getOwnPropertyDescriptor(value, key)!
        if (!('value' in desc) || desc.value === undefined) return false
        out.push(first ? '' : ',', JSON.stringify(key), ':')
        first = false
        if (!write(desc.value, out)) return false
      }
      // Symbol-keyed members are not JSON: no key.
      if (Object.getOwnPropertySymbols(value).length > 0) return false
      out.push('}')
      return true
    }
    default:
      return false
  }
}

/** Freezes a parsed value shared by a memo (plain objects and arrays, recursively), so no caller can change it for the next. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  const proto: unknown = Object.getPrototypeOf(value)
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value
  for (const v of Object.values(value)) deepFreeze(v)
  return Object.freeze(value)
}
