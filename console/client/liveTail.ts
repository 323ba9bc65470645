// The live tail of the usage page: asks the events API (through the console's /console/api door,
// with the session cookie) for the latest events, then every few seconds for those stored since
// the newest storing time seen (`ingested_from`, less a minute for gateways whose clocks differ),
// whatever their timestamps, so an event arriving late with an older timestamp still shows; it
// adds the ones not shown yet, on top, in arrival order. Cells are set with textContent, so an
// event's data can never become markup.
const POLL_MS = 3000
const KEEP = 200
/** How far before the newest storing time seen each poll starts (events are de-duplicated by id). */
const SKEW_MS = 60_000

interface TailEvent {
  event_id: string
  raw_metric: string
  customer_id: string
  timestamp: string
  data: Record<string, unknown>
  ingested_at: string
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
    if (newest !== null) q.set('ingested_from', new Date(Date.parse(newest) - SKEW_MS).toISOString())
    try {
      const res = await fetch(`/console/api/v1/events?${q}`, { headers: { accept: 'application/json' } })
      if (res.status === 401) {
        status.textContent = 'Signed out: sign in again to follow events.'
        return
      }
      const answer = (await res.json()) as { events?: TailEvent[]; error?: { message: string } }
      if (!res.ok || answer.events === undefined) throw new Error(answer.error?.message ?? `HTTP ${res.status}`)
      // Insert the earliest stored first, so the latest to arrive ends on top.
      const arrived = [...answer.events].reverse().sort((a, b) => (a.ingested_at < b.ingested_at ? -1 : a.ingested_at > b.ingested_at ? 1 : 0))
      for (const e of arrived) {
        if (seen.has(e.event_id)) continue
        seen.add(e.event_id)
        body.prepend(row(e))
        if (newest === null || e.ingested_at > newest) newest = e.ingested_at
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
