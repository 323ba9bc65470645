// The script of /docs's "Try it" forms, served by Tally at /docs/try.js (the page allows scripts
// from itself only). It sends the form's request to this server with the key typed at the top of
// the page (kept in the page, never stored) and shows the status and the answer as text.
export const DOCS_TRY_SCRIPT = `
const key = document.getElementById('try-key')
document.addEventListener('submit', async (event) => {
  const form = event.target.closest('form.try')
  if (form === null) return
  event.preventDefault()
  let path = form.dataset.path
  const query = new URLSearchParams()
  for (const input of form.querySelectorAll('[data-in]')) {
    const value = input.value.trim()
    if (value === '') continue
    if (input.dataset.in === 'path') path = path.replace('{' + input.name + '}', encodeURIComponent(value))
    else query.set(input.name, value)
  }
  const body = form.querySelector('textarea[name="body"]')
  const sendBody = body !== null && body.value.trim() !== ''
  const headers = { accept: 'application/json' }
  if (key.value.trim() !== '') headers.authorization = 'Bearer ' + key.value.trim()
  if (sendBody) headers['content-type'] = body.dataset.type
  const out = form.querySelector('.out')
  out.textContent = 'Sending…'
  try {
    const res = await fetch(path + (query.size > 0 ? '?' + query : ''), { method: form.dataset.method, headers, body: sendBody ? body.value : undefined })
    const text = await res.text()
    let shown = text
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2)
    } catch {}
    out.textContent = res.status + ' ' + res.statusText + '\\n' + shown
  } catch (err) {
    out.textContent = 'The request failed: ' + err.message
  }
})
`
