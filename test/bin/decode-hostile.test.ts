// decode on hostile tokens, the way a user runs it: a claim nested 100 000 deep, times
// beyond the range of dates, 300 000 claims, characters no bearer token holds. Each is
// a finding or an input error with its code, never an internal error (exit 70).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const jwt = (claims: string): string => `${b64('{"alg":"RS256","typ":"JWT","kid":"k"}')}.${b64(claims)}.c2ln`;
const nested = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
const ids = (doc: Record<string, unknown>): string[] => (doc['findings'] as Array<{ id: string }>).map((f) => f.id);

test('regression: claims nested 100 000 deep are a jwt-claims-too-deep finding, cut in both views (was exit 70)', async () => {
  const token = jwt(`{"sub":"x","a":${nested(100_000)}}`);
  const human = await runCli(['decode'], { stdin: token });
  assert.equal(human.code, 1, human.stderr);
  assert.match(human.stdout, /\[jwt-claims-too-deep\]/);
  assert.match(human.stdout, /nested deeper than 64 levels: not shown/);
  const json = await runCli(['decode', '--json'], { stdin: token });
  assert.equal(json.code, 1, json.stderr);
  assert.ok(ids(parseJsonOutput(json)).includes('jwt-claims-too-deep'));
});

test('regression: a token response nested 100 000 deep is an input error token-response-malformed (was exit 70)', async () => {
  const r = await runCli(['decode', '--json'], { stdin: `{"access_token":"abc","patient":${nested(100_000)}}` });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /nests JSON deeper than 64 levels/);
});

test('regression: exp 1e13 shows the number and a jwt-time-out-of-range finding (was "Invalid time value", exit 70)', async () => {
  const token = jwt(JSON.stringify({ sub: 'x', exp: 1e13, iat: 1e13, nbf: -1e13 }));
  const human = await runCli(['decode'], { stdin: token });
  assert.equal(human.code, 1, human.stderr);
  assert.match(human.stdout, /exp {2}10000000000000 {2}\(outside the range of dates\)/);
  const doc = parseJsonOutput(await runCli(['decode', '--json'], { stdin: token }));
  assert.deepEqual(ids(doc).filter((id) => id === 'jwt-time-out-of-range').length, 3);
  assert.ok(!ids(doc).includes('jwt-claim-type'), 'a number out of range is still a number');
});

test('regression: a JWT with 300 000 claims renders cut with a count (was a stack overflow in Math.max(...rows))', async () => {
  const claims: Record<string, number> = {};
  for (let i = 0; i < 300_000; i++) claims[`c${i}`] = i;
  const token = jwt(JSON.stringify(claims));
  const human = await runCli(['decode'], { stdin: token, timeoutMs: 120_000 });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /… and 299 800 more/);
  assert.ok(human.stdout.length < 100_000, `human view is ${human.stdout.length} characters`);
});

test("regression: decode 'not-a-jwt!!' is malformed input (exit 2), not an opaque token (issue 8)", async () => {
  const r = await runCli(['decode', 'not-a-jwt!!']);
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stderr, /characters a bearer token cannot hold \("!"\)/);
  assert.equal(r.stdout, '');
  // b64token characters, "=" padding included, are still an opaque token.
  const opaque = await runCli(['decode', '--json', 'abc-._~+/DEF=='], {});
  assert.equal(opaque.code, 0, opaque.stderr);
  assert.deepEqual(ids(parseJsonOutput(opaque)), ['token-opaque']);
});
