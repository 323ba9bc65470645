// The live tail of the usage page: asks the events API (through the console's /console/api door,
// with the session cookie) for the latest events, then every few seconds for those at or after
// the newest timestamp seen, and adds the ones not shown yet. Cells are set with textContent,
// so an event's data can never become markup.
const POLL_MS = 3000
const KEEP = 200

interface TailEvent {
  event_id: string
  raw_metric: string
  customer_id: string
  timestamp: string
  data: Record<string, unknown>
  source: string
}

const table = document.querySelector<HTMLTableElement>('#tail')
const status = document.querySelector<HTMLElement>('#tail-status')
if (table !== null && status !== null) {
  const body = table.tBodies[0]!
  const rawMetric = table.dataset.rawMetric ?? ''
  const seen = new Set<string>()
  let newest: string | null = null

  const row = (e: TailEvent): HTMLTableRowElement => {
    const tr = document.createElement('tr')
    tr.dataset.eventId = e.event_id
    for (const text of [e.timestamp.slice(0, 23).replace('T', ' '), e.raw_metric, e.customer_id, JSON.stringify(e.data), e.source]) {
      const td = document.createElement('td')
      td.textContent = text
      tr.append(td)
    }
    return tr
  }

  const poll = async (): Promise<void> => {
    const q = new URLSearchParams({ limit: newest === null ? '50' : '1000' })
    if (rawMetric !== '') q.set('raw_metric', rawMetric)
    if (newest !== null) q.set('from', newest)
    try {
      const res = await fetch(`/console/api/v1/events?${q}`, { headers: { accept: 'application/json' } })
      if (res.status === 401) {
        status.textContent = 'Signed out: sign in again to follow events.'
        return
      }
      const answer = (await res.json()) as { events?: TailEvent[]; error?: { message: string } }
      if (!res.ok || answer.events === undefined) throw new Error(answer.error?.message ?? `HTTP ${res.status}`)
      // Newest first: insert the oldest new one first so the newest ends on top.
      for (const e of [...answer.events].reverse()) {
        if (seen.has(e.event_id)) continue
        seen.add(e.event_id)
        body.prepend(row(e))
        if (newest === null || e.timestamp > newest) newest = e.timestamp
      }
      while (body.rows.length > KEEP) body.deleteRow(body.rows.length - 1)
      status.textContent = `Following: ${body.rows.length} events shown, checked at ${new Date().toISOString().slice(11, 19)} UTC.`
    } catch (err) {
      status.textContent = `Could not read events (${err instanceof Error ? err.message : String(err)}); trying again.`
    }
    setTimeout(() => void poll(), POLL_MS)
  }
  void poll()
}
