// Live progress from a real trace with a stepped clock: one start and one end line per
// stage, ended when another stage starts, an event is recorded, narration moves on, or
// the run ends; a failed exchange marks its stage with the status or error code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeLiveProgress, progressWanted } from '../../src/cli/progress.js';
import { Trace } from '../../src/report/trace.js';

function setup(): { lines: string[]; trace: Trace; tick: (ms: number) => void; progress: ReturnType<typeof makeLiveProgress> } {
  const lines: string[] = [];
  let now = 1000;
  const progress = makeLiveProgress((t) => lines.push(t), () => now);
  const trace = new Trace();
  progress.watch(trace);
  return { lines, trace, tick: (ms) => void (now += ms), progress };
}

function exchange(trace: Trace, step: string, status: number | undefined, error?: 'connection-refused'): void {
  trace.addExchange({ step, request: { method: 'GET', url: 'http://127.0.0.1/x', headers: {} }, response: status === undefined ? undefined : { status, headers: {}, body: '' }, startedAt: new Date(0).toISOString(), durationMs: 1, error: error === undefined ? undefined : { code: error, message: 'refused' } });
}

test('concurrent exchanges of one stage are one step; the next stage ends it', () => {
  const { lines, trace, tick, progress } = setup();
  trace.exchangeStarting('discovery.smart-configuration');
  trace.exchangeStarting('discovery.metadata');
  tick(20);
  exchange(trace, 'discovery.smart-configuration', 200);
  tick(5);
  exchange(trace, 'discovery.metadata', 200);
  trace.exchangeStarting('discovery.jwks');
  tick(37);
  exchange(trace, 'discovery.jwks', 200);
  assert.deepEqual(lines, ['→ discovery …\n'], 'still open: nothing moved on');
  trace.exchangeStarting('token');
  tick(7);
  exchange(trace, 'token', 401);
  progress.finish();
  assert.deepEqual(lines, ['→ discovery …\n', '✓ discovery 62 ms\n', '→ token …\n', '✗ token HTTP 401, 7 ms\n']);
});

test('an event or narration ends an idle stage, not one with a request in flight; a network error is named', () => {
  const { lines, trace, tick, progress } = setup();
  trace.exchangeStarting('authorize.preflight');
  trace.addEvent({ at: new Date(0).toISOString(), name: 'browser-opened', message: 'x' });
  assert.deepEqual(lines, ['→ authorize …\n'], 'in flight: the event does not end it');
  tick(3);
  exchange(trace, 'authorize.preflight', 302);
  trace.addEvent({ at: new Date(0).toISOString(), name: 'callback', message: 'code received' });
  assert.equal(lines[1], '✓ authorize 3 ms\n');
  trace.exchangeStarting('fhir.probe');
  exchange(trace, 'fhir.probe', undefined, 'connection-refused');
  progress.settle();
  assert.equal(lines[3], '✗ fhir connection-refused, 0 ms\n');
  progress.finish();
  assert.equal(lines.length, 4, 'nothing is ended twice');
});

test('step names from servers cannot drive the terminal', () => {
  const { lines, progress } = setup();
  progress.start('evil\u001b]52;c;eA==\u0007');
  assert.equal(lines[0], '→ evil\\x1b]52;c;eA==\\x07 …\n');
});

test('only on two terminals, outside CI, without --json or --quiet', () => {
  const tty = { stdoutIsTTY: true, stderrIsTTY: true, json: false, quiet: false, ci: false };
  assert.equal(progressWanted(tty), true);
  for (const off of [{ stdoutIsTTY: false }, { stderrIsTTY: false }, { json: true }, { quiet: true }, { ci: true }]) assert.equal(progressWanted({ ...tty, ...off }), false, JSON.stringify(off));
});
