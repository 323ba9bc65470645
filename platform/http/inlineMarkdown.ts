// The Markdown the API's descriptions use, as HTML for /docs: `code`, **bold**, [links](url) and
// paragraphs (a blank line). Everything is escaped first, so a description can never inject
// markup; a link keeps only http(s), relative and fragment addresses.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

const SAFE_URL = /^(https?:\/\/|\/|#|\.\.?\/)/

/** One paragraph's inline Markdown; code spans first, so `**` or `[` inside code stay literal. */
function inline(text: string): string {
  const parts = text.split(/(`[^`]+`)/)
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) => (SAFE_URL.test(url) ? `<a href="${url}">${label}</a>` : whole))
    })
    .join('')
}

/** Inline Markdown of one line (a summary, a parameter): no paragraph around it. */
export function inlineMarkdown(text: string): string {
  return inline(text.replace(/\s*\n\s*/g, ' '))
}

/** A description with paragraphs: each block separated by a blank line becomes a `<p>`. */
export function markdownParagraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map((block) => `<p>${inlineMarkdown(block)}</p>`)
    .join('')
}
