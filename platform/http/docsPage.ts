// A self-contained reference page rendered from the OpenAPI document: no scripts or assets
// from other hosts, so it works on an air-gapped machine.

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}

interface Operation {
  summary?: string
  tags?: string[]
  parameters?: Array<{ name?: string; in?: string; required?: boolean; description?: string; $ref?: string }>
  requestBody?: { content: Record<string, { schema?: unknown; example?: unknown }> }
  responses?: Record<string, { description: string }>
}

export function docsPage(openapi: Record<string, unknown>): string {
  const info = openapi.info as { title: string; version: string; description: string }
  const paths = openapi.paths as Record<string, Record<string, Operation>>
  const sections: string[] = []
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? [])
        .filter((p) => p.name)
        .map((p) => `<li><code>${escape(p.name!)}</code> (${p.in}${p.required ? ', required' : ''})${p.description ? ' — ' + escape(p.description) : ''}</li>`)
        .join('')
      const bodies = Object.entries(op.requestBody?.content ?? {})
        .map(([type, b]) => `<p>Body <code>${escape(type)}</code></p><pre>${escape(JSON.stringify(b.example ?? b.schema ?? {}, null, 2))}</pre>`)
        .join('')
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><code>${status}</code> ${escape(r.description)}</li>`)
        .join('')
      sections.push(
        `<section><h2><span class="m">${method.toUpperCase()}</span> <code>${escape(path)}</code></h2>` +
          `<p>${escape(op.summary ?? '')}</p>${params ? `<ul>${params}</ul>` : ''}${bodies}<ul>${responses}</ul></section>`,
      )
    }
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{background:#222;color:#fff;padding:0 .4rem;border-radius:3px;font-size:.8em}
pre{background:#f6f6f6;padding:.6rem;overflow:auto;font-size:.85em}</style></head>
<body><h1>${escape(info.title)} <small>${escape(info.version)}</small></h1><p>${escape(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Authenticate with <code>authorization: Bearer &lt;key&gt;</code>.</p>
${sections.join('\n')}</body></html>`
}
