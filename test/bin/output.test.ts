// Output for scripts, through the built CLI against the sandbox: --output <field> on
// launch and token prints that value alone on stdout, exactly as the server sent it (the
// same run's HAR, kept with --show-secrets, is the witness), and the value works where it
// is meant to; a failed run prints nothing on stdout. jwt-assert --quiet prints the
// assertion alone, keygen --output jwks the public JWKS alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { decodeJwt } from '../../src/protocol/jwt/decode.js';
import { BIN, CLI_CACHE_HOME, REPO_ROOT, parseJsonOutput, runCli, type CliResult } from '../helpers/run-cli.js';

let sandbox: SandboxHandle;
let backendKey: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-output-'));
let harCount = 0;

before(async () => {
  sandbox = await startSandbox({});
  const backend = sandbox.clients.find((c) => c.client_id === sandbox.demoClients.backend);
  assert.ok(backend?.private_key_file !== undefined, 'the backend demo client has a key file');
  backendKey = backend.private_key_file;
});
after(async () => {
  await sandbox.close();
});

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content: { text?: string } };
  _step: string;
}

/** Runs smartctl with --har <file> --show-secrets and returns the result and the body of its token response as received. */
async function runWithHar(args: string[]): Promise<{ r: CliResult; tokenBody: string | undefined }> {
  const har = path.join(dir, `run-${++harCount}.har`);
  const r = await runCli([...args, '--har', har, '--show-secrets']);
  const entries = (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries;
  return { r, tokenBody: entries.find((e) => e._step === 'token')?.response.content.text };
}

/** stdout is one line: the value and a newline, nothing before or after. */
function onlyValue(r: CliResult): string {
  assert.equal(r.code, 0, `exit 0\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^[^\n]+\n$/, `one line on stdout: ${JSON.stringify(r.stdout.slice(0, 300))}`);
  return r.stdout.slice(0, -1);
}

const LAUNCH = ['launch', '--sandbox', '--headless'];

test('launch --sandbox --headless --output <field>: stdout is that field of the token response exactly as received', async () => {
  for (const field of ['access_token', 'id_token', 'refresh_token'] as const) {
    const { r, tokenBody } = await runWithHar([...LAUNCH, '--output', field]);
    const value = onlyValue(r);
    assert.ok(tokenBody !== undefined, 'the HAR holds the token response');
    assert.equal(value, (JSON.parse(tokenBody) as Record<string, string>)[field], field);
    // The report went to stderr; stdout carries nothing of it.
    assert.match(r.stderr, /✔ launch completed/);
    assert.doesNotMatch(r.stdout, /launch completed|Token response/);
  }
  const { r, tokenBody } = await runWithHar([...LAUNCH, '--output', 'token-response']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(tokenBody !== undefined);
  // Byte for byte, plus the one trailing newline.
  assert.equal(r.stdout, tokenBody.endsWith('\n') ? tokenBody : `${tokenBody}\n`);
  const header = await runWithHar([...LAUNCH, '--output', 'authorization-header']);
  const access = (JSON.parse(header.tokenBody ?? '{}') as Record<string, string>)['access_token'];
  assert.equal(onlyValue(header.r), `Bearer ${access}`);
});

test('launch --output id_token: the id_token of the run, for the demo public client, with fhirUser', async () => {
  const r = await runCli([...LAUNCH, '--output', 'id_token']);
  const token = decodeJwt(onlyValue(r));
  assert.equal(token.kind, 'jwt');
  assert.ok(token.kind === 'jwt');
  assert.equal(token.payload['aud'], 'smartctl-public');
  assert.match(String(token.payload['fhirUser']), /\/fhir\/Practitioner\//);
});

test('the printed tokens work: the access token reads FHIR, the Authorization header too, the refresh token refreshes', async () => {
  const base = ['launch', '--iss', sandbox.fhirBaseUrl, '--headless', '--client-id', sandbox.demoClients.public];
  const access = onlyValue(await runCli([...base, '--output', 'access_token']));
  const read = await fetch(`${sandbox.fhirBaseUrl}/Patient/patient-1`, { headers: { authorization: `Bearer ${access}` } });
  assert.equal(read.status, 200);
  const header = onlyValue(await runCli([...base, '--output', 'authorization-header']));
  assert.equal((await fetch(`${sandbox.fhirBaseUrl}/Patient/patient-1`, { headers: { authorization: header } })).status, 200);
  assert.equal((await fetch(`${sandbox.fhirBaseUrl}/Patient/patient-1`, { headers: { authorization: 'Bearer not-a-token-of-this-server' } })).status, 401, 'the FHIR server does check the token');
  const refresh = onlyValue(await runCli([...base, '--output', 'refresh_token']));
  const tokenUrl = `${sandbox.issuer.replace(/\/$/, '')}/token`;
  const again = await runCli(['token', '--grant', 'refresh_token', '--token-url', tokenUrl, '--client-id', sandbox.demoClients.public, '--refresh-token', refresh, '--output', 'access_token']);
  const refreshed = onlyValue(again);
  assert.equal((await fetch(`${sandbox.fhirBaseUrl}/Patient/patient-1`, { headers: { authorization: `Bearer ${refreshed}` } })).status, 200);
});

test('token --grant client_credentials --output <field>: the value as received; fields it never brings are an error with nothing on stdout', async () => {
  const base = ['token', '--grant', 'client_credentials', '--iss', sandbox.fhirBaseUrl, '--client-id', sandbox.demoClients.backend, '--key', backendKey, '--scope', 'system/Patient.rs'];
  const got = await runWithHar([...base, '--output', 'access_token']);
  const body = JSON.parse(got.tokenBody ?? '{}') as Record<string, string>;
  assert.equal(onlyValue(got.r), body['access_token']);
  assert.match(got.r.stderr, /✔ client_credentials token received/);
  const raw = await runWithHar([...base, '--output', 'token-response']);
  assert.equal(raw.r.code, 0, raw.r.stderr);
  assert.equal(raw.r.stdout, raw.tokenBody?.endsWith('\n') === true ? raw.tokenBody : `${raw.tokenBody ?? ''}\n`);
  const header = await runWithHar([...base, '--output', 'authorization-header']);
  assert.equal(onlyValue(header.r), `Bearer ${(JSON.parse(header.tokenBody ?? '{}') as Record<string, string>)['access_token'] ?? ''}`);
  const works = await fetch(`${sandbox.fhirBaseUrl}/Patient?_count=1`, { headers: { authorization: header.r.stdout.trim() } });
  assert.equal(works.status, 200);

  for (const [field, why] of [['id_token', /no user signs in/], ['refresh_token', /RFC 6749 §4\.4\.3/]] as const) {
    const r = await runCli([...base, '--output', field]);
    assert.equal(r.code, 1, `${field}: exit 1\n${r.stderr}`);
    assert.equal(r.stdout, '', `${field}: nothing on stdout`);
    assert.match(r.stderr, new RegExp(`--output ${field}: the token response has no ${field} \\[output-field-missing\\]`));
    assert.match(r.stderr, why);
  }
});

test('a failed run prints nothing on stdout: a sandbox fault, a field not granted, a token error, an unreachable server', async () => {
  const dropped = await runCli([...LAUNCH, '--sandbox-fault', 'drop-openid', '--output', 'id_token']);
  assert.equal(dropped.code, 1, dropped.stderr);
  assert.equal(dropped.stdout, '');
  assert.match(dropped.stderr, /\[openid-scope-dropped\]/);
  // The access token did come back, but the run failed: still nothing.
  const failedRun = await runCli([...LAUNCH, '--sandbox-fault', 'drop-openid', '--output', 'access_token']);
  assert.equal(failedRun.code, 1);
  assert.equal(failedRun.stdout, '');

  const noOffline = await runCli([...LAUNCH, '--scope', 'openid fhirUser launch/patient patient/*.rs', '--output', 'refresh_token']);
  assert.equal(noOffline.code, 1, noOffline.stderr);
  assert.equal(noOffline.stdout, '');
  assert.match(noOffline.stderr, /\[output-field-missing\]/);
  assert.match(noOffline.stderr, /offline_access/);

  const tokenUrl = `${sandbox.issuer.replace(/\/$/, '')}/token`;
  const refused = await runCli(['token', '--grant', 'refresh_token', '--token-url', tokenUrl, '--client-id', sandbox.demoClients.public, '--refresh-token', 'not-a-refresh-token-of-this-server', '--output', 'access_token']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, '');
  assert.match(refused.stderr, /\[token-request-failed\]/);

  const unreachable = await runCli(['token', '--grant', 'client_credentials', '--token-url', 'http://127.0.0.1:9/token', '--client-id', 'x', '--client-secret', 'y', '--output', 'access_token']);
  assert.equal(unreachable.code, 3, unreachable.stderr);
  assert.equal(unreachable.stdout, '');
});

test('--output with --json is a usage error (exit 2), still one JSON document on stdout; with --refresh too', async () => {
  for (const args of [[...LAUNCH, '--output', 'access_token', '--json'], ['token', '--grant', 'client_credentials', '--token-url', 'http://127.0.0.1:9/token', '--client-id', 'x', '--output', 'access_token', '--json']]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const doc = parseJsonOutput(r);
    assert.equal(doc['ok'], false);
    assert.equal((doc['error'] as Record<string, unknown>)['code'], 'options-conflict');
    assert.match(String((doc['error'] as Record<string, unknown>)['message']), /--output access_token .* --json/);
  }
  const refresh = await runCli([...LAUNCH, '--refresh', '--output', 'refresh_token']);
  assert.equal(refresh.code, 2);
  assert.equal(refresh.stdout, '');
  assert.match(refresh.stderr, /--refresh/);
  const bad = await runCli([...LAUNCH, '--output', 'password']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /access_token, id_token, refresh_token, token-response, authorization-header/);
});

test('--output prints the value unredacted on stdout only: the report on stderr stays redacted', async () => {
  const { r, tokenBody } = await runWithHar([...LAUNCH, '--output', 'access_token']);
  const body = JSON.parse(tokenBody ?? '{}') as Record<string, string>;
  // runWithHar passes --show-secrets (for the HAR): run again without it for the report.
  const plain = await runCli([...LAUNCH, '--output', 'refresh_token']);
  const refresh = onlyValue(plain);
  assert.ok(!plain.stderr.includes(refresh), 'the refresh token is not in the report on stderr');
  assert.match(plain.stderr, /access_token\s+\[REDACTED\]\s+\(Bearer, \d+ characters, opaque, not a JWT\)/);
  assert.ok(r.stderr.includes(body['access_token'] ?? '-'), 'with --show-secrets the report shows it');
});

test('jwt-assert --quiet: stdout is the signed assertion alone; without --quiet it is in the report', async () => {
  const args = ['jwt-assert', '--key', backendKey, '--client-id', sandbox.demoClients.backend, '--aud', `${sandbox.issuer.replace(/\/$/, '')}/token`];
  const r = await runCli([...args, '--quiet']);
  const jwt = onlyValue(r);
  assert.match(jwt, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  const decoded = decodeJwt(jwt);
  assert.ok(decoded.kind === 'jwt');
  assert.equal(decoded.payload['iss'], sandbox.demoClients.backend);
  assert.equal(decoded.payload['sub'], sandbox.demoClients.backend);
  assert.doesNotMatch(r.stdout, /Claims|built a/);
  assert.match(r.stderr, /✔ built an ES384 client assertion/);
  const loud = await runCli(args);
  assert.equal(loud.code, 0);
  assert.match(loud.stdout, /Client assertion\n\s+eyJ/);
  // --quiet with --json: the JSON contract wins (the assertion is in the document).
  const json = parseJsonOutput(await runCli([...args, '--quiet', '--json']));
  assert.match(String(json['assertion']), /^eyJ/);
});

test('keygen --output jwks: stdout is the public JWKS alone (no private member), and both files are written', async () => {
  const prefix = path.join(dir, 'keys', 'app');
  const r = await runCli(['keygen', '--out', prefix, '--output', 'jwks']);
  assert.equal(r.code, 0, r.stderr);
  const jwks = JSON.parse(r.stdout) as { keys: Array<Record<string, unknown>> };
  assert.equal(jwks.keys.length, 1);
  const key = jwks.keys[0] ?? {};
  assert.equal(key['kty'], 'EC');
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.ok(!(member in key), `no private member ${member}`);
  assert.equal(r.stdout, readFileSync(`${prefix}.jwks.json`, 'utf8'), 'the same JWKS as the file');
  assert.equal(statSync(`${prefix}.private.pem`).mode & 0o777, 0o600);
  assert.match(r.stderr, /✔ wrote ES384 key pair/);
  assert.doesNotMatch(r.stderr, /PRIVATE KEY/);
  const rsa = await runCli(['keygen', '--alg', 'RS384', '--out', path.join(dir, 'rsa'), '--output', 'jwks']);
  const rsaKey = (JSON.parse(rsa.stdout) as { keys: Array<Record<string, unknown>> }).keys[0] ?? {};
  assert.equal(rsaKey['kty'], 'RSA');
  assert.ok(typeof rsaKey['n'] === 'string' && !('d' in rsaKey) && !('p' in rsaKey));
  const both = await runCli(['keygen', '--out', path.join(dir, 'j'), '--output', 'jwks', '--json']);
  assert.equal(both.code, 2);
  assert.equal((parseJsonOutput(both)['error'] as Record<string, unknown>)['code'], 'options-conflict');
});

test('README: the $(…) example of "Output for scripts" runs in a shell and captures one token', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Output for scripts'), readme.indexOf('## Live progress'));
  const line = /^TOKEN=\$\(smartctl [^\n]+\)$/m.exec(section)?.[0];
  assert.ok(line !== undefined, 'the README shows TOKEN=$(smartctl …)');
  const shim = path.join(dir, 'bin');
  mkdirSync(shim, { recursive: true });
  writeFileSync(path.join(shim, 'smartctl'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(path.join(shim, 'smartctl'), 0o755);
  const r = spawnSync('sh', ['-c', `${line} && printf '%s' "$TOKEN"`], { encoding: 'utf8', env: { ...process.env, PATH: `${shim}:${process.env['PATH'] ?? ''}`, CI: '1', NO_COLOR: '1', XDG_CACHE_HOME: CLI_CACHE_HOME } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^[A-Za-z0-9._~+/-]{20,}$/, 'one token, no report, no newline left by $(…)');
  assert.match(r.stderr, /✔ launch completed/);
});
