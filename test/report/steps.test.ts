// Steps for --json: one per name, with status, times and exchange ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trace } from '../../src/report/trace.js';
import { stepsFromTrace } from '../../src/report/steps.js';

const STAGES = ['discovery', 'authorize', 'callback', 'token', 'fhir.probe'];

function trace(): Trace {
  const t = new Trace();
  const ex = (step: string, status: number, at: string, durationMs: number): void => {
    t.addExchange({ step, request: { method: 'GET', url: `https://ehr.example/${step}`, headers: {} }, response: { status, headers: {}, body: '' }, startedAt: at, durationMs });
  };
  ex('discovery.smart-configuration', 200, '2026-01-01T00:00:00.000Z', 10);
  ex('authorize', 302, '2026-01-01T00:00:01.000Z', 5);
  ex('authorize', 200, '2026-01-01T00:00:01.010Z', 20);
  ex('token', 400, '2026-01-01T00:00:02.000Z', 7);
  return t;
}

test('one step per name, in order, with its exchange ids and the time from first start to last end', () => {
  const steps = stepsFromTrace(trace().entries);
  assert.deepEqual(steps.map((s) => s.name), ['discovery.smart-configuration', 'authorize', 'token']);
  assert.deepEqual(steps[1], { name: 'authorize', status: 'ok', startedAt: '2026-01-01T00:00:01.000Z', durationMs: 30, exchanges: [2, 3] });
  assert.equal(steps[2]?.status, 'failed', 'an HTTP 400 answer fails the step');
});

test('a run stopped at token: token failed, the stages after it skipped, none before', () => {
  const steps = stepsFromTrace(trace().entries, { stoppedAt: 'token', stages: STAGES });
  assert.deepEqual(steps.map((s) => `${s.name}:${s.status}`), ['discovery.smart-configuration:ok', 'authorize:ok', 'token:failed', 'fhir.probe:skipped']);
  assert.deepEqual(steps[3], { name: 'fhir.probe', status: 'skipped', startedAt: null, durationMs: 0, exchanges: [] });
});

test('a stop in a stage with no exchange (the callback never came) is a failed step of its own', () => {
  const t = new Trace();
  t.addExchange({ step: 'authorize', request: { method: 'GET', url: 'https://ehr.example/authorize', headers: {} }, response: { status: 302, headers: {}, body: '' }, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 3 });
  const steps = stepsFromTrace(t.entries, { stoppedAt: 'callback', stages: STAGES });
  assert.deepEqual(steps.map((s) => `${s.name}:${s.status}`), ['authorize:ok', 'callback:failed', 'token:skipped', 'fhir.probe:skipped']);
});

test('discovery stopped: the last discovery.* step is the failed one', () => {
  const t = new Trace();
  t.addExchange({ step: 'discovery.smart-configuration', request: { method: 'GET', url: 'https://ehr.example/a', headers: {} }, response: { status: 404, headers: {}, body: '' }, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 3 });
  t.addExchange({ step: 'discovery.metadata', request: { method: 'GET', url: 'https://ehr.example/b', headers: {} }, response: { status: 200, headers: {}, body: '' }, startedAt: '2026-01-01T00:00:00.010Z', durationMs: 3 });
  const steps = stepsFromTrace(t.entries, { stoppedAt: 'discovery', stages: STAGES });
  assert.deepEqual(steps.map((s) => `${s.name}:${s.status}`), ['discovery.smart-configuration:failed', 'discovery.metadata:failed', 'authorize:skipped', 'callback:skipped', 'token:skipped', 'fhir.probe:skipped']);
});
