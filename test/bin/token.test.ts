// smartctl token as a user runs it, against the embedded sandbox over real HTTP: the
// secret from a file or SMARTCTL_CLIENT_SECRET, both secret methods, the stable --json
// shape, a scope diff, a failed grant, and every kind of bad input with its exit code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';
import { startStaticServer } from '../helpers/static-server.js';

const SECRET = 'token-test-secret-0123456789';
let sandbox: SandboxHandle;
let tokenUrl: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-token-'));
const ids = (doc: Record<string, unknown>): string[] => (doc['findings'] as Array<{ id: string }>).map((f) => f.id);

before(async () => {
  sandbox = await startSandbox({
    clients: [{ client_id: 'ci-service', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_post', redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/Patient.rs system/Observation.rs' }],
  });
  tokenUrl = new URL('token', sandbox.issuer.endsWith('/') ? sandbox.issuer : `${sandbox.issuer}/`).href;
});
after(async () => {
  await sandbox.close();
});

test('client_credentials with the secret from SMARTCTL_CLIENT_SECRET: stable --json, secrets redacted', async () => {
  const r = await runCli(['token', '--grant', 'client_credentials', '--iss', sandbox.fhirBaseUrl, '--client-id', 'ci-service', '--auth-method', 'client_secret_post', '--scope', 'system/Patient.rs', '--json'], { env: { SMARTCTL_CLIENT_SECRET: SECRET } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const doc = parseJsonOutput(r);
  for (const key of ['command', 'ok', 'findings', 'tokenEndpoint', 'grant', 'clientId', 'authMethod', 'status', 'tokenResponse', 'decoded']) assert.ok(key in doc, key);
  assert.equal(doc['command'], 'token');
  assert.equal(doc['authMethod'], 'client_secret_post');
  assert.equal(doc['status'], 200);
  const tr = doc['tokenResponse'] as Record<string, unknown>;
  assert.equal(tr['access_token'], '[REDACTED]');
  assert.equal(tr['scope'], 'system/Patient.rs');
  assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), 'the secret never shows');
  // The token endpoint was found by discovery.
  assert.equal(doc['tokenEndpoint'], tokenUrl);
});

test('--client-secret-file: a narrowed grant is a scope-dropped error (exit 1); a bare secret means client_secret_basic', async () => {
  const file = path.join(dir, 'secret.txt');
  writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
  const r = await runCli(['token', '--grant', 'client_credentials', '--token-url', tokenUrl, '--client-id', 'ci-service', '--client-secret-file', file, '--auth-method', 'client_secret_post', '--scope', 'system/Patient.rs system/Encounter.rs', '--json']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const doc = parseJsonOutput(r);
  assert.equal(doc['status'], 200);
  // Encounter was asked, not granted: the scope diff says so.
  assert.equal((doc['tokenResponse'] as Record<string, unknown>)['scope'], 'system/Patient.rs');
  assert.deepEqual(ids(doc), ['granted-scope-trimmed-to-registration', 'scope-dropped']);
  const basic = await runCli(['token', '--grant', 'client_credentials', '--token-url', tokenUrl, '--client-id', 'ci-service', '--client-secret-file', file, '--scope', 'system/Patient.rs', '--json']);
  const basicDoc = parseJsonOutput(basic);
  assert.equal(basicDoc['authMethod'], 'client_secret_basic', 'a secret without --auth-method means client_secret_basic');
  // The sandbox, like many servers, takes either secret method from a secret client.
  assert.equal(basic.code, 0, basic.stderr);
  assert.match(JSON.stringify(basicDoc['trace']), /"authorization":"Basic \[REDACTED\]"/);
});

test('a refresh_token grant with an unknown refresh token: exit 1 with findings, the token redacted', async () => {
  const r = await runCli(['token', '--grant', 'refresh_token', '--token-url', tokenUrl, '--client-id', sandbox.demoClients.public, '--refresh-token', 'not-a-real-refresh-token-123', '--json']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const doc = parseJsonOutput(r);
  assert.equal(doc['status'], 400);
  assert.ok(ids(doc).includes('token-request-failed'));
  assert.ok(!r.stdout.includes('not-a-real-refresh-token-123'));
});

test('bad input: exit 2 naming the flag; unreachable token endpoint: exit 3', async () => {
  const base = ['token', '--grant', 'client_credentials', '--token-url', tokenUrl];
  const cases: Array<[string[], RegExp]> = [
    [['token', '--grant', 'client_credentials', '--client-id', 'x'], /--iss|--token-url/],
    [['token', '--grant', 'client_credentials', '--iss', sandbox.fhirBaseUrl, '--token-url', tokenUrl, '--client-id', 'x'], /--iss|--token-url/],
    [[...base], /--client-id/],
    [['token', '--grant', 'authorization_code', '--token-url', tokenUrl, '--client-id', 'x'], /--code/],
    [['token', '--grant', 'refresh_token', '--token-url', tokenUrl, '--client-id', 'x'], /--refresh-token/],
    [[...base, '--client-id', 'x', '--assertion-in-header'], /--key/],
    [[...base, '--client-id', 'x', '--auth-method', 'client_secret_basic'], /SMARTCTL_CLIENT_SECRET|secret/],
    [[...base, '--client-id', 'x', '--auth-method', 'private_key_jwt'], /--key/],
    [[...base, '--client-id', 'x', '--client-secret-file', path.join(dir, 'missing.txt')], /missing\.txt/],
    [['token', '--grant', 'password', '--token-url', tokenUrl, '--client-id', 'x'], /grant/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { env: { SMARTCTL_CLIENT_SECRET: undefined } });
    assert.equal(r.code, 2, `${args.join(' ')}\n${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const badPem = path.join(dir, 'bad.pem');
  writeFileSync(badPem, '-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n');
  const badKey = await runCli([...base, '--client-id', 'x', '--key', badPem]);
  assert.equal(badKey.code, 2, badKey.stderr);
  const closed = await startStaticServer();
  const url = closed.url;
  await closed.close();
  const unreachable = await runCli(['token', '--grant', 'client_credentials', '--token-url', `${url}/token`, '--client-id', 'x', '--client-secret', 's']);
  assert.equal(unreachable.code, 3, unreachable.stderr);
  assert.match(unreachable.stderr, /refused|connect/i);
});
