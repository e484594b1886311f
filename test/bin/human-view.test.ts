// The human view of launch and token as a user sees it: the access_token line (redacted,
// with its type and length), the id_token's times as dates, and the trace only with
// --verbose.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { runCli } from '../helpers/run-cli.js';

let sandbox: SandboxHandle;
before(async () => {
  sandbox = await startSandbox({});
});
after(async () => {
  await sandbox.close();
});

const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

test('launch: the access_token line, id_token times as dates; the trace only with --verbose', async () => {
  const r = await runCli(['launch', '--sandbox', '--headless']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\n {2}access_token +\[REDACTED\] {2}\(Bearer, 43 characters, opaque, not a JWT\)\n/);
  assert.match(r.stdout, new RegExp(`\\n {2}exp +\\d+ {2}${ISO} \\(expires in 60 min\\)\\n`));
  assert.match(r.stdout, new RegExp(`\\n {2}iat +\\d+ {2}${ISO} \\(\\d+ s ago\\)\\n`));
  assert.match(r.stdout, new RegExp(`\\n {2}auth_time +\\d+ {2}${ISO} \\(\\d+ s ago\\)\\n`));
  assert.doesNotMatch(r.stdout, /^Trace$/m);
  assert.doesNotMatch(r.stdout, /#\d+ discovery\.smart-configuration GET/);
  assert.match(r.stdout, /\n1[0-9] HTTP exchanges in the trace: --verbose shows them in full\n/);

  const v = await runCli(['launch', '--sandbox', '--headless', '--verbose']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^Trace$/m);
  assert.match(v.stdout, /#\d+ discovery\.smart-configuration GET http:\/\/127\.0\.0\.1:\d+\/fhir\/\.well-known\/smart-configuration → 200/);
  assert.match(v.stdout, /#\d+ token POST .* → 200[^\n]*\n(?: +> [^\n]+\n)+/, 'the token request headers, in full');
  assert.doesNotMatch(v.stdout, /HTTP exchanges in the trace: --verbose/);
});

test('token: the access_token line, and the trace only with --verbose', async () => {
  const key = sandbox.clients.find((c) => c.client_id === sandbox.demoClients.backend)?.private_key_file ?? '';
  const args = ['token', '--grant', 'client_credentials', '--iss', sandbox.fhirBaseUrl, '--client-id', sandbox.demoClients.backend, '--key', key, '--scope', 'system/Patient.rs'];
  const r = await runCli(args);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\n {2}access_token +\[REDACTED\] {2}\(Bearer, \d+ characters, (?:opaque, not a JWT|JWT, exp [^\n]+)\)\n/);
  assert.doesNotMatch(r.stdout, /^Trace$/m);
  assert.match(r.stdout, /\n\d+ HTTP exchanges in the trace: --verbose shows them in full\n/);
  const v = await runCli([...args, '--verbose']);
  assert.match(v.stdout, /^Trace$/m);
  assert.match(v.stdout, /#\d+ token POST /);
});
