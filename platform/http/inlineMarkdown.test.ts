import { describe, expect, it } from 'vitest'
import { inlineMarkdown, markdownParagraphs } from './inlineMarkdown.ts'

describe('inlineMarkdown', () => {
  it('renders code spans, bold and links, escaping everything else', () => {
    expect(inlineMarkdown('`invoice_not_found` (also **another** org’s); see [pricing](/docs#pricing)')).toBe(
      '<code>invoice_not_found</code> (also <strong>another</strong> org’s); see <a href="/docs#pricing">pricing</a>',
    )
  })

  it('keeps Markdown inside code literal, and escapes markup in code and text', () => {
    expect(inlineMarkdown('`a **b** [c](d)` <script>')).toBe('<code>a **b** [c](d)</code> &lt;script&gt;')
    expect(inlineMarkdown('`<b>`')).toBe('<code>&lt;b&gt;</code>')
  })

  it('refuses a javascript: link (the text stays as written, escaped)', () => {
    expect(inlineMarkdown('[x](javascript:alert(1))')).toBe('[x](javascript:alert(1))')
  })

  it('makes paragraphs of blocks separated by a blank line, and joins lines inside one', () => {
    expect(markdownParagraphs('First `a`\nstill first\n\nSecond')).toBe('<p>First <code>a</code> still first</p><p>Second</p>')
  })
})
