// A self-contained reference page rendered from the OpenAPI document: no scripts or assets
// from other hosts, so it works on an air-gapped machine. Descriptions are Markdown (rendered by
// inlineMarkdown.ts, escaped first); each operation has a "Try it" form that /docs/try.js sends.
import { escapeHtml as escape, inlineMarkdown, markdownParagraphs } from './inlineMarkdown.ts'

interface Parameter {
  name?: string
  in?: string
  required?: boolean
  description?: string
  $ref?: string
}

interface Operation {
  summary?: string
  tags?: string[]
  parameters?: Parameter[]
  requestBody?: { content: Record<string, { schema?: unknown; example?: unknown }> }
  responses?: Record<string, { description: string }>
}

/** Content-Security-Policy of /docs: its own script and stylesheet only, requests to itself. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

function tryForm(input: { id: string; method: string; path: string; params: Parameter[]; body?: [string, { example?: unknown }] | undefined }): string {
  const fields = input.params
    .filter((p) => p.name !== undefined && (p.in === 'path' || p.in === 'query'))
    .map((p, i) => {
      const id = `${input.id}-p${i}`
      return `<p><label for="${id}">${escape(p.name!)} <small>(${p.in}${p.required ? ', required' : ''})</small></label><input id="${id}" name="${escape(p.name!)}" data-in="${p.in}"${p.required ? ' required' : ''}></p>`
    })
    .join('')
  const body =
    input.body === undefined
      ? ''
      : `<p><label for="${input.id}-body">Body (${escape(input.body[0])})</label><textarea id="${input.id}-body" name="body" rows="6" data-type="${escape(input.body[0])}">${escape(input.body[1].example === undefined ? '' : JSON.stringify(input.body[1].example, null, 2))}</textarea></p>`
  return (
    `<details><summary>Try it</summary><form class="try" data-method="${input.method.toUpperCase()}" data-path="${escape(input.path)}">${fields}${body}` +
    `<p><button type="submit">Send ${input.method.toUpperCase()} ${escape(input.path)}</button></p><pre class="out" aria-live="polite"></pre></form></details>`
  )
}

export function docsPage(openapi: Record<string, unknown>): string {
  const info = openapi.info as { title: string; version: string; description: string }
  const paths = openapi.paths as Record<string, Record<string, Operation>>
  const sections: string[] = []
  let n = 0
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const id = `op${n++}`
      const params = (op.parameters ?? [])
        .filter((p) => p.name)
        .map(
          (p) =>
            `<li><code>${escape(p.name!)}</code> (${p.in}${p.required ? ', required' : ''})${p.description ? ' — ' + inlineMarkdown(p.description) : ''}</li>`,
        )
        .join('')
      const contents = Object.entries(op.requestBody?.content ?? {})
      const bodies = contents
        .map(([type, b]) => `<p>Body <code>${escape(type)}</code></p><pre>${escape(JSON.stringify(b.example ?? b.schema ?? {}, null, 2))}</pre>`)
        .join('')
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><code>${status}</code> ${inlineMarkdown(r.description)}</li>`)
        .join('')
      sections.push(
        `<section aria-labelledby="${id}"><h2 id="${id}"><span class="m">${method.toUpperCase()}</span> <code>${escape(path)}</code></h2>` +
          `<p>${inlineMarkdown(op.summary ?? '')}</p>${params ? `<ul>${params}</ul>` : ''}${bodies}<ul>${responses}</ul>` +
          `${tryForm({ id, method, path, params: op.parameters ?? [], body: contents.find(([type]) => type.includes('json')) ?? contents[0] })}</section>`,
      )
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{background:#222;color:#fff;padding:0 .4rem;border-radius:3px;font-size:.8em}
pre{background:#f6f6f6;padding:.6rem;overflow:auto;font-size:.85em}code{background:#f0f2f4;padding:0 .2em;border-radius:3px}
label{display:block;font-weight:600}input,textarea{font:inherit;width:100%;padding:.3rem;border:1px solid #8a94a3;border-radius:4px}
textarea{font-family:ui-monospace,monospace;font-size:.85em}button{font:inherit;font-weight:600;padding:.35rem .9rem;border-radius:5px;border:1px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer}
summary{cursor:pointer;color:#0b57d0;font-weight:600}:focus-visible{outline:3px solid #e8a200;outline-offset:2px}.key{background:#f4f6f8;padding:.6rem 1rem;border-radius:6px}</style>
<script type="module" src="/docs/try.js"></script></head>
<body><h1>${escape(info.title)} <small>${escape(info.version)}</small></h1>${markdownParagraphs(info.description)}
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Authenticate with <code>authorization: Bearer &lt;key&gt;</code>.</p>
<div class="key"><label for="try-key">API key for “Try it”</label><input id="try-key" type="password" autocomplete="off" aria-describedby="try-key-help"><small id="try-key-help">Kept in this page only; each request goes to this server with it.</small></div>
${sections.join('\n')}</body></html>`
}
