// smartctl check as a subprocess: exit codes 0/1/2/3, one JSON document even when the
// server cannot be reached, --fail-on warning, the human view.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { runCli } from '../helpers/run-cli.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('smartctl check (subprocess)', () => {
  it('--sandbox: exit 0, one line per test grouped, a summary line with counts and time', async () => {
    const r = await runCli(['check', '--sandbox', '--only', 'discovery,hardening']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Discovery\n  ✔ discovery-smart-configuration /m);
    assert.match(r.stdout, /^Server hardening\n  ✔ hardening-fhir-without-token /m);
    assert.match(r.stdout, /✔ check: \d+ passed, 0 failed, 0 warned, \d+ skipped in \d+\.\d s/);
  });

  it('a failing test: exit 1, ✖ line naming the finding, the finding expanded', async () => {
    const r = await runCli(['check', '--sandbox', '--sandbox-fault', 'pkce-not-advertised', '--only', 'discovery']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /✖ discovery-pkce .*→ discovery-missing-pkce-methods.*\n      #1 discovery\.smart-configuration GET http:\/\/127\.0\.0\.1:\d+\/fhir\/\.well-known\/smart-configuration → 200\n/);
    assert.match(r.stdout, /Findings \(\d+\)\n  ✖ error \(root cause\) discovery-pkce: /);
    assert.match(r.stdout, /fix: /);
    assert.match(r.stdout, /✖ check: \d+ passed, 1 failed/);
  });

  it('--fail-on warning turns a warning into exit 1; without it exit 0', async () => {
    const args = ['check', '--sandbox', '--sandbox-fault', 'slow-token-endpoint', '--only', 'standalone-launch', '--skip', 'standalone-launch-no-store,standalone-launch-scopes,standalone-launch-context,standalone-launch-id-token,standalone-launch-fhir-read,standalone-launch-authorize', '--json'];
    const lenient = await runCli(args);
    assert.equal(lenient.code, 0, lenient.stderr);
    assert.equal((JSON.parse(lenient.stdout) as { summary: { warned: number } }).summary.warned, 1);
    const strict = await runCli([...args, '--fail-on', 'warning']);
    assert.equal(strict.code, 1);
    assert.equal((JSON.parse(strict.stdout) as { ok: boolean }).ok, false);
  });

  it('unreachable server: exit 3 and still one JSON document', async () => {
    const port = await closedPort();
    const r = await runCli(['check', `http://127.0.0.1:${port}/fhir`, '--json']);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout) as { command: string; ok: boolean; findings: Array<{ id: string }>; summary: Record<string, number> };
    assert.equal(doc.command, 'check');
    assert.equal(doc.ok, false);
    assert.equal(doc.findings[0]?.id, 'server-unreachable');
    assert.deepEqual(doc.summary, { passed: 0, failed: 0, warned: 0, skipped: 0 });
    assert.match(r.stderr, /connection to 127\.0\.0\.1:\d+ refused/);
  });

  it('usage errors: exit 2 with the reason (unknown group, bad --fail-on, no base)', async () => {
    const unknown = await runCli(['check', '--sandbox', '--only', 'discovery,bogus']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown group "bogus"/);
    const failOn = await runCli(['check', '--sandbox', '--fail-on', 'info']);
    assert.equal(failOn.code, 2);
    const none = await runCli(['check']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /missing <fhir-base>/);
  });
});
