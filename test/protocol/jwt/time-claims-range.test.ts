// Regression: a time claim outside the range of a Date (exp -8.64e12) made lintTimeClaims throw
// RangeError "Invalid time value", so `smartctl decode` of such a token exited 70.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoTime, lintTimeClaims } from '../../../src/protocol/jwt/time-claims.js';

const NOW = new Date('2026-06-01T12:00:00Z');

test('regression: exp, nbf and iat outside the Date range are reported, not thrown', () => {
  const f = lintTimeClaims({ exp: -8640000000000.001, nbf: 9e15, iat: 9e15 }, NOW, 'id_token');
  assert.deepEqual(f.map((x) => x.id), ['jwt-expired', 'jwt-not-yet-valid', 'jwt-iat-in-future']);
  assert.match(f[0]?.detail ?? '', /outside the date range/);
  assert.equal(isoTime(0), '1970-01-01T00:00:00.000Z');
});

test('regression: smartctl decode of a token whose exp is outside the Date range exits 0 with a report, not 70', async () => {
  const { runCli } = await import('../../helpers/run-cli.js');
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const r = await runCli(['decode', `${part({ alg: 'RS256' })}.${part({ iss: 'a', exp: -8640000000000.001 })}.c2ln`]);
  assert.notEqual(r.code, 70, r.stderr);
  assert.match(r.stdout, /outside the date range/);
});
