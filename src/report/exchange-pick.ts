// Which exchanges of a long trace a report shows when it cannot show them all (explain --har
// on a browser's HAR of thousands of requests): the ones the findings name, then the ones
// that failed, then the rest from the start, up to `max`, in the trace's own order.
import type { Finding } from './finding.js';
import { isExchange, type HttpExchange, type TraceEntry } from './trace.js';

export function pickExchanges(entries: readonly TraceEntry[], findings: readonly Finding[], max: number): HttpExchange[] {
  const exchanges = entries.filter(isExchange);
  if (exchanges.length <= max) return exchanges;
  const named = new Set(findings.flatMap((f) => f.exchanges ?? []));
  const failed = (e: HttpExchange): boolean => e.error !== undefined || (e.response?.status ?? 0) >= 400;
  const chosen = new Set<HttpExchange>();
  for (const pass of [(e: HttpExchange) => named.has(e.id), failed, () => true]) {
    for (const e of exchanges) {
      if (chosen.size >= max) break;
      if (pass(e)) chosen.add(e);
    }
  }
  return exchanges.filter((e) => chosen.has(e));
}
