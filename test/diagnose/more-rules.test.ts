// The catalog rules beyond the three motivating diagnoses: each fires on its evidence
// (expecting its finding id) and stays quiet on near misses.
import { test } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved, evidenceFromTrace } from '../../src/diagnose/index.js';
import type { Evidence } from '../../src/diagnose/evidence.js';
import { Trace } from '../../src/report/trace.js';
import { NOW, NOW_S, unsignedJwt } from '../helpers/jwt.js';

const ids = (e: Evidence): string[] => diagnose(e, { now: NOW }).map((f) => f.id);
const errorUri = (urn: string, query = 'client=unknown&tenant=t1'): string => `https://authorization.cerner.com/errors/${encodeURIComponent(urn)}/instances/0b1c?${query}`;

function fhirTrace(status: number, token: string, responseHeaders: Record<string, string> = {}, url = 'https://ehr.example/fhir/Patient/1'): Trace {
  const t = new Trace();
  t.addExchange({ step: 'fhir.read', request: { method: 'GET', url, headers: { authorization: `Bearer ${token}` } }, response: { status, headers: responseHeaders, body: '' }, startedAt: NOW.toISOString(), durationMs: 1 });
  return t;
}

test('cerner-invalid-client-credentials: the URN with client=unknown, instead of the generic invalid_client', () => {
  const body = JSON.stringify({ error: 'invalid_client', error_uri: errorUri('urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials') });
  const f = diagnose(evidenceFromSaved({ status: 401, body, endpoint: 'token', requestHeaders: { authorization: 'Basic YTpi' } }), { now: NOW });
  assert.deepEqual(f.map((x) => x.id), ['cerner-invalid-client-credentials']);
  assert.match(f[0]?.detail ?? '', /client=unknown/);
  assert.match(f[0]?.detail ?? '', /Authorization: Basic \.\.\./);
  assert.ok(!(f[0]?.detail ?? '').includes('YTpi'));
  assert.deepEqual(ids(evidenceFromSaved({ status: 401, body: '{"error":"invalid_client"}', endpoint: 'token' })), ['token-invalid-client']);
});

test('cerner-missing-patient-context: access_denied naming grant:missing-patient is not a user decision', () => {
  const e = evidenceFromSaved({ authorizeUrl: 'https://ehr/authorize?response_type=code&client_id=a&scope=patient%2FPatient.read&state=s&aud=https%3A%2F%2Fehr%2Ffhir&code_challenge=x&code_challenge_method=S256' });
  e.callbackError = { error: 'access_denied', error_uri: errorUri('urn:cerner:error:authorization-server:oauth2:grant:missing-patient', 'client=a&tenant=t1&persona=patient') };
  const found = ids(e);
  assert.ok(found.includes('cerner-missing-patient-context'), found.join(','));
  assert.ok(!found.includes('access-denied-by-user'));
  e.callbackError = { error: 'access_denied', error_uri: errorUri('urn:cerner:error:authorization-server:oauth2:grant:denied-by-user') };
  const denied = diagnose(e, { now: NOW });
  assert.equal(denied[0]?.id, 'access-denied-by-user');
  // The request's patient/ scopes without launch/patient are noticed, not blamed.
  assert.deepEqual(denied.slice(1).map((f) => [f.id, f.role]), [['launch-scope-flow-confusion', 'also-noticed']]);
});

test('no-refresh-token-without-offline-scope: info when neither refresh scope was asked', () => {
  const f = diagnose(evidenceFromSaved({ tokenResponse: { access_token: 'a', token_type: 'Bearer', scope: 'openid fhirUser', id_token: 'x' }, requestedScope: 'openid fhirUser' }), { now: NOW });
  assert.deepEqual(f.map((x) => [x.id, x.severity]), [['no-refresh-token-without-offline-scope', 'info']]);
  assert.deepEqual(ids(evidenceFromSaved({ tokenResponse: { access_token: 'a', scope: 'openid online_access', refresh_token: 'r', id_token: 'x' }, requestedScope: 'openid online_access' })), []);
  const backend = evidenceFromSaved({ tokenResponse: { access_token: 'a', scope: 'system/Patient.rs' }, requestedScope: 'system/Patient.rs' });
  backend.launchType = 'backend';
  assert.deepEqual(ids(backend), []);
});

test('fhir-401-expired-token from the access token exp when the server says only invalid_token', () => {
  const token = unsignedJwt({ exp: NOW_S - 90, aud: 'https://ehr.example/fhir' });
  const f = diagnose(evidenceFromTrace(fhirTrace(401, token, { 'www-authenticate': 'Bearer error="invalid_token"' }).entries), { now: NOW });
  assert.deepEqual(f.map((x) => x.id), ['fhir-401-expired-token']);
  assert.match(f[0]?.detail ?? '', /exp is 90 s in the past/);
});

