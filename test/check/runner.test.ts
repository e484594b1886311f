// The runner on its own, with tests as plain values: selection, skips for unmet needs,
// the concurrency bound, result order, a thrown error failing only its test, and the
// diagnosis added to failures only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runTests, selectTests, summarize } from '../../src/check/runner.js';
import type { CheckTest, Need, Verdict } from '../../src/check/types.js';
import { networkError } from '../../src/errors.js';
import { makeFinding } from '../../src/report/finding.js';

function value(id: string, group: CheckTest['group'], run: () => Promise<Verdict>, needs: Need[] = []): CheckTest {
  return { id, group, title: `title of ${id}`, spec: 'smart-discovery', needs, run };
}

const options = (available: Need[], concurrency = 4): Parameters<typeof runTests>[1] => ({ inputs: {}, available: new Set(available), concurrency, timeoutMs: 1000, insecure: false, now: () => new Date('2026-01-01T00:00:00Z'), clock: () => performance.now() });

describe('check runner', () => {
  it('--only keeps groups, --skip drops ids, in list order', () => {
    const tests = [value('a', 'discovery', async () => ({ outcome: 'pass' })), value('b', 'hardening', async () => ({ outcome: 'pass' })), value('c', 'discovery', async () => ({ outcome: 'pass' }))];
    assert.deepEqual(selectTests(tests, ['discovery'], []).map((t) => t.id), ['a', 'c']);
    assert.deepEqual(selectTests(tests, [], ['c']).map((t) => t.id), ['a', 'b']);
  });

  it('skips a test whose needs are not met, with the reason, without running it', async () => {
    let ran = false;
    const [r] = await runTests([value('x', 'backend-services', async () => ((ran = true), { outcome: 'pass' }), ['backend-client'])], options([]));
    assert.equal(ran, false);
    assert.equal(r?.result, 'skip');
    assert.match(r?.reason ?? '', /--backend-client-id and --backend-key/);
  });

  it('never runs more tests at once than the bound, and returns results grouped in list order', async () => {
    let running = 0;
    let peak = 0;
    const slow = (id: string, group: CheckTest['group']): CheckTest =>
      value(id, group, async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 15));
        running--;
        return { outcome: 'pass' };
      });
    const tests = [slow('h1', 'hardening'), slow('d1', 'discovery'), slow('h2', 'hardening'), slow('d2', 'discovery'), slow('h3', 'hardening'), slow('d3', 'discovery'), slow('r1', 'refresh')];
    const results = await runTests(tests, options([], 3));
    assert.equal(peak, 3);
    assert.deepEqual(results.map((r) => r.id), ['d1', 'd2', 'd3', 'r1', 'h1', 'h2', 'h3']);
  });

  it('a network error fails only its test (check-request-failed); an untyped one is reported as a bug (check-internal-error)', async () => {
    const results = await runTests(
      [
        value('net', 'discovery', async () => Promise.reject(networkError('connection-refused', 'connection to x refused'))),
        value('bug', 'discovery', async () => Promise.reject(new TypeError('boom'))),
        value('ok', 'discovery', async () => ({ outcome: 'pass' })),
      ],
      options([]),
    );
    assert.deepEqual(results.map((r) => [r.id, r.result, r.findings[0]?.id]), [['net', 'fail', 'check-request-failed'], ['bug', 'fail', 'check-internal-error'], ['ok', 'pass', undefined]]);
    assert.deepEqual(summarize(results), { passed: 1, failed: 2, warned: 0, skipped: 0 });
  });

  it("a failure's own error becomes a root cause; a warning is left as the test gave it", async () => {
    const f = makeFinding({ id: 'own-error', severity: 'error', title: 't', detail: 'd' });
    const w = makeFinding({ id: 'own-warning', severity: 'warning', title: 't', detail: 'd' });
    const [failed, warned] = await runTests([value('f', 'discovery', async () => ({ outcome: 'fail', findings: [f] })), value('w', 'discovery', async () => ({ outcome: 'warn', findings: [w] }))], options([]));
    assert.equal(failed?.findings[0]?.id, 'own-error');
    assert.equal(failed?.findings[0]?.role, 'root-cause');
    assert.deepEqual(warned?.findings, [w]);
  });
});
