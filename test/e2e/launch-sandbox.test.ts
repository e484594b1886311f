// launch and token end to end against the embedded sandbox, over real HTTP on 127.0.0.1:
// every client auth, EHR launch, refresh, the three diagnoses from sandbox faults,
// wrong state, callback timeout, access denied, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import { parseJsonOutput, REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { launchWaiting } from '../helpers/launch-process.js';
import { startStaticServer } from '../helpers/static-server.js';

type Doc = Record<string, unknown>;
const ids = (doc: Doc): string[] => (doc['findings'] as Array<{ id: string }>).map((f) => f.id);
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'smartctl-launch-'));

test('the quick start: launch --sandbox completes on a machine without a browser', async () => {
  const r = await runCli(['launch', '--sandbox']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /launch completed/);
  assert.match(r.stdout, /id_token \(signature valid\)/);
  assert.match(r.stderr, /completing the sandbox flow headless/);
  assert.doesNotMatch(r.stdout, /"access_token": "[^[]/);
});

test('headless JSON: every step, a validated id_token, the FHIR probe, secrets redacted', async () => {
  const r = await runCli(['launch', '--sandbox', '--headless', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = parseJsonOutput(r);
  assert.equal(doc['ok'], true);
  assert.equal(doc['idTokenSignatureValid'], true);
  for (const step of ['discovery.smart-configuration', 'authorize.preflight', 'authorize', 'callback', 'token', 'jwks', 'fhir.probe']) assert.ok((doc['steps'] as Array<{ name: string }>).map((s) => s.name).includes(step), step);
  const steps = doc['steps'] as Array<{ name: string; status: string; exchanges: number[] }>;
  assert.equal(new Set(steps.map((s) => s.name)).size, steps.length, 'no step name twice');
  assert.deepEqual(steps.filter((s) => s.status !== 'ok').map((s) => s.name), [], 'a completed launch has no failed or skipped step');
  const exchangeIds = new Set((doc['trace'] as Array<{ type: string; id: number }>).filter((e) => e.type === 'exchange').map((e) => e.id));
  assert.ok(steps.every((s) => s.exchanges.length > 0 && s.exchanges.every((id) => exchangeIds.has(id))), 'each step names its exchanges in the trace');
  const probe = doc['probe'] as Array<{ what: string; status: number }>;
  assert.equal(probe.find((p) => p.what === 'launch patient')?.status, 200);
  const tr = doc['tokenResponse'] as Doc;
  assert.equal(tr['access_token'], '[REDACTED]');
  assert.equal(tr['patient'], 'patient-1');
  assert.doesNotMatch(r.stdout, /code=(?!\[REDACTED\])[A-Za-z0-9_-]{10,}/);
});

test('confidential client: client_secret_basic and client_secret_post', async () => {
  for (const method of ['client_secret_basic', 'client_secret_post']) {
    const r = await runCli(['launch', '--sandbox', '--headless', '--client-id', 'smartctl-confidential', '--auth-method', method, '--json']);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(parseJsonOutput(r)['authMethod'], method);
  }
});

test('private_key_jwt app, EHR launch, refresh and --save against a sandbox started by the test', async () => {
  const jwks = JSON.parse(readFileSync(path.join(REPO_ROOT, 'fixtures/keys/public.jwks.json'), 'utf8')) as { keys: Array<Record<string, unknown>> };
  const sb = await startSandbox({
    autoApprove: true,
    clients: [{ client_id: 'pkjwt-app', token_endpoint_auth_method: 'private_key_jwt', jwks, redirect_uris: ['http://127.0.0.1/callback'], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid fhirUser launch launch/patient offline_access patient/*.rs' }],
  });
  const dir = tmp();
  try {
    const r = await runCli(['launch', '--iss', sb.fhirBaseUrl, '--client-id', 'pkjwt-app', '--key', path.join(REPO_ROOT, 'fixtures/keys/ec384.private.jwk.json'), '--headless', '--refresh', '--save', path.join(dir, 'session.json'), '--json']);
    assert.equal(r.code, 0, r.stdout);
    const doc = parseJsonOutput(r);
    assert.equal(doc['authMethod'], 'private_key_jwt');
    assert.ok((doc['steps'] as Array<{ name: string }>).map((s) => s.name).includes('refresh'));
    assert.equal(statSync(path.join(dir, 'session.json')).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(path.join(dir, 'session.json'), 'utf8')) as Doc;
    assert.equal(saved['clientId'], 'pkjwt-app');
    assert.equal(typeof (saved['tokenResponse'] as Doc)['access_token'], 'string');
  } finally {
    await sb.close();
  }
  const ehr = await runCli(['launch', '--sandbox', '--ehr', '--json']);
  assert.equal(ehr.code, 0, ehr.stdout);
  const doc = parseJsonOutput(ehr);
  assert.ok((doc['steps'] as Array<{ name: string }>).map((s) => s.name).includes('ehr-launch'));
  assert.match(String((doc['scopes'] as Doc)['granted']), /\blaunch\b/);
});

test('fault drop-openid -> openid-scope-dropped, exit 1', async () => {
  const r = await runCli(['launch', '--sandbox', '--sandbox-fault', 'drop-openid', '--json']);
  assert.equal(r.code, 1);
  assert.deepEqual(ids(parseJsonOutput(r)).filter((id) => id === 'openid-scope-dropped'), ['openid-scope-dropped']);
});

test('fault force-authn-stale-session with a cookie jar holding a login -> force-authn-rejected', async () => {
  const jar = path.join(tmp(), 'jar.json');
  const first = await runCli(['launch', '--sandbox', '--headless', '--cookie-jar', jar]);
  assert.equal(first.code, 0, first.stdout);
  assert.equal(statSync(jar).mode & 0o777, 0o600);
  const r = await runCli(['launch', '--sandbox', '--headless', '--cookie-jar', jar, '--force-authn', '--sandbox-fault', 'force-authn-stale-session', '--json']);
  assert.equal(r.code, 1);
  const found = ids(parseJsonOutput(r));
  assert.ok(found.includes('force-authn-rejected'), found.join(','));
  const fresh = await runCli(['launch', '--sandbox', '--headless', '--force-authn', '--sandbox-fault', 'force-authn-stale-session']);
  assert.equal(fresh.code, 0, 'without the stale cookie the same request passes');
});

test('fault strict-client-auth-header: token --assertion-in-header -> client-assertion-in-authorization-header', async () => {
  const sb = await startSandbox({ faults: ['strict-client-auth-header'] });
  try {
    const backend = sb.clients.find((c) => c.client_id === sb.demoClients.backend);
    const key = backend?.private_key_file ?? '';
    const bad = await runCli(['token', '--grant', 'client_credentials', '--iss', sb.fhirBaseUrl, '--client-id', sb.demoClients.backend, '--key', key, '--scope', 'system/*.rs', '--assertion-in-header', '--json']);
    assert.equal(bad.code, 1);
    assert.ok(ids(parseJsonOutput(bad)).includes('client-assertion-in-authorization-header'));
    const good = await runCli(['token', '--grant', 'client_credentials', '--iss', sb.fhirBaseUrl, '--client-id', sb.demoClients.backend, '--key', key, '--scope', 'system/*.rs', '--json']);
    assert.equal(good.code, 0, good.stdout);
    assert.equal(parseJsonOutput(good)['status'], 200);
  } finally {
    await sb.close();
  }
});

test('a wrong state is refused (listener keeps waiting); then access_denied is diagnosed', async () => {
  const run = launchWaiting(['--sandbox', '--json', '--callback-timeout', '30']);
  const url = new URL(await run.url);
  const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
  const wrong = await fetch(`${redirect.href}?code=abc&state=not-the-state`);
  assert.equal(wrong.status, 400);
  const denied = await fetch(`${redirect.href}?error=access_denied&error_description=user+said+no&state=${url.searchParams.get('state') ?? ''}`);
  assert.equal(denied.status, 200);
  const r = await run.done;
  assert.equal(r.code, 1);
  const found = ids(parseJsonOutput(r));
  for (const id of ['callback-state-mismatch', 'access-denied-by-user', 'authorization-error-returned']) assert.ok(found.includes(id), `${id} in ${found.join(',')}`);
});

test('callback timeout names the URL and suggests --fresh-session', async () => {
  const run = launchWaiting(['--sandbox', '--json', '--callback-timeout', '1']);
  await run.url;
  const r = await run.done;
  assert.equal(r.code, 1);
  const doc = parseJsonOutput(r);
  const f = (doc['findings'] as Array<{ id: string; detail: string; fix: string }>).find((x) => x.id === 'callback-timeout');
  assert.ok(f);
  assert.match(f.fix, /--fresh-session/);
  assert.match(f.detail, /oauth\/authorize\?/);
});

test('bad input: missing client id, bad redirect URI, unreachable iss, bad key file', async () => {
  const noId = await runCli(['launch', '--iss', 'http://127.0.0.1:9/fhir']);
  assert.equal(noId.code, 2);
  assert.match(noId.stderr, /--client-id/);
  const badRedirect = await runCli(['launch', '--sandbox', '--redirect-uri', 'https://example.org/cb']);
  assert.equal(badRedirect.code, 2);
  assert.match(badRedirect.stderr, /not a loopback http URL/);
  const closed = await startStaticServer();
  const url = closed.url;
  await closed.close();
  const unreachable = await runCli(['launch', '--iss', `${url}/fhir`, '--client-id', 'x', '--no-open']);
  assert.equal(unreachable.code, 3, unreachable.stderr);
  const dir = tmp();
  const badKey = await runCli(['launch', '--sandbox', '--key', path.join(dir, 'missing.pem')]);
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /no such file/);
  const conflict = await runCli(['launch', '--sandbox', '--iss', 'http://x']);
  assert.equal(conflict.code, 2);
});

test('launch turns each other sandbox fault into its finding', async () => {
  const expected: Record<string, string> = {
    'id-token-unknown-kid': 'id-token-kid-not-in-jwks',
    'id-token-wrong-aud': 'id-token-aud-azp-mismatch',
    'clock-skew-future-iat': 'id-token-clock-skew',
    'v1-only-scopes': 'scope-v1-v2-syntax-mismatch',
    'slow-token-endpoint': 'token-endpoint-slow',
    'no-refresh-token': 'no-refresh-token-despite-offline-access',
    'token-500': 'token-endpoint-server-error',
    'token-html': 'token-response-nonconformant-shape',
    'missing-patient-context': 'token-response-missing-launch-context',
    'no-smart-configuration': 'smart-configuration-missing',
    'jwks-down': 'jwks-unreachable',
    'issuer-mismatch': 'issuer-mismatch',
    'redirect-uri-trailing-slash': 'redirect-uri-mismatch',
  };
  for (const [fault, id] of Object.entries(expected)) {
    const r = await runCli(['launch', '--sandbox', '--sandbox-fault', fault, '--json']);
    assert.ok(ids(parseJsonOutput(r)).includes(id), `${fault}: expected ${id}, got ${ids(parseJsonOutput(r)).join(',')}`);
  }
  const clean = await runCli(['launch', '--sandbox', '--json']);
  assert.deepEqual(ids(parseJsonOutput(clean)).filter((i) => Object.values(expected).includes(i)), []);
});

test('authorize-post: headless POST, and the browser page that posts the form', async () => {
  const headless = await runCli(['launch', '--sandbox', '--headless', '--authorize-post', '--json']);
  assert.equal(headless.code, 0, headless.stdout);
  const doc = parseJsonOutput(headless);
  assert.equal(doc['authorizeMethod'], 'POST');
  const run = launchWaiting(['--sandbox', '--authorize-post', '--json', '--callback-timeout', '30']);
  const pageUrl = await run.url;
  assert.match(pageUrl, /\/authorize-post$/);
  const page = await (await fetch(pageUrl)).text();
  const action = /action="([^"]+)"/.exec(page)?.[1] ?? '';
  const form = new URLSearchParams([...page.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m): [string, string] => [m[1] ?? '', (m[2] ?? '').replace(/&#38;/g, '&')]));
  assert.match(action, /\/oauth\/authorize$/);
  assert.equal(form.get('response_type'), 'code');
  assert.equal(form.get('code_challenge_method'), 'S256');
  // Play the browser: submit the form (auto-approved) and follow the redirect to the listener.
  const answer = await fetch(action, { method: 'POST', body: form, redirect: 'manual', headers: { 'x-sandbox-auto-approve': '1' } });
  assert.equal(answer.status, 302);
  await fetch(answer.headers.get('location') ?? '');
  const r = await run.done;
  assert.equal(r.code, 0, r.stdout);
  assert.equal(parseJsonOutput(r)['authorizeMethod'], 'POST');
});
