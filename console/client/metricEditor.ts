// The billable-metric editor island: CodeMirror 6 over the page's SQL textarea (which stays the
// form field that is posted), validated as you type by the API's own validator, formatted by
// the API's formatter, and previewed for chosen customers and a period. Every call goes to
// /console/api/v1/... (the API with the session's key) with the page's CSRF token.
import { EditorView, basicSetup } from 'codemirror'
import { sql, StandardSQL } from '@codemirror/lang-sql'
import { forceLinting, linter, lintGutter, type Diagnostic } from '@codemirror/lint'
import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete'
import type { z } from 'zod'
import type { previewResponse, validateResponse } from '../../sql/http/metricSchemas.ts'

type Validation = z.infer<typeof validateResponse>
type Preview = z.infer<typeof previewResponse>
interface ApiError {
  error: {
    code: string
    message: string
    issues?: { line?: number; column?: number; message: string; code: string }[]
    details?: { field?: string; message?: string }[]
  }
}

const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? ''

async function callApi<T>(path: string, body: unknown): Promise<{ ok: true; body: T } | { ok: false; status: number; body: ApiError }> {
  const res = await fetch(`/console/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  })
  if (res.status === 401) {
    window.location.assign('/console/sign-in')
    return { ok: false, status: 401, body: { error: { code: 'console_signed_out', message: 'Signed out' } } }
  }
  const json = (await res.json().catch(() => ({ error: { code: 'http_error', message: `HTTP ${res.status}` } }))) as T | ApiError
  return res.ok ? { ok: true, body: json as T } : { ok: false, status: res.status, body: json as ApiError }
}

const form = document.getElementById('metric-form') as HTMLFormElement | null
const textarea = document.getElementById('customer-query') as HTMLTextAreaElement | null
const host = document.getElementById('sql-editor')
const panel = document.getElementById('validation')
if (form !== null && textarea !== null && host !== null && panel !== null) {
  const input = (id: string) => document.getElementById(id) as HTMLInputElement
  const rawMetrics = () =>
    input('metric-raw')
      .value.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
  const definition = (view: EditorView) => ({
    unit: input('metric-unit').value.trim() || 'unit',
    mode: 'sql',
    raw_metrics: rawMetrics(),
    customer_query: view.state.doc.toString(),
  })

  const known: string[] = JSON.parse(form.dataset.rawMetrics ?? '[]') as string[]
  const columns = ['customer_id', 'timestamp', 'event_id', 'data', 'fields']
  const schema = { raw: Object.fromEntries(known.map((name) => [name, columns])) }
  const PARAMETERS = [
    { label: '{customer_id:String}', detail: 'the customer being billed' },
    { label: '{period_start:DateTime64(3)}', detail: 'period start, inclusive' },
    { label: '{period_end:DateTime64(3)}', detail: 'period end, exclusive' },
  ]
  const parameterCompletion = (ctx: CompletionContext): CompletionResult | null => {
    const word = ctx.matchBefore(/\{[\w:()]*$/)
    if (word === null) return null
    return { from: word.from, options: PARAMETERS.map((p) => ({ ...p, type: 'variable' })) }
  }
  const sqlSupport = sql({ dialect: StandardSQL, schema, upperCaseKeywords: true })

  const showIssues = (report: Validation | null, error?: ApiError['error']) => {
    panel.replaceChildren()
    panel.className = 'validation'
    if (error !== undefined) {
      panel.classList.add('invalid')
      const p = document.createElement('p')
      const details = (error.details ?? []).map((d) => `${d.field ?? ''} ${d.message ?? ''}`.trim()).join('; ')
      p.textContent = `${error.message}${details === '' ? '' : `: ${details}`}`
      panel.append(p)
      return
    }
    if (report === null) return
    if (report.valid) {
      panel.classList.add('valid')
      const p = document.createElement('p')
      p.textContent = `Valid. Columns: ${report.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`
      panel.append(p)
      return
    }
    panel.classList.add('invalid')
    const list = document.createElement('ul')
    for (const i of report.issues) {
      const li = document.createElement('li')
      const where = i.line === undefined ? '' : `Line ${i.line}${i.column === undefined ? '' : `, column ${i.column}`}: `
      li.textContent = `${where}${i.message} `
      const code = document.createElement('code')
      code.textContent = i.code
      li.append(code)
      li.dataset.line = i.line === undefined ? '' : String(i.line)
      list.append(li)
    }
    panel.append(list)
  }

  const validate = linter(
    async (view): Promise<Diagnostic[]> => {
      const sent = view.state.doc
      const answer = await callApi<Validation>('/v1/billable-metrics/validate', definition(view))
      if (view.state.doc !== sent) return [] // typed on meanwhile: the next run reports
      if (!answer.ok) {
        showIssues(null, answer.body.error)
        return []
      }
      showIssues(answer.body)
      return answer.body.issues
        .filter((i) => i.query === 'customer_query')
        .map((i) => {
          const doc = view.state.doc
          const line = doc.line(Math.min(Math.max(i.line ?? 1, 1), doc.lines))
          const from = Math.min(line.from + Math.max((i.column ?? 1) - 1, 0), line.to)
          const to = Math.min(from + 1, line.to) > from ? Math.min(from + 1, line.to) : from
          return { from, to, severity: 'error', message: `${i.message} (${i.code})` }
        })
    },
    { delay: 350 },
  )

  const view = new EditorView({
    doc: textarea.value,
    parent: host,
    extensions: [
      basicSetup,
      sqlSupport,
      sqlSupport.language.data.of({ autocomplete: parameterCompletion }),
      validate,
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-labelledby': 'sql-label', 'aria-describedby': 'sql-help validation' }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) textarea.value = u.state.doc.toString()
      }),
    ],
  })
  // The label of the (now hidden) textarea moves focus into the editor.
  document.getElementById('sql-label')?.addEventListener('click', () => view.focus())
  for (const id of ['metric-raw', 'metric-unit']) input(id).addEventListener('change', () => forceLinting(view))

  document.getElementById('format-sql')?.addEventListener('click', async () => {
    const answer = await callApi<{ sql: string }>('/v1/billable-metrics/format', { sql: view.state.doc.toString() })
    if (!answer.ok) return showIssues(null, answer.body.error)
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: answer.body.sql } })
  })

  const previewForm = document.getElementById('preview-form') as HTMLFormElement | null
  const result = document.getElementById('preview-result')
  previewForm?.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (result === null) return
    result.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'Running…' }))
    const customers = input('preview-customers')
      .value.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    const base = { definition: definition(view), period_start: input('preview-start').value, period_end: input('preview-end').value }
    const answers = await Promise.all(
      (customers.length === 0 ? [undefined] : customers).map((customer_id) =>
        callApi<Preview>('/v1/billable-metrics/preview', customer_id === undefined ? base : { ...base, customer_id }),
      ),
    )
    const failed = answers.find((a) => !a.ok)
    if (failed !== undefined && !failed.ok) {
      const e = failed.body.error
      const p = document.createElement('p')
      p.className = 'notice error'
      const issues = (e.issues ?? []).map((i) => `${i.line === undefined ? '' : `line ${i.line}, column ${i.column ?? '?'}: `}${i.message}`).join('; ')
      p.textContent = `${e.message}${issues === '' ? '' : ` — ${issues}`} (${e.code})`
      result.replaceChildren(p)
      return
    }
    const previews = answers.flatMap((a) => (a.ok ? [a.body] : []))
    const rows = previews.flatMap((p) => p.customers)
    const stats = previews.reduce((s, p) => ({ rowsRead: s.rowsRead + p.stats.rows_read, elapsed: s.elapsed + p.stats.elapsed_ms }), {
      rowsRead: 0,
      elapsed: 0,
    })
    const table = document.createElement('table')
    table.innerHTML =
      '<caption>Quantities</caption><thead><tr><th scope="col">Customer</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Rows</th></tr></thead>'
    const body = document.createElement('tbody')
    for (const c of rows) {
      const tr = document.createElement('tr')
      for (const [text, cls] of [
        [c.customer_id, ''],
        [c.quantity, 'num'],
        [String(c.rows.length), 'num'],
      ] as const) {
        const td = document.createElement('td')
        td.textContent = text
        if (cls !== '') td.className = cls
        tr.append(td)
      }
      tr.dataset.customer = c.customer_id
      body.append(tr)
    }
    table.append(body)
    const summary = document.createElement('p')
    summary.className = 'stats'
    summary.textContent =
      `${rows.length} customer${rows.length === 1 ? '' : 's'} · ${stats.rowsRead} rows read · ${Math.round(stats.elapsed * 10) / 10} ms` +
      (previews.some((p) => p.truncated) ? ' · truncated' : '')
    result.replaceChildren(rows.length === 0 ? Object.assign(document.createElement('p'), { textContent: 'No usage in this period.' }) : table, summary)
  })
}
