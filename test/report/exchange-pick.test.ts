import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickExchanges } from '../../src/report/exchange-pick.js';
import type { Finding } from '../../src/report/finding.js';
import type { HttpExchange, TraceEntry } from '../../src/report/trace.js';

function exchange(id: number, status: number): HttpExchange {
  return { type: 'exchange', id, step: `s${id}`, request: { method: 'GET', url: `https://x.example/${id}`, headers: {} }, response: { status, headers: {}, body: '' }, startedAt: '2026-12-02T00:00:00.000Z', durationMs: 1 };
}

test('all exchanges when they fit; else the named ones, the failed ones, then the first, in trace order', () => {
  const few: TraceEntry[] = [exchange(1, 200), { type: 'event', id: 2, name: 'e', at: '2026-12-02T00:00:00.000Z', message: 'm' }, exchange(3, 500)];
  assert.deepEqual(pickExchanges(few, [], 5).map((e) => e.id), [1, 3]);
  const many = Array.from({ length: 100 }, (_, i) => exchange(i + 1, i + 1 === 80 ? 401 : 200));
  const findings = [{ id: 'f', severity: 'error', title: 't', detail: 'd', exchanges: [95] } as Finding];
  const picked = pickExchanges(many, findings, 5).map((e) => e.id);
  assert.deepEqual(picked, [1, 2, 3, 80, 95]);
  assert.equal(pickExchanges(many, [], 60).length, 60);
});
