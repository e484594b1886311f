// decode in process on the committed fixture tokens: kinds, profiles, token responses,
// --audience / --nonce / --profile, and input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeCommand } from '../../src/commands/decode.js';
import { isSmartctlError } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { testContext } from '../helpers/command-context.js';

const token = (name: string): string => readFileSync(path.join(REPO_ROOT, 'fixtures/tokens', name), 'utf8').trim();
const ids = (r: { findings: Array<{ id: string }> }): string[] => r.findings.map((f) => f.id);
type TokenData = Array<{ name: string; kind: string; profile: string | null; claims: Record<string, unknown> | null }>;

test('a fixture id_token is detected as one and passes with matching --audience and --nonce', async () => {
  const r = await decodeCommand(testContext(), token('id-token.rs384.jwt'), { audience: 'demo-app', nonce: 'fixture-nonce', issuer: 'https://ehr.example/oidc' });
  assert.deepEqual(ids(r), []);
  const tokens = r.data['tokens'] as TokenData;
  assert.equal(tokens[0]?.profile, 'id-token');
  assert.equal(tokens[0]?.claims?.['fhirUser'], 'https://ehr.example/fhir/Practitioner/123');
});

test('the id_token against the wrong audience, nonce and issuer', async () => {
  const r = await decodeCommand(testContext(), `Bearer ${token('id-token.rs384.jwt')}`, { audience: 'other-app', nonce: 'other', issuer: 'https://ehr.example/other' });
  for (const id of ['id-token-aud-azp-mismatch', 'id-token-nonce-mismatch', 'jwt-iss-mismatch']) assert.ok(ids(r).includes(id), `${id} in ${ids(r).join(', ')}`);
  assert.equal(r.ok, false);
});

test('a JWE and an opaque token are recognised, not rejected', async () => {
  const jwe = await decodeCommand(testContext(), token('id-token.jwe'), {});
  assert.deepEqual(ids(jwe), ['token-encrypted']);
  assert.equal((jwe.data['tokens'] as TokenData)[0]?.kind, 'jwe');
  const opaque = await decodeCommand(testContext(), token('opaque.txt'), {});
  assert.deepEqual(ids(opaque), ['token-opaque']);
  assert.equal(opaque.ok, true);
});

test('alg none and an expired client assertion are errors', async () => {
  const none = await decodeCommand(testContext(), token('id-token.alg-none.jwt'), {});
  assert.ok(ids(none).includes('jwt-alg-none'));
  const assertion = await decodeCommand(testContext(), token('client-assertion.es384.expired.jwt'), { clientId: 'demo-app', tokenUrl: 'https://ehr.example/token' });
  assert.equal((assertion.data['tokens'] as TokenData)[0]?.profile, 'client-assertion');
  assert.deepEqual(ids(assertion), ['assertion-expired']);
});

test('--profile overrides detection', async () => {
  const r = await decodeCommand(testContext(), token('id-token.rs384.jwt'), { profile: 'client-assertion' });
  assert.equal((r.data['tokens'] as TokenData)[0]?.profile, 'client-assertion');
  assert.ok(ids(r).includes('assertion-iss-sub-mismatch'));
});

test('a whole token response: both tokens decoded, context fields shown', async () => {
  const r = await decodeCommand(testContext(), token('token-response.json'), { audience: 'demo-app' });
  const tokens = r.data['tokens'] as TokenData;
  assert.deepEqual(tokens.map((t) => [t.name, t.profile]), [['access_token', 'access-token'], ['id_token', 'id-token']]);
  assert.equal((r.data['tokenResponse'] as Record<string, unknown>)['patient'], 'patient-42');
  assert.ok(r.sections.some((s) => s.rows?.some(([k, v]) => k === 'encounter' && v === 'encounter-7')));
});

test('input errors: garbage, JSON without tokens, empty input', async () => {
  const cases: Array<[string | undefined, string]> = [
    ['eyJhbGciOiJSUzM4NCJ9.%%%.sig', 'malformed-jwt'],
    ['{"token_type":"Bearer"}', 'token-response-malformed'],
    ['{"access_token": 42}', 'token-response-malformed'],
  ];
  for (const [input, code] of cases) {
    await assert.rejects(decodeCommand(testContext(), input, {}), (e: unknown) => isSmartctlError(e) && e.kind === 'input' && e.code === code, String(input));
  }
  await assert.rejects(decodeCommand(testContext(), undefined, {}), (e: unknown) => isSmartctlError(e) && (e.kind === 'input' || e.kind === 'usage'));
  await assert.rejects(decodeCommand(testContext(), token('opaque.txt'), { verify: true }), (e: unknown) => isSmartctlError(e) && e.code === 'nothing-to-verify');
});

test('a JWT of no known profile gets only the time rules and says so', async () => {
  const payload = Buffer.from(JSON.stringify({ foo: 'bar', exp: 4102444800 })).toString('base64url');
  const r = await decodeCommand(testContext(), `eyJhbGciOiJSUzM4NCJ9.${payload}.c2ln`, {});
  assert.deepEqual(ids(r), ['jwt-profile-unknown']);
  assert.equal((r.data['tokens'] as TokenData)[0]?.profile, null);
});
