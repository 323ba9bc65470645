// Intuit's published XSD types for the QuickBooks Online v3 API (spec/Finance.xsd with the
// IntuitBaseTypes.xsd and IntuitNamesTypes.xsd it includes; Apache-2.0, spec/LICENSE.txt) read
// into a model of each complex type: its elements (type, minOccurs, maxOccurs) with those of
// its extension bases, its choices, its attributes, its simple content. qboJsonSchema.ts checks
// a JSON body against it. QBO's JSON names its fields after the XSD's elements and attributes;
// a simple-content type (ReferenceType) is an object whose text is `value`.
//
// Read with fast-xml-parser: the XSDs are data here, never executed. What the loader does not
// model, because no type Tally sends uses it: substitution groups, xs:group references (one,
// in Finance.xsd's TxnReferenceGroup), restrictions of complex types, facets other than
// enumerations.
import { readFileSync } from 'node:fs'
import { XMLParser } from 'fast-xml-parser'

const SPEC_FILES = ['IntuitBaseTypes.xsd', 'IntuitNamesTypes.xsd', 'Finance.xsd']

export interface XsdElement {
  name: string
  /** A complex type's name, a simple type's name, or an XSD built-in (`xs:decimal`). */
  type: string
  min: number
  /** Infinity for unbounded. */
  max: number
}

export interface XsdComplexType {
  name: string
  base: string | null
  abstract: boolean
  /** Its own elements in order, sequence and choice members alike (choices also in `choices`). */
  elements: XsdElement[]
  /** Each choice: the names of which at most one may appear (and one must, when `min` is 1). */
  choices: { names: string[]; min: number }[]
  attributes: string[]
  /** For simple content (`ReferenceType`): the base simple type of `value`. */
  simpleContent: string | null
  /** xs:any inside: anything goes (IntuitAnyType, the `…Ex` extension points). */
  open: boolean
}

export interface XsdSimpleType {
  name: string
  base: string
  enumeration: string[] | null
}

export interface QboXsd {
  complex: Map<string, XsdComplexType>
  simple: Map<string, XsdSimpleType>
  /** The elements of a complex type and of every type it extends, base first. */
  elementsOf(typeName: string): XsdElement[]
  /** The attributes of a complex type and of every type it extends. */
  attributesOf(typeName: string): string[]
  /** The XSD built-in a simple type restricts in the end (`id` → `xs:string`). */
  builtinOf(typeName: string): string
}

type Node = Record<string, unknown>

const list = (value: unknown): Node[] => (value === undefined ? [] : Array.isArray(value) ? (value as Node[]) : [value as Node])
const occurs = (value: unknown, fallback: number) => (value === undefined ? fallback : value === 'unbounded' ? Infinity : Number(value))

export function loadQboXsd(dir: URL = new URL('./spec/', import.meta.url)): QboXsd {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: false, isArray: () => false })
  const complex = new Map<string, XsdComplexType>()
  const simple = new Map<string, XsdSimpleType>()
  for (const file of SPEC_FILES) {
    const schema = (parser.parse(readFileSync(new URL(file, dir), 'utf8')) as Node)['xs:schema'] as Node
    for (const st of list(schema['xs:simpleType'])) {
      const restriction = st['xs:restriction'] as Node
      const enums = list(restriction['xs:enumeration']).map((e) => String(e['@value']))
      simple.set(String(st['@name']), { name: String(st['@name']), base: String(restriction['@base']), enumeration: enums.length ? enums : null })
    }
    for (const ct of list(schema['xs:complexType'])) complex.set(String(ct['@name']), complexTypeOf(ct))
  }

  function elementsOf(typeName: string): XsdElement[] {
    const type = complex.get(typeName)
    if (!type) return []
    return [...(type.base ? elementsOf(type.base) : []), ...type.elements]
  }

  function attributesOf(typeName: string): string[] {
    const type = complex.get(typeName)
    if (!type) return []
    return [...(type.base ? attributesOf(type.base) : []), ...type.attributes]
  }

  function builtinOf(typeName: string): string {
    let name = typeName
    for (let seen = 0; !name.startsWith('xs:') && seen < 20; seen++) name = simple.get(name)?.base ?? 'xs:string'
    return name
  }

  return { complex, simple, elementsOf, attributesOf, builtinOf }
}

function complexTypeOf(ct: Node): XsdComplexType {
  const type: XsdComplexType = {
    name: String(ct['@name']),
    base: null,
    abstract: ct['@abstract'] === 'true',
    elements: [],
    choices: [],
    attributes: [],
    simpleContent: null,
    open: false,
  }
  const simpleExt = (ct['xs:simpleContent'] as Node | undefined)?.['xs:extension'] as Node | undefined
  if (simpleExt) {
    type.simpleContent = String(simpleExt['@base'])
    type.attributes = list(simpleExt['xs:attribute']).map((a) => String(a['@name']))
    return type
  }
  const ext = (ct['xs:complexContent'] as Node | undefined)?.['xs:extension'] as Node | undefined
  const body = ext ?? ct
  if (ext) type.base = String(ext['@base'])
  type.attributes = list(body['xs:attribute']).map((a) => String(a['@name']))
  collect(type, body)
  return type
}

/** The particles of a sequence (and nested sequences and choices) into `type`. */
function collect(type: XsdComplexType, holder: Node): void {
  for (const seq of list(holder['xs:sequence'])) {
    if (seq['xs:any'] !== undefined) type.open = true
    for (const el of list(seq['xs:element'])) type.elements.push(elementOf(el))
    for (const choice of list(seq['xs:choice'])) {
      const members = list(choice['xs:element']).map(elementOf)
      type.elements.push(...members.map((m) => ({ ...m, min: 0 })))
      // A choice may be left empty when it says so, or when one of its members may be absent.
      const min = Math.min(occurs(choice['@minOccurs'], 1), ...members.map((m) => m.min))
      type.choices.push({ names: members.map((m) => m.name), min })
      collect(type, choice)
    }
    collect(type, seq)
  }
}

function elementOf(el: Node): XsdElement {
  return {
    name: String(el['@name'] ?? el['@ref']),
    // An element with an inline simple type (PriceLevel's Name) is read as a string.
    type: String(el['@type'] ?? el['@ref'] ?? 'xs:string'),
    min: occurs(el['@minOccurs'], 1),
    max: occurs(el['@maxOccurs'], 1),
  }
}
