// The README's exit-code table, held to what the commands do against real servers: a
// server that answers with an HTTP error status smartctl diagnoses is a finding (1);
// only a server that cannot be reached or read at all is a network error (3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';
import { startStaticServer } from '../helpers/static-server.js';

const secret = { SMARTCTL_CLIENT_SECRET: 'not-the-right-one' };
const tokenArgs = (url: string): string[] => ['token', '--grant', 'client_credentials', '--token-url', url, '--client-id', 'app', '--auth-method', 'client_secret_basic', '--json'];

test('a 401 from the token endpoint is a finding: exit 1, not 3', async () => {
  const server = await startStaticServer({ '/token': { status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' } } });
  try {
    const r = await runCli(tokenArgs(`${server.origin}/token`), { env: secret });
    assert.equal(r.code, 1, r.stderr);
    const report = parseJsonOutput(r);
    assert.equal(report['ok'], false);
    assert.ok((report['findings'] as Array<{ severity: string }>).some((f) => f.severity === 'error'));
    assert.equal(server.requests.length, 1, 'the request was made');
  } finally {
    await server.close();
  }
});

test('discovery where every document answers 404 is a finding: exit 1', async () => {
  const server = await startStaticServer();
  try {
    const r = await runCli(['discover', `${server.origin}/fhir`, '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(parseJsonOutput(r)['ok'], false);
    assert.ok(server.requests.length >= 2, 'smart-configuration and metadata were both asked');
  } finally {
    await server.close();
  }
});

test('a server that cannot be reached or read is a network error: exit 3', async () => {
  const closed = await startStaticServer();
  const origin = closed.origin;
  await closed.close();
  const refusedToken = await runCli(tokenArgs(`${origin}/token`), { env: secret });
  assert.equal(refusedToken.code, 3, refusedToken.stderr);
  assert.match(refusedToken.stderr, /^smartctl: /m);
  const refusedDiscover = await runCli(['discover', `${origin}/fhir`]);
  assert.equal(refusedDiscover.code, 3, refusedDiscover.stderr);

  // Discovery answered with a web page where JSON is required.
  const html = await startStaticServer({ '/fhir/.well-known/smart-configuration': { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>sign in</html>' } });
  try {
    const r = await runCli(['discover', `${html.origin}/fhir`]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /not JSON/);
  } finally {
    await html.close();
  }
});
