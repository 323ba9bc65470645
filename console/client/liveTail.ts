// The live tail of the usage page: asks the events API (through the console's /console/api door,
// with the session cookie) for the latest events, then every few seconds for those stored since
// the newest storing time seen (`ingested_from`, less a minute for gateways whose clocks differ),
// whatever their timestamps, so an event arriving late with an older timestamp still shows. It
// reads them in storing order (`order=stored`), a page of 1,000 after another by `next_cursor`
// until caught up, so a burst of any size is read whole; a backlog longer than MAX_PAGES pages
// goes on from its cursor at the next poll. It adds the events not shown yet, the latest to
// arrive on top, keeps the last KEEP rows and counts every event received. Cells are set with
// textContent, so an event's data can never become markup.
const POLL_MS = 3000
const KEEP = 200
const PAGE = '1000'
/** Pages one poll reads at most. */
const MAX_PAGES = 20
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

interface EventPage {
  events?: TailEvent[]
  next_cursor?: string | null
  error?: { message: string }
}

class SignedOut extends Error {}

const table = document.querySelector<HTMLTableElement>('#tail')
const status = document.querySelector<HTMLElement>('#tail-status')
if (table !== null && status !== null) {
  const body = table.tBodies[0]!
  const rawMetric = table.dataset.rawMetric ?? ''
  /** The ids received, with their storing times (those older than any poll can read again are forgotten). */
  const seen = new Map<string, string>()
  let newest: string | null = null
  let received = 0
  /** Where an unfinished backlog goes on: its `ingested_from` and the cursor of its next page. */
  let backlog: { from: string; cursor: string } | null = null

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

  /** Adds the events not received yet, in the order given (the earliest stored first). */
  const add = (events: TailEvent[]) => {
    for (const e of events) {
      if (seen.has(e.event_id)) continue
      seen.set(e.event_id, e.ingested_at)
      received++
      body.prepend(row(e))
      if (newest === null || e.ingested_at > newest) newest = e.ingested_at
    }
    while (body.rows.length > KEEP) body.deleteRow(body.rows.length - 1)
  }

  const read = async (params: Record<string, string>): Promise<EventPage> => {
    const q = new URLSearchParams(params)
    if (rawMetric !== '') q.set('raw_metric', rawMetric)
    const res = await fetch(`/console/api/v1/events?${q}`, { headers: { accept: 'application/json' } })
    if (res.status === 401) throw new SignedOut()
    const answer = (await res.json()) as EventPage
    if (!res.ok || answer.events === undefined) throw new Error(answer.error?.message ?? `HTTP ${res.status}`)
    return answer
  }

  /** The events stored since the newest seen (less SKEW_MS), page after page until caught up or MAX_PAGES. */
  const catchUp = async (since: string) => {
    const from = backlog?.from ?? new Date(Date.parse(since) - SKEW_MS).toISOString()
    let cursor = backlog?.cursor ?? null
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const answer = await read({ order: 'stored', ingested_from: from, limit: PAGE, ...(cursor === null ? {} : { cursor }) })
      add(answer.events!)
      cursor = answer.next_cursor ?? null
      if (cursor === null) break
    }
    backlog = cursor === null ? null : { from, cursor }
    const forgetBefore = new Date(Date.parse(newest ?? since) - 2 * SKEW_MS).toISOString()
    for (const [id, at] of seen) if (at < forgetBefore) seen.delete(id)
  }

  const poll = async (): Promise<void> => {
    try {
      if (newest === null) {
        // The latest 50 by timestamp, the earliest stored inserted first so the latest to arrive ends on top.
        const latest = (await read({ limit: '50' })).events!
        add([...latest].reverse().sort((a, b) => (a.ingested_at < b.ingested_at ? -1 : a.ingested_at > b.ingested_at ? 1 : 0)))
      } else await catchUp(newest)
      const behind = backlog === null ? '' : ' (catching up)'
      status.textContent = `Following: ${received} events received, the latest ${body.rows.length} shown${behind}, checked at ${new Date().toISOString().slice(11, 19)} UTC.`
    } catch (err) {
      if (err instanceof SignedOut) {
        status.textContent = 'Signed out: sign in again to follow events.'
        return
      }
      status.textContent = `Could not read events (${err instanceof Error ? err.message : String(err)}); trying again.`
    }
    setTimeout(() => void poll(), POLL_MS)
  }
  void poll()
}
