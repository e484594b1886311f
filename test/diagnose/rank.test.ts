// Ranking: the first finding explains the observed failure or says it cannot; lints that
// are true but explain nothing come after, marked also-noticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainCommand } from '../../src/commands/explain.js';
import { testContext } from '../helpers/command-context.js';

const NO_PKCE = 'https://ehr.example/authorize?response_type=code&client_id=app&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcb&scope=openid%20patient%2F*.rs&state=s1&aud=https%3A%2F%2Fehr.example%2Ffhir';

test('the server said invalid_scope: that is the root cause; the missing PKCE challenge is only also-noticed', async () => {
  const r = await explainCommand(testContext(), { url: NO_PKCE, status: 400, body: '{"error":"invalid_scope","error_description":"Invalid scopes: patient/*.rs"}' });
  assert.equal(r.findings[0]?.id, 'invalid-scope');
  assert.equal(r.findings[0]?.role, 'root-cause');
  const pkce = r.findings.find((f) => f.id === 'pkce-missing');
  assert.ok(pkce, 'the lint still reports the missing challenge');
  assert.notEqual(pkce.role, 'root-cause');
  assert.ok(r.findings.indexOf(pkce) > 0);
});

test('an unlisted Oracle Health URN: unknown-failure quotes the decoded URN, the instance, client and tenant', async () => {
  const uri = 'https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Asomething-new/instances/0d1e2f3a-aaaa-bbbb-cccc-123456789abc?client=my-app&tenant=t-1';
  const r = await explainCommand(testContext(), { status: 400, body: JSON.stringify({ error: 'invalid_request', error_uri: uri }) });
  const [top] = r.findings;
  assert.equal(top?.id, 'unknown-failure');
  assert.equal(top?.severity, 'warning');
  assert.match(top?.detail ?? '', /urn:cerner:error:authorization-server:oauth2:something-new/);
  assert.match(top?.detail ?? '', /instance 0d1e2f3a-aaaa-bbbb-cccc-123456789abc, client=my-app, tenant=t-1/);
  assert.match(top?.fix ?? '', /instance id/);
});

test('a curl line is the whole request: a FHIR 401 to a request without Authorization is fhir-401-no-token', async () => {
  const r = await explainCommand(testContext(), { curl: "curl -H 'Accept: application/fhir+json' https://fhir.example/r4/Patient/123", status: 401 });
  assert.equal(r.findings[0]?.id, 'fhir-401-no-token');
  const bare = await explainCommand(testContext(), { url: 'https://fhir.example/r4/Patient/123', status: 401 });
  assert.equal(bare.findings[0]?.id, 'unknown-failure', 'without the request nobody knows whether a token was sent');
});

test('a curl line with the assertion as a Bearer header and a bare invalid_client names the header', async () => {
  const jwt = 'eyJhbGciOiJSUzM4NCIsImtpZCI6ImsxIn0.eyJpc3MiOiJhcHAiLCJzdWIiOiJhcHAiLCJhdWQiOiJodHRwczovL2Voci5leGFtcGxlL3Rva2VuIiwiZXhwIjoxNzk2MTI2NjAwLCJqdGkiOiJqMSJ9.c2ln';
  const r = await explainCommand(testContext(), { curl: `curl -X POST https://ehr.example/token -H "Authorization: Bearer ${jwt}" -d grant_type=client_credentials -d scope=system/Patient.rs`, status: 401, body: '{"error":"invalid_client"}' });
  assert.equal(r.findings[0]?.id, 'client-assertion-in-authorization-header');
  assert.equal(r.findings[0]?.basis, 'request-shape');
});

test('--request-body and --message reach the rules; the report names the diagnosis and its role', async () => {
  const r = await explainCommand(testContext(), { status: 400, body: '{"error":"invalid_grant","error_description":"PKCE verification failed"}', requestBody: 'grant_type=authorization_code&code=c&code_verifier=v' });
  assert.equal(r.findings[0]?.id, 'pkce-verifier-mismatch');
  assert.deepEqual(r.data['diagnosis'], { id: 'pkce-verifier-mismatch', role: 'root-cause', basis: 'server-words' });
  const m = await explainCommand(testContext(), { message: ["No 'state' parameter found. Please (re)launch the app."] });
  assert.deepEqual((m.data['evidence'] as { messages: string[] }).messages, ["No 'state' parameter found. Please (re)launch the app."]);
  assert.equal(m.findings[0]?.role === 'root-cause' || m.findings[0]?.id === 'unknown-failure', true);
});

test('a client_credentials token response with system/ scopes is not called a user-facing request', async () => {
  const r = await explainCommand(testContext(), {
    curl: "curl -X POST https://ehr.example/token -d grant_type=client_credentials -d scope=system/Patient.rs -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d client_assertion=eyJhbGciOiJSUzM4NCJ9.e30.c2ln",
    status: 200,
    body: '{"access_token":"a","token_type":"Bearer","expires_in":300,"scope":"system/Patient.rs"}',
    tokenResponse: '{"access_token":"a","token_type":"Bearer","expires_in":300,"scope":"system/Patient.rs"}',
  });
  assert.ok(!r.findings.some((f) => f.id === 'system-scope-in-user-request'), r.findings.map((f) => f.id).join(', '));
});