test('fhir-401-invalid-audience from the access token aud naming another server', () => {
  const token = unsignedJwt({ exp: NOW_S + 300, aud: 'https://other.example/fhir' });
  const f = diagnose(evidenceFromTrace(fhirTrace(401, token, { 'www-authenticate': 'Bearer error="invalid_token"' }).entries), { now: NOW });
  assert.deepEqual(f.map((x) => x.id), ['fhir-401-invalid-audience']);
  assert.match(f[0]?.detail ?? '', /expected the FHIR base "https:\/\/ehr\.example\/fhir\/Patient\/1" or a prefix of it, got \["https:\/\/other\.example\/fhir"\]/);
});

test('fhir-401-invalid-token: a valid-looking token the server rejects', () => {
  const token = unsignedJwt({ exp: NOW_S + 300, aud: 'https://ehr.example/fhir' });
  assert.deepEqual(ids(evidenceFromTrace(fhirTrace(401, token, { 'www-authenticate': 'Bearer error="invalid_token"' }).entries)), ['fhir-401-invalid-token']);
});

test('fhir-403-outside-patient-context', () => {
  const e = evidenceFromSaved({ status: 403, endpoint: 'fhir', body: '{"resourceType":"OperationOutcome","issue":[{"diagnostics":"Interaction with Patient/123 is not permitted under patient context"}]}' });
  assert.deepEqual(ids(e), ['fhir-403-outside-patient-context']);
});

test('refresh-token-rejected: invalid_grant on a refresh request', () => {
  const t = new Trace();
  t.addExchange({ step: 'refresh', request: { method: 'POST', url: 'https://ehr/token', headers: {}, body: 'grant_type=refresh_token&refresh_token=r' }, response: { status: 400, headers: {}, body: '{"error":"invalid_grant"}' }, startedAt: NOW.toISOString(), durationMs: 1 });
  assert.deepEqual(ids(evidenceFromTrace(t.entries)), ['refresh-token-rejected']);
});

test('pkce-method-not-s256: plain PKCE in a saved authorize URL', () => {
  const url = 'https://ehr/authorize?response_type=code&client_id=a&scope=openid&state=s&aud=https%3A%2F%2Fehr%2Ffhir&code_challenge=x&code_challenge_method=plain';
  assert.deepEqual(ids(evidenceFromSaved({ authorizeUrl: url })), ['pkce-method-not-s256']);
});

test('regression: a malformed percent-escape in error_uri is evidence, not a crash', () => {
  const body = JSON.stringify({ error: 'invalid_client', error_uri: 'https://x.example/errors/%E0%A4%A' });
  assert.deepEqual(ids(evidenceFromSaved({ status: 401, endpoint: 'token', body })), ['token-invalid-client']);
});

test('property: any OAuth error body at any endpoint gives well-formed findings, never a throw', () => {
  const text = fc.oneof(fc.string(), fc.constantFrom('%', '%E0%A4%A', 'invalid-authorization-header', 'redirect_uri', 'urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-client-credentials'));
  const body = fc.record({ error: fc.constantFrom('invalid_client', 'invalid_grant', 'invalid_scope', 'access_denied', 'invalid_request', 'x'), error_description: text, error_uri: text.map((t) => `https://a.example/errors/${t}/instances/1?client=unknown`) }, { requiredKeys: ['error'] });
  fc.assert(
    fc.property(body, fc.constantFrom('token', 'authorize', 'fhir', 'discovery', undefined), fc.integer({ min: 100, max: 599 }), (b, endpoint, status) => {
      const found = diagnose(evidenceFromSaved({ status, endpoint, body: JSON.stringify(b), requestHeaders: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' } }), { now: NOW });
      return found.every((f) => /^[a-z0-9-]+$/.test(f.id) && f.title.length > 0 && f.detail.length > 0);
    }),
    { numRuns: 1000 },
  );
});

test('token-invalid-client: the run\'s auth method picks the causes when the trace alone cannot tell', () => {
  const t = new Trace();
  t.addExchange({ step: 'token', request: { method: 'POST', url: 'https://ehr/token', headers: {}, body: 'grant_type=authorization_code&code=c' }, response: { status: 401, headers: {}, body: '{"error":"invalid_client"}' }, startedAt: NOW.toISOString(), durationMs: 1 });
  const asJwt = diagnose(evidenceFromTrace(t.entries, { authMethod: 'private_key_jwt' }), { now: NOW })[0];
  assert.equal(asJwt?.id, 'token-invalid-client');
  assert.ok(asJwt?.causes?.some((c) => /RS384 or ES384/.test(c)));
  const asNone = diagnose(evidenceFromTrace(t.entries, { authMethod: 'none' }), { now: NOW })[0];
  assert.ok(asNone?.causes?.some((c) => /registered as confidential/.test(c)));
});
