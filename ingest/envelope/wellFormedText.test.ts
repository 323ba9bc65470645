import { describe, expect, it } from 'vitest'
import { parseJsonLossless } from './losslessJson.ts'
import { illFormedPath, isWellFormedText } from './wellFormedText.ts'

describe('well-formed event text', () => {
  it.each([
    ['plain', 'cust-1', true],
    ['accents and a pair', 'é😀', true],
    ['empty', '', true],
    ['lone high half', 'a\ud800b', false],
    ['lone low half', '\udc00', false],
    ['high half at the end', 'x\ud83d', false],
    ['halves reversed', '\ude00\ud83d', false],
    ['two highs then a low', '\ud83d\ud83d\ude00', false],
  ])('%s', (_name, text, ok) => {
    expect(isWellFormedText(text)).toBe(ok)
  })

  it('names where in an event’s data a lone surrogate is, keys included', () => {
    const data = parseJsonLossless('{"n":12.5,"ok":"😀","nested":{"list":["a",{"deep":"x\\ud800"}]}}')
    expect(illFormedPath(data)).toEqual(['nested', 'list', 1, 'deep'])
    expect(illFormedPath(parseJsonLossless('{"k\\udfff":"1"}'))).toEqual(['k\udfff'])
    expect(illFormedPath(parseJsonLossless('{"n":1e400,"ok":["😀",null,true]}'))).toBeNull()
  })
})
