// Regressions found by the fuzz tests of this folder, each with the counterexample it found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { explainCommand } from '../../src/commands/explain.js';
import { parseAuthParams, parseOAuthError } from '../../src/protocol/oauth-error.js';
import { fuzzContext } from './fuzz-kit.js';

// ---- auth-params: quadratic on a long run of letters ------------------------------------

/** The auth-param reader as it was: tried at every position of a run of word characters. */
function parseAuthParamsBefore(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const name = m[1];
    if (name === undefined || Object.hasOwn(out, name)) continue;
    Object.defineProperty(out, name, { value: m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

test('regression: a response body of 100 000 letters is read in linear time (was quadratic: 59 988 "a" took 15 s in explain)', () => {
  // Fuzz counterexample: explain --status 400 --body "aaaa…a" (59 988 characters). Quadratic,
  // 100 000 letters took about 40 s; linear, a few milliseconds. The bound is far from both.
  for (const text of ['a'.repeat(100_000), `Bearer ${'x1_'.repeat(33_000)}`, `error=${'-'.repeat(50_000)}a${'b'.repeat(50_000)}`]) {
    const started = performance.now();
    parseOAuthError(text);
    parseAuthParams(text);
    const ms = performance.now() - started;
    assert.ok(ms < 3000, `${text.length} characters took ${Math.round(ms)} ms`);
  }
});

test('regression: explain of a 60 000-letter body answers in seconds', async () => {
  const started = performance.now();
  const report = await explainCommand(fuzzContext(), { status: 400, body: 'a'.repeat(60_000) });
  assert.equal(report.command, 'explain');
  const ms = performance.now() - started;
  assert.ok(ms < 5000, `took ${Math.round(ms)} ms`);
});

test('auth-params: the linear reader gives what the quadratic one gave, on any text of auth-param characters', () => {
  const piece = fc.constantFrom('a', 'Z', '_', '1', '-', '=', ' ', '\t', ',', '"', '\\', 'error', 'scope', '__proto__', 'é', ';');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), (text) => {
      assert.deepEqual(parseAuthParams(text), parseAuthParamsBefore(text));
    }),
    { numRuns: 3000 },
  );
});

test('regression: a challenge parameter named "__proto__" is a parameter (was: dropped, the assignment set no member)', () => {
  const params = parseAuthParams('__proto__="x", error="invalid_token"');
  assert.equal(Object.hasOwn(params, '__proto__'), true);
  assert.deepEqual(Object.keys(params), ['__proto__', 'error']);
  assert.equal(Object.getPrototypeOf(params), Object.prototype);
});
