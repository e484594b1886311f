// `smartctl sandbox` as a user runs it: start-up report (one JSON line with --json),
// Ctrl-C closes it cleanly (exit 0), bad input exits 2.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, CLI_CACHE_HOME, REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { FAULT_NAMES } from '../../src/sandbox/faults/index.js';

interface Running {
  child: ChildProcessWithoutNullStreams;
  firstLine: string;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<number>;
}

function startCli(args: string[]): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', CI: '1', XDG_CACHE_HOME: CLI_CACHE_HOME } });
    let stdout = '';
    let stderr = '';
    let resolved = false;
    const exit = new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not start\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // The JSON line, or the human view's last line.
      const ready = args.includes('--json') ? stdout.includes('\n') : stdout.includes('Ctrl-C');
      if (ready && !resolved) {
        resolved = true;
        clearTimeout(timer);
        resolve({ child, firstLine: stdout.split('\n')[0] ?? '', stderr: () => stderr, stdout: () => stdout, exit });
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    void exit.then((code) => {
      if (!resolved) {
        clearTimeout(timer);
        reject(new Error(`sandbox exited ${code} before starting\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
    });
  });
}

describe('smartctl sandbox (subprocess)', () => {
  it('--json prints exactly one JSON line with URLs, faults and clients, serves, and exits 0 on SIGINT', async () => {
    const run = await startCli(['sandbox', '--json', '--fault', 'drop-openid', '--fault', 'jwks-down']);
    const doc = JSON.parse(run.firstLine) as Record<string, unknown>;
    assert.match(String(doc['fhirBaseUrl']), /^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
    assert.match(String(doc['issuer']), /^http:\/\/127\.0\.0\.1:\d+\/oauth$/);
    assert.match(String(doc['ehrLaunchUrl']), /\/ehr\/launch$/);
    assert.deepEqual(doc['faults'], ['drop-openid', 'jwks-down']);
    const clients = doc['clients'] as Array<Record<string, unknown>>;
    const ids = clients.map((c) => c['client_id']);
    assert.deepEqual(ids, ['smartctl-public', 'smartctl-confidential', 'smartctl-backend']);
    const confidential = clients[1] ?? {};
    assert.match(String(confidential['client_secret']), /^[A-Za-z0-9_-]{20,}$/, 'the demo secret is printed, not redacted');
    const backend = clients[2] ?? {};
    assert.equal(backend['token_endpoint_auth_method'], 'private_key_jwt');
    assert.ok(existsSync(String(backend['private_key_file'])));
    assert.ok(Array.isArray((backend['jwks'] as { keys: unknown[] }).keys));
    for (const c of clients) for (const k of ['client_id', 'token_endpoint_auth_method', 'redirect_uris', 'grant_types', 'scope']) assert.ok(k in c, `${String(c['client_id'])} has ${k}`);

    const config = await fetch(`${String(doc['fhirBaseUrl'])}/.well-known/smart-configuration`);
    assert.equal(config.status, 200);
    await config.text();
    const jwks = await fetch(`${String(doc['issuer'])}/jwks`);
    assert.equal(jwks.status, 503, 'the jwks-down fault is active');
    await jwks.text();

    run.child.kill('SIGINT');
    assert.equal(await run.exit, 0);
    assert.equal(run.stdout().trim().split('\n').length, 1, 'one line on stdout');
    assert.ok(!existsSync(String(backend['private_key_file'])), 'the key is removed on close');
  });

  it('the human view lists URLs, clients with their secret and key file, and faults', async () => {
    const run = await startCli(['sandbox', '--fault', 'token-500']);
    const out = run.stdout();
    assert.match(out, /FHIR base URL\s+http:\/\/127\.0\.0\.1:\d+\/fhir/);
    assert.match(out, /issuer\s+http:\/\/127\.0\.0\.1:\d+\/oauth/);
    assert.match(out, /EHR launch\s+http:\/\/127\.0\.0\.1:\d+\/ehr\/launch\?launch_url=/);
    assert.match(out, /token-500: every token request is answered 500/);
    assert.match(out, /client_secret\s+[A-Za-z0-9_-]{20,}/);
    assert.match(out, /private key \(PEM\)\s+\S+smartctl-backend\.private\.pem/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
  });

  it('--help lists every fault with what it mirrors', async () => {
    const r = await runCli(['sandbox', '--help']);
    assert.equal(r.code, 0);
    for (const name of FAULT_NAMES) assert.match(r.stdout, new RegExp(`^  ${name}$`, 'm'));
    assert.match(r.stdout, /mirrors: /);
    assert.match(r.stdout, /Examples:/);
  });

  it('an unknown fault is a usage error (exit 2) listing the valid faults', async () => {
    const r = await runCli(['sandbox', '--fault', 'drop-openid', '--fault', 'bogus']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown fault "bogus"; valid faults: drop-openid, /);
    assert.equal(r.stdout, '');
  });

  it('a bad --clients file is an input error (exit 2)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'smartctl-clients-'));
    try {
      const bad = path.join(dir, 'bad.json');
      writeFileSync(bad, '{"client_id": ');
      const notJson = await runCli(['sandbox', '--clients', bad]);
      assert.equal(notJson.code, 2);
      assert.match(notJson.stderr, /is not JSON/);
      const noId = path.join(dir, 'noid.json');
      writeFileSync(noId, '[{"redirect_uris":["http://127.0.0.1/cb"]}]');
      const missingId = await runCli(['sandbox', '--clients', noId]);
      assert.equal(missingId.code, 2);
      assert.match(missingId.stderr, /client_id is missing/);
      const missing = await runCli(['sandbox', '--clients', path.join(dir, 'nope.json')]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read --clients .*no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('registers --clients next to the demo clients', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'smartctl-clients-'));
    try {
      const file = path.join(dir, 'clients.json');
      writeFileSync(file, JSON.stringify([{ client_id: 'my-app', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none', scope: 'openid patient/*.rs launch/patient' }]));
      const run = await startCli(['sandbox', '--json', '--clients', file, '--scopes', 'v2']);
      const doc = JSON.parse(run.firstLine) as { clients: Array<Record<string, unknown>>; fhirBaseUrl: string };
      assert.deepEqual(doc.clients.map((c) => c['client_id']), ['smartctl-public', 'smartctl-confidential', 'smartctl-backend', 'my-app']);
      const caps = ((await (await fetch(`${doc.fhirBaseUrl}/.well-known/smart-configuration`)).json()) as { capabilities: string[] }).capabilities;
      assert.ok(!caps.includes('permission-v1'));
      run.child.kill('SIGINT');
      assert.equal(await run.exit, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a port in use is a clear error with exit 2', async () => {
    const run = await startCli(['sandbox', '--json']);
    const port = new URL(String((JSON.parse(run.firstLine) as Record<string, unknown>)['issuer'])).port;
    try {
      const r = await runCli(['sandbox', '--port', port]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      run.child.kill('SIGINT');
      await run.exit;
    }
  });

  it('a bad --port or --scopes is a usage error', async () => {
    assert.equal((await runCli(['sandbox', '--port', '70000'])).code, 2);
    assert.equal((await runCli(['sandbox', '--scopes', 'v3'])).code, 2);
  });
});
