// `n` api_calls events of a customer in a month of 2024, one a day at noon over days 1–28 (the
// 29th event falls on the 1st again), each with an event id of its own.
export function apiCallEvents(customer: string, month: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    raw_metric: 'api_calls',
    customer_id: customer,
    timestamp: `2024-${month}-${String(1 + (i % 28)).padStart(2, '0')} 12:00:00.000`,
    event_id: `${customer}-${month}-${i}`,
    data: {},
  }))
}
