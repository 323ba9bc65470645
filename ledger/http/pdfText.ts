// Text for pdf-lib's standard fonts (invoicePdf.ts): what they can encode, and how a cell's text
// breaks into lines that fit a width. The standard fonts only encode WinAnsi, so every string
// goes through `encodable`; a line too long for its column wraps at spaces (or anywhere, for a
// word longer than the column), and a cell cut short ends in an ellipsis.
import type { PDFFont } from 'pdf-lib'

/** Typographic characters the HTML uses that WinAnsi lacks, and their nearest WinAnsi kin. */
const SUBSTITUTES: Record<string, string> = { '\u2212': '-', '\u00a0': ' ', '\u2009': ' ', '\u202f': ' ', '\t': ' ', '\n': ' ', '\r': ' ' }

export interface Fonts {
  regular: PDFFont
  bold: PDFFont
  /** WinAnsi code points both fonts can draw. */
  charset: Set<number>
}

/** `text` with every character the standard fonts cannot encode replaced by '?'. */
export function encodable(fonts: Fonts, text: string): string {
  let out = ''
  for (const ch of text) {
    const c = SUBSTITUTES[ch] ?? ch
    out += fonts.charset.has(c.codePointAt(0)!) ? c : '?'
  }
  return out
}

/** Word-wraps encodable text to `width`; a word wider than that (an id, a URL) breaks between characters. */
function breakLines(text: string, fits: (s: string) => boolean): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`
    if (fits(candidate)) {
      line = candidate
      continue
    }
    if (line !== '') lines.push(line)
    line = word
    while (!fits(line)) {
      let cut = Math.max(1, line.length - 1)
      while (cut > 1 && !fits(line.slice(0, cut))) cut--
      lines.push(line.slice(0, cut))
      line = line.slice(cut)
    }
  }
  if (line !== '') lines.push(line)
  return lines
}

/**
 * At most `maxLines` lines of `text` and then `tail` (e.g. "(tier 2)"); when they do not fit,
 * the text is cut with "…" and the tail still ends the last line.
 */
export function wrap(text: string, font: PDFFont, size: number, width: number, maxLines: number, tail = ''): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width
  const all = breakLines(tail === '' ? text : `${text} ${tail}`, fits)
  if (all.length <= maxLines) return all
  const lines = breakLines(text, fits)
  const kept = lines.slice(0, maxLines)
  const ending = tail === '' ? '…' : `… ${tail}`
  let last = `${kept[maxLines - 1] ?? ''} ${lines[maxLines] ?? ''}`
  while (last.length > 0 && !fits(`${last.trimEnd()}${ending}`)) last = last.slice(0, -1)
  kept[maxLines - 1] = `${last.trimEnd()}${ending}`
  return kept
}
