// jwt-assert and keygen in process: every key form, --print-jwks, --jku, --check, and a
// freshly generated key used to sign an assertion that verifies against its JWKS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jwtAssertCommand } from '../../src/commands/jwt-assert.js';
import { keygenCommand } from '../../src/commands/keygen.js';
import { decodeJwt, type DecodedJwt } from '../../src/protocol/jwt/decode.js';
import { verifySignature } from '../../src/protocol/jwt/verify.js';
import { isSmartctlError } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { testContext } from '../helpers/command-context.js';

const fixture = (name: string): string => path.join(REPO_ROOT, 'fixtures/keys', name);
const base = { clientId: 'demo-app', aud: 'https://ehr.example/token', lifetime: 300 };

test('every key form builds an assertion with the derived alg', async () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['rsa.pkcs8.pem', 'RS384', undefined],
    ['rsa.pkcs1.pem', 'RS384', undefined],
    ['ec384.sec1.pem', 'ES384', undefined],
    ['ec256.pkcs8.pem', 'ES256', undefined],
    ['ec384.private.jwk.json', 'ES384', undefined],
    ['private.jwks.json', 'RS384', 'rsa'],
  ];
  for (const [file, alg, kid] of cases) {
    const r = await jwtAssertCommand(testContext(), { ...base, key: fixture(file), kid });
    assert.equal(r.data['alg'], alg, file);
    const decoded = decodeJwt(r.data['assertion'] as string) as DecodedJwt;
    assert.equal(decoded.header['alg'], alg);
    assert.equal(decoded.payload['aud'], 'https://ehr.example/token');
    assert.equal(decoded.payload['iss'], 'demo-app');
    // ES256 is not one of the two algs every SMART server must accept (no metadata says otherwise here).
    const errors = r.findings.filter((f) => f.severity === 'error').map((f) => f.id);
    assert.deepEqual(errors, alg === 'ES256' ? ['assertion-alg-unsupported'] : [], file);
  }
});

test('--jku goes in the header, --print-jwks returns the public keys only', async () => {
  const r = await jwtAssertCommand(testContext(), { ...base, key: fixture('ec384.private.jwk.json'), jku: 'https://app.example/jwks.json', printJwks: true });
  assert.equal((r.data['header'] as Record<string, unknown>)['jku'], 'https://app.example/jwks.json');
  const jwks = r.data['jwks'] as { keys: Array<Record<string, unknown>> };
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0]?.['d'], undefined);
  assert.equal(jwks.keys[0]?.['kid'], 'ec384');
});

test('an aud that is the FHIR base is flagged', async () => {
  const r = await jwtAssertCommand(testContext(), { ...base, aud: 'https://ehr.example/fhir', key: fixture('ec384.sec1.pem') });
  assert.ok(r.findings.some((f) => f.id === 'assertion-aud-not-token-endpoint'));
});

test('--check lints a given assertion and verifies it against --jwks', async () => {
  const built = await jwtAssertCommand(testContext(), { ...base, key: fixture('private.jwks.json'), kid: 'ec384' });
  const good = await jwtAssertCommand(testContext(), { ...base, check: built.data['assertion'] as string, jwks: fixture('public.jwks.json') });
  assert.deepEqual(good.findings.filter((f) => f.severity !== 'info').map((f) => f.id), []);
  const expired = readFileSync(path.join(REPO_ROOT, 'fixtures/tokens/client-assertion.es384.expired.jwt'), 'utf8').trim();
  const bad = await jwtAssertCommand(testContext(), { ...base, check: expired });
  assert.ok(bad.findings.some((f) => f.id === 'assertion-expired'));
});

test('usage errors: no key, no client id, both --aud and --iss, long lifetime without --force', async () => {
  const cases: Array<Record<string, unknown>> = [
    { ...base },
    { ...base, key: fixture('ec384.sec1.pem'), clientId: undefined },
    { ...base, key: fixture('ec384.sec1.pem'), iss: 'https://ehr.example/fhir' },
    { ...base, key: fixture('ec384.sec1.pem'), lifetime: 301 },
  ];
  for (const opts of cases) await assert.rejects(jwtAssertCommand(testContext(), opts), (e: unknown) => isSmartctlError(e) && e.kind === 'usage', JSON.stringify(opts));
  const forced = await jwtAssertCommand(testContext(), { ...base, key: fixture('ec384.sec1.pem'), lifetime: 900, force: true });
  assert.ok(forced.findings.some((f) => f.id === 'assertion-exp-too-long'));
  await assert.rejects(jwtAssertCommand(testContext(), { ...base, key: fixture('ec384.public.pem') }), (e: unknown) => isSmartctlError(e) && e.kind === 'input');
});

test('keygen ES384: the key it writes signs an assertion that verifies against the JWKS it writes', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-keygen-cmd-'));
  const ctx = { ...testContext(), cwd: dir };
  const r = await keygenCommand(ctx, { alg: 'ES384', out: 'app' });
  const pem = path.join(dir, 'app.private.pem');
  assert.equal(statSync(pem).mode & 0o777, 0o600);
  const jwksText = readFileSync(path.join(dir, 'app.jwks.json'), 'utf8');
  const jwks = JSON.parse(jwksText) as { keys: Array<Record<string, unknown>> };
  assert.deepEqual([jwks.keys[0]?.['alg'], jwks.keys[0]?.['use'], jwks.keys[0]?.['kid']], ['ES384', 'sig', r.data['kid']]);
  const built = await jwtAssertCommand(ctx, { ...base, key: pem });
  assert.equal(built.data['kid'], r.data['kid'], 'jwt-assert derives the same RFC 7638 kid');
  const outcome = await verifySignature(decodeJwt(built.data['assertion'] as string) as DecodedJwt, jwks);
  assert.equal(outcome.verified, true);
  await assert.rejects(keygenCommand(ctx, { alg: 'ES384', out: 'app' }), (e: unknown) => isSmartctlError(e) && e.code === 'file-exists');
  await keygenCommand(ctx, { alg: 'ES384', out: 'app', force: true });
  assert.notEqual(readFileSync(path.join(dir, 'app.jwks.json'), 'utf8'), jwksText);
});

test('--iss: the discovered token endpoint becomes aud; an alg the server does not list is flagged', async () => {
  const { startStaticServer } = await import('../helpers/static-server.js');
  const server = await startStaticServer({
    '/fhir/.well-known/smart-configuration': (o) => ({ body: { issuer: `${o}/fhir`, authorization_endpoint: `${o}/auth`, token_endpoint: `${o}/token`, token_endpoint_auth_signing_alg_values_supported: ['RS384'], capabilities: ['client-confidential-asymmetric'], code_challenge_methods_supported: ['S256'] } }),
  });
  try {
    const r = await jwtAssertCommand(testContext(), { clientId: 'demo-app', iss: `${server.url}/fhir`, lifetime: 300, key: fixture('ec384.sec1.pem') });
    assert.equal(r.data['tokenEndpoint'], `${server.url}/token`);
    assert.equal((r.data['claims'] as Record<string, unknown>)['aud'], `${server.url}/token`);
    assert.ok(r.findings.some((f) => f.id === 'assertion-alg-not-advertised'), r.findings.map((f) => f.id).join(', '));
    assert.ok(r.trace !== undefined && r.trace.length > 0, 'the discovery exchanges are in the trace');
  } finally {
    await server.close();
  }
});
