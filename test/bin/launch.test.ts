// smartctl launch as a user runs it: the flag checks (exit 2, naming the flag), the
// printed default scope and redirect URI, secrets from a file or the environment, the
// legacy --no-pkce reproduction, and a --redirect-uri port honoured by the listener.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';

type Doc = Record<string, unknown>;
const ids = (doc: Doc): string[] => (doc['findings'] as Array<{ id: string }>).map((f) => f.id);

test('flag checks: exit 2 and the flag named, no stack trace', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['launch'], /--iss/],
    [['launch', '--iss', 'http://127.0.0.1:9/fhir', '--sandbox-fault', 'drop-openid', '--client-id', 'x'], /--sandbox-fault needs --sandbox/],
    [['launch', '--sandbox', '--sandbox-fault', 'no-such-fault'], /no-such-fault/],
    [['launch', '--sandbox', '--callback-timeout', '0'], /--callback-timeout/],
    [['launch', '--sandbox', '--callback-timeout', 'soon'], /--callback-timeout/],
    [['launch', '--sandbox', '--prompt', 'select_account'], /--prompt/],
    [['launch', '--sandbox', '--auth-method', 'tls_client_auth'], /--auth-method/],
    [['launch', '--sandbox', '--redirect-uri', 'http://0.0.0.0:8080/cb'], /loopback/],
    [['launch', '--sandbox', '--redirect-uri', '/callback'], /--redirect-uri/],
    [['launch', '--sandbox', '--client-id', 'smartctl-demo-x', '--auth-method', 'client_secret_post'], /SMARTCTL_CLIENT_SECRET/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('the default scope and the redirect URI to register are printed', async () => {
  const r = await runCli(['launch', '--sandbox', '--headless']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /no --scope given: requesting "openid fhirUser launch\/patient offline_access [^"]*patient\//);
  assert.match(r.stderr, /listening for the callback at http:\/\/127\.0\.0\.1:\d+\/callback \(register this redirect URI\)/);
});

test('confidential client: the secret from --client-secret-file and from SMARTCTL_CLIENT_SECRET, never shown', async () => {
  const sandbox = await startSandbox({});
  try {
    const confidential = sandbox.clients.find((c) => c.client_id === sandbox.demoClients.confidential);
    const secret = confidential?.client_secret ?? '';
    assert.ok(secret.length > 0);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-launch-bin-'));
    const file = path.join(dir, 'secret');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    const base = ['launch', '--iss', sandbox.fhirBaseUrl, '--client-id', sandbox.demoClients.confidential, '--headless', '--json'];
    for (const [extra, env] of [
      [['--client-secret-file', file], {}],
      [['--auth-method', 'client_secret_post'], { SMARTCTL_CLIENT_SECRET: secret }],
    ] as Array<[string[], Record<string, string>]>) {
      const r = await runCli([...base, ...extra], { env });
      assert.equal(r.code, 0, `${extra.join(' ')}\n${r.stdout}\n${r.stderr}`);
      const doc = parseJsonOutput(r);
      assert.equal(doc['authMethod'], extra.includes('--auth-method') ? 'client_secret_post' : 'client_secret_basic');
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'the secret never shows');
    }
    // Without the secret the sandbox refuses the client: a diagnosed token error, exit 1.
    const wrong = await runCli([...base, '--client-secret', 'wrong-secret'], { env: { SMARTCTL_CLIENT_SECRET: undefined } });
    assert.equal(wrong.code, 1, wrong.stderr);
    assert.ok(ids(parseJsonOutput(wrong)).includes('token-request-failed'));
    assert.deepEqual(readdirSync(dir), ['secret'], 'launch writes nothing to disk without --save');
  } finally {
    await sandbox.close();
  }
});

test('--no-pkce reproduces a legacy app: no code_challenge sent, and the request lint says so', async () => {
  const r = await runCli(['launch', '--sandbox', '--headless', '--no-pkce', '--json']);
  const doc = parseJsonOutput(r);
  assert.doesNotMatch(String(doc['authorizeUrl']), /code_challenge/);
  assert.ok(ids(doc).some((id) => /pkce/.test(id)), ids(doc).join(', '));
  assert.equal(r.code, 1, 'the sandbox requires PKCE, so the run fails');
});

test('--redirect-uri with a port: the listener uses that port and path', async () => {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const r = await runCli(['launch', '--sandbox', '--headless', '--redirect-uri', `http://127.0.0.1:${port}/callback`, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = parseJsonOutput(r);
  assert.equal(doc['redirectUri'], `http://127.0.0.1:${port}/callback`);
  assert.match(String(doc['authorizeUrl']), new RegExp(`redirect_uri=${encodeURIComponent(`http://127.0.0.1:${port}/callback`).replace(/\./g, '\\.')}`));
});
