// decode, keygen and jwt-assert as a user runs them: exit codes, JSON, redaction, bad input,
// and decode --verify against a JWKS served over real HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { loadPrivateKey } from '../../src/protocol/keys.js';
import { parseJsonOutput, REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { startStaticServer } from '../helpers/static-server.js';
import { unsignedJwt } from '../helpers/jwt.js';

const fixture = (name: string): string => path.join(REPO_ROOT, 'fixtures/keys', name);
const nowS = (): number => Math.floor(Date.now() / 1000);

async function signedIdToken(claims: Record<string, unknown>, kid = 'rsa'): Promise<string> {
  const key = await loadPrivateKey(readFileSync(fixture('private.jwks.json'), 'utf8'), { kid: 'rsa' });
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS384', kid }).sign(key.privateKey);
}

test('decode: a token response shows claims, keeps tokens redacted, --show-secrets reveals', async () => {
  const id = await signedIdToken({ iss: 'https://ehr/oidc', sub: 'u', aud: 'app', exp: nowS() + 600, iat: nowS(), nonce: 'n' });
  const body = JSON.stringify({ access_token: 'opaque-access-123', token_type: 'Bearer', scope: 'openid fhirUser', patient: 'p1', id_token: id });
  const r = await runCli(['decode', '--json'], { stdin: body });
  assert.equal(r.code, 0, r.stderr);
  const doc = parseJsonOutput(r);
  assert.equal((doc['tokenResponse'] as Record<string, unknown>)['patient'], 'p1');
  assert.equal((doc['tokenResponse'] as Record<string, unknown>)['access_token'], '[REDACTED]');
  assert.ok(!r.stdout.includes(id), 'the id_token must not be printed');
  const shown = await runCli(['decode', '--json', '--show-secrets'], { stdin: body });
  assert.ok(shown.stdout.includes('opaque-access-123'));
});

test('decode: an expired token exits 1; garbage exits 2 without a stack', async () => {
  const r = await runCli(['decode', unsignedJwt({ sub: 'u', exp: 1000, nonce: 'x' })]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /jwt-expired/);
  assert.match(r.stdout, /expired \d+ days ago/);
  const bad = await runCli(['decode', 'eyJhbGciOi.garbage.x']);
  assert.equal(bad.code, 2);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const badJson = await runCli(['decode', '{"access_token": '], {});
  assert.equal(badJson.code, 2);
  const missing = await runCli(['decode', '@/nonexistent/token.txt']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
});

test('decode --verify: good key, unknown kid, JWKS without keys, unreachable URL', async () => {
  const jwks = JSON.parse(readFileSync(fixture('public.jwks.json'), 'utf8')) as unknown;
  const server = await startStaticServer({ '/jwks': { body: jwks }, '/empty': { body: { keys: [] } }, '/html': { body: '<html/>' } });
  const claims = { iss: 'https://ehr/oidc', sub: 'u', aud: 'app', exp: nowS() + 600, iat: nowS(), nonce: 'n' };
  try {
    const good = await runCli(['decode', '--verify', '--jwks', `${server.url}/jwks`, await signedIdToken(claims)]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /valid \(keys from/);
    const wrongKid = await runCli(['decode', '--verify', '--jwks', `${server.url}/jwks`, '--json', await signedIdToken(claims, 'rotated')]);
    assert.equal(wrongKid.code, 1);
    assert.ok((parseJsonOutput(wrongKid)['findings'] as Array<{ id: string }>).some((f) => f.id === 'jwt-kid-not-in-jwks'));
    const empty = await runCli(['decode', '--verify', '--jwks', `${server.url}/empty`, await signedIdToken(claims)]);
    assert.equal(empty.code, 3);
    const html = await runCli(['decode', '--verify', '--jwks', `${server.url}/html`, await signedIdToken(claims)]);
    assert.equal(html.code, 3);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-jwks-'));
    writeFileSync(path.join(dir, 'empty.json'), '{"keys":[]}');
    const emptyFile = await runCli(['decode', '--verify', '--jwks', path.join(dir, 'empty.json'), await signedIdToken(claims)]);
    assert.equal(emptyFile.code, 2);
    assert.match(emptyFile.stderr, /holds no keys/);
  } finally {
    await server.close();
  }
  const closed = await startStaticServer();
  const url = closed.url;
  await closed.close();
  const unreachable = await runCli(['decode', '--verify', '--jwks', `${url}/jwks`, await signedIdToken(claims)]);
  assert.equal(unreachable.code, 3);
  assert.match(unreachable.stderr, /refused/);
});

test('decode --verify without a source uses the token iss and warns that proves little', async () => {
  const jwks = JSON.parse(readFileSync(fixture('public.jwks.json'), 'utf8')) as unknown;
  const server = await startStaticServer({ '/oidc/.well-known/openid-configuration': (o) => ({ body: { issuer: `${o}/oidc`, jwks_uri: `${o}/oidc/jwks` } }), '/oidc/jwks': { body: jwks } });
  try {
    const token = await signedIdToken({ iss: `${server.url}/oidc`, sub: 'u', aud: 'app', exp: nowS() + 600, iat: nowS(), nonce: 'n' });
    const r = await runCli(['decode', '--verify', '--json', token]);
    assert.equal(r.code, 0, r.stderr);
    const ids = (parseJsonOutput(r)['findings'] as Array<{ id: string }>).map((f) => f.id);
    assert.ok(ids.includes('jwks-chosen-by-token'));
  } finally {
    await server.close();
  }
});

test('keygen writes a 0600 PEM and a JWKS; refuses to overwrite', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-keygen-'));
  const r = await runCli(['keygen', '--alg', 'RS384', '--out', path.join(dir, 'app'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(path.join(dir, 'app.private.pem')).mode & 0o777, 0o600);
  const jwks = JSON.parse(readFileSync(path.join(dir, 'app.jwks.json'), 'utf8')) as { keys: Array<Record<string, string>> };
  assert.equal(jwks.keys[0]?.['alg'], 'RS384');
  assert.equal(jwks.keys[0]?.['kid'], parseJsonOutput(r)['kid']);
  assert.equal(jwks.keys[0]?.['d'], undefined);
  const again = await runCli(['keygen', '--out', path.join(dir, 'app')]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists/);
});

test('jwt-assert builds a checkable assertion; bad keys and flags exit 2', async () => {
  const r = await runCli(['jwt-assert', '--key', fixture('ec384.sec1.pem'), '--kid', 'ec384', '--client-id', 'app', '--aud', 'https://ehr/token', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = parseJsonOutput(r);
  const assertion = doc['assertion'] as string;
  assert.match(assertion, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, 'the requested assertion is printed in full');
  assert.equal((doc['claims'] as Record<string, unknown>)['aud'], 'https://ehr/token');
  const human = await runCli(['jwt-assert', '--key', fixture('ec384.sec1.pem'), '--client-id', 'app', '--aud', 'https://ehr/token']);
  assert.match(human.stdout, /client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJ/);
  assert.match(human.stdout, /never put the assertion in an Authorization header/);
  const check = await runCli(['jwt-assert', '--check', assertion, '--client-id', 'app', '--aud', 'https://ehr/token', '--jwks', fixture('public.jwks.json')]);
  assert.equal(check.code, 0, check.stdout);
  const wrongAud = await runCli(['jwt-assert', '--check', assertion, '--aud', 'https://ehr/fhir', '--json']);
  assert.equal(wrongAud.code, 1);
  const long = await runCli(['jwt-assert', '--key', fixture('ec384.sec1.pem'), '--client-id', 'app', '--aud', 'https://ehr/token', '--lifetime', '900']);
  assert.equal(long.code, 2);
  assert.match(long.stderr, /--force/);
  const mismatch = await runCli(['jwt-assert', '--key', fixture('ec384.sec1.pem'), '--client-id', 'app', '--aud', 'https://ehr/token', '--alg', 'RS384']);
  assert.equal(mismatch.code, 2);
  assert.match(mismatch.stderr, /does not fit/);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-pem-'));
  const pem = readFileSync(fixture('rsa.pkcs8.pem'), 'utf8');
  writeFileSync(path.join(dir, 'cut.pem'), pem.slice(0, 200));
  const truncated = await runCli(['jwt-assert', '--key', path.join(dir, 'cut.pem'), '--client-id', 'app', '--aud', 'https://ehr/token']);
  assert.equal(truncated.code, 2);
  assert.match(truncated.stderr, /cannot be read/);
  const noKey = await runCli(['jwt-assert', '--client-id', 'app', '--aud', 'https://ehr/token']);
  assert.equal(noKey.code, 2);
});

test('jwt-assert --iss discovers the token endpoint for aud', async () => {
  const server = await startStaticServer({ '/fhir/.well-known/smart-configuration': (o) => ({ body: { token_endpoint: `${o}/oauth/token`, capabilities: [], code_challenge_methods_supported: ['S256'] } }) });
  try {
    const r = await runCli(['jwt-assert', '--key', fixture('ec384.sec1.pem'), '--client-id', 'app', '--iss', `${server.url}/fhir`, '--json']);
    assert.equal(parseJsonOutput(r)['tokenEndpoint'], `${server.url}/oauth/token`);
  } finally {
    await server.close();
  }
});
