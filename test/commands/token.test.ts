// tokenCommand in process: the sandbox's backend client (private_key_jwt), the assertion
// wrongly sent in a header, and token endpoints that answer 500 HTML or a non-JSON 200.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenCommand } from '../../src/commands/token.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { testContext } from '../helpers/command-context.js';
import { startStaticServer } from '../helpers/static-server.js';

test('client_credentials with private_key_jwt: decoded token, no findings; the same assertion in a header is diagnosed', async () => {
  const sandbox = await startSandbox({});
  try {
    const backend = sandbox.clients.find((c) => c.client_id === sandbox.demoClients.backend);
    assert.ok(backend?.private_key_file);
    const opts = { grant: 'client_credentials', iss: sandbox.fhirBaseUrl, clientId: backend.client_id, key: backend.private_key_file, scope: 'system/Patient.rs' };
    const ok = await tokenCommand(testContext(), opts);
    assert.equal(ok.ok, true, JSON.stringify(ok.findings, null, 2));
    assert.equal(ok.data['authMethod'], 'private_key_jwt');
    assert.equal(ok.data['status'], 200);
    assert.equal((ok.data['tokenResponse'] as Record<string, unknown>)['scope'], 'system/Patient.rs');
    assert.ok('access_token' in (ok.data['decoded'] as Record<string, unknown>));
    const body = (ok.trace ?? []).find((e) => e.type === 'exchange' && e.step === 'token');
    assert.match(body?.type === 'exchange' ? (body.request.body ?? '') : '', /client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer/);

    const inHeader = await tokenCommand(testContext(), { ...opts, assertionInHeader: true });
    assert.equal(inHeader.ok, false);
    assert.equal(inHeader.data['status'], 401);
    const ids = inHeader.findings.map((f) => f.id);
    assert.ok(ids.includes('client-assertion-in-authorization-header'), ids.join(', '));
  } finally {
    await sandbox.close();
  }
});

test('a token endpoint answering 500 HTML or 200 non-JSON gives findings, not a crash', async () => {
  const server = await startStaticServer({
    '/token-500': { status: 500, headers: { 'content-type': 'text/html' }, body: '<h1>Internal Server Error</h1>' },
    '/token-html': { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' },
  });
  try {
    const opts = { grant: 'client_credentials', clientId: 'svc', clientSecret: 's', scope: 'system/Patient.rs' };
    const failed = await tokenCommand(testContext(), { ...opts, tokenUrl: `${server.origin}/token-500` });
    assert.equal(failed.ok, false);
    assert.ok(failed.findings.some((f) => f.id === 'token-request-failed'));
    assert.ok(failed.findings.some((f) => f.id === 'token-endpoint-server-error'), failed.findings.map((f) => f.id).join(', '));
    const html = await tokenCommand(testContext(), { ...opts, tokenUrl: `${server.origin}/token-html` });
    assert.equal(html.ok, false, 'a non-JSON 200 is not a token');
    assert.ok(html.findings.length > 0);
  } finally {
    await server.close();
  }
});
