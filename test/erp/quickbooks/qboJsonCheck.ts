// A QuickBooks Online JSON body checked against the XSD type it stands for (qboXsd.ts): every
// field is an element or attribute of the type or of a type it extends (unknown fields are
// refused, as QBO refuses them: "Property Name … specified is unsupported or invalid"),
// elements with maxOccurs > 1 are arrays and the others are not, required elements are present,
// at most one member of a choice appears, simple values have the XSD's lexical form (decimals
// are JSON numbers without exponent, dates YYYY-MM-DD, booleans, integers) and enumerations
// hold. Numbers are read twice: `plain` (JSON.parse) says a token is a number, `exact`
// (exactJson.ts) has its digits as sent.
import type { QboXsd } from './qboXsd.ts'

const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/
const DECIMAL = /^-?\d+(\.\d+)?$/
const INTEGER = /^-?\d+$/

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function checkQboJson(xsd: QboXsd, typeName: string, plain: unknown, exact: unknown): string[] {
  const problems: string[] = []

  function simple(typeName: string, plain: unknown, exact: unknown, path: string): void {
    const builtin = xsd.builtinOf(typeName)
    const enumeration = xsd.simple.get(typeName)?.enumeration
    const bad = (what: string): void => {
      problems.push(`${path}: ${what} (${typeName})`)
    }
    switch (builtin) {
      case 'xs:boolean':
        if (typeof plain !== 'boolean') bad('expected a boolean')
        return
      case 'xs:decimal':
      case 'xs:double':
        if (typeof plain !== 'number') return bad('expected a number')
        if (builtin === 'xs:decimal' && !DECIMAL.test(String(exact))) bad(`${String(exact)} is not an xs:decimal`)
        return
      case 'xs:int':
      case 'xs:integer':
      case 'xs:long':
      case 'xs:positiveInteger':
        if (typeof plain !== 'number' || !INTEGER.test(String(exact))) return bad('expected an integer')
        if (builtin === 'xs:positiveInteger' && !(plain > 0)) bad('expected a positive integer')
        return
      case 'xs:date':
        if (typeof plain !== 'string' || !DATE.test(plain) || Number.isNaN(Date.parse(`${plain}T00:00:00Z`))) bad('expected a date YYYY-MM-DD')
        return
      case 'xs:dateTime':
        if (typeof plain !== 'string' || !DATE_TIME.test(plain)) bad('expected a dateTime')
        return
      default:
        if (typeof plain !== 'string') return bad('expected a string')
        if (enumeration && !enumeration.includes(plain)) bad(`${JSON.stringify(plain)} is not one of ${enumeration.join(', ')}`)
    }
  }

  function complexValue(typeName: string, plain: unknown, exact: unknown, path: string): void {
    const type = xsd.complex.get(typeName)
    if (!type) return simple(typeName, plain, exact, path)
    if (type.open) return
    if (!isObject(plain) || !isObject(exact)) return void problems.push(`${path}: expected an object (${typeName})`)
    const attributes = xsd.attributesOf(typeName)
    if (type.simpleContent) {
      for (const key of Object.keys(plain)) {
        if (key !== 'value' && !attributes.includes(key)) problems.push(`Property Name:${path}.${key} specified is unsupported or invalid`)
      }
      if (plain.value === undefined) problems.push(`${path}.value is required`)
      else simple(type.simpleContent, plain.value, exact.value, `${path}.value`)
      return
    }
    const elements = xsd.elementsOf(typeName)
    const byName = new Map(elements.map((e) => [e.name, e]))
    for (const [key, value] of Object.entries(plain)) {
      const element = byName.get(key)
      if (!element) {
        if (!attributes.includes(key)) problems.push(`Property Name:${path}.${key} specified is unsupported or invalid`)
        continue
      }
      const at = `${path}.${key}`
      if (element.max > 1) {
        if (!Array.isArray(value)) {
          problems.push(`${at}: expected an array`)
          continue
        }
        if (value.length > element.max) problems.push(`${at}: at most ${element.max}`)
        value.forEach((item, i) => complexValue(element.type, item, (exact[key] as unknown[])[i], `${at}[${i}]`))
      } else if (Array.isArray(value)) problems.push(`${at}: expected one value, not an array`)
      else complexValue(element.type, value, exact[key], at)
    }
    for (const element of elements) {
      if (element.min > 0 && plain[element.name] === undefined) problems.push(`${path}.${element.name} is required`)
    }
    for (let t: typeof type | undefined = type; t; t = t.base ? xsd.complex.get(t.base) : undefined) {
      for (const choice of t.choices) {
        const present = choice.names.filter((n) => plain[n] !== undefined)
        if (present.length > 1) problems.push(`${path}: only one of ${present.join(', ')}`)
        if (present.length === 0 && choice.min > 0) problems.push(`${path}: one of ${choice.names.join(', ')} is required`)
      }
    }
  }

  complexValue(typeName, plain, exact, typeName)
  return problems
}
