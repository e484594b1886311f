// Every diagnosis rule fires on its evidence (expecting its finding id) and stays quiet
// on clean evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved, evidenceFromTrace, mergeFindings } from '../../src/diagnose/index.js';
import { completeEvidence, type Evidence } from '../../src/diagnose/evidence.js';
import { CATALOG } from '../../src/diagnose/catalog.js';
import { Trace } from '../../src/report/trace.js';
import { makeFinding } from '../../src/report/finding.js';
import { NOW, NOW_S, unsignedJwt } from '../helpers/jwt.js';

const ids = (e: Evidence): string[] => diagnose(e, { now: NOW }).map((f) => f.id);

function traceWith(step: string, status: number, body: unknown, request: { headers?: Record<string, string>; body?: string; url?: string } = {}, responseHeaders: Record<string, string> = {}): Trace {
  const t = new Trace();
  t.addExchange({
    step,
    request: { method: 'POST', url: request.url ?? 'https://ehr/token', headers: request.headers ?? {}, body: request.body },
    response: { status, headers: { 'content-type': 'application/json', ...responseHeaders }, body: typeof body === 'string' ? body : JSON.stringify(body) },
    startedAt: NOW.toISOString(),
    durationMs: 1,
  });
  return t;
}

test('clean evidence: no findings', () => {
  const t = traceWith('token', 200, { access_token: 'a', token_type: 'Bearer', scope: 'openid fhirUser launch/patient offline_access patient/*.rs', patient: 'p1', id_token: 'x', refresh_token: 'r' });
  assert.deepEqual(ids(evidenceFromTrace(t.entries, { requestedScope: 'openid fhirUser launch/patient offline_access patient/*.rs' })), []);
});

test('openid-scope-dropped: openid requested, not granted, no id_token', () => {
  const t = traceWith('token', 200, { access_token: 'a', token_type: 'Bearer', scope: 'launch online_access patient/Patient.read' });
  const findings = diagnose(evidenceFromTrace(t.entries, { requestedScope: 'launch online_access openid profile patient/Patient.read' }), { now: NOW });
  const f = findings.find((x) => x.id === 'openid-scope-dropped');
  assert.ok(f);
  assert.match(f.title, /openid, profile were requested/);
  assert.equal(f.causes?.length, 3);
  assert.match(f.fix ?? '', /--scope "openid fhirUser"/);
});

test('force-authn-rejected: 400 on an authorize request with forceAuthn=true', () => {
  const url = 'https://ehr/authorize?response_type=code&forceAuthn=true&client_id=a';
  const t = traceWith('authorize.preflight', 400, '<html>Bad Request</html>', { url, headers: { cookie: 'SESSION=1' } });
  const findings = diagnose(evidenceFromTrace(t.entries, { authorizeUrl: url }), { now: NOW });
  const f = findings.find((x) => x.id === 'force-authn-rejected');
  assert.ok(f);
  assert.match(f.detail, /session cookies/);
  assert.match(f.fix ?? '', /prompt=login/);
  assert.match(f.fix ?? '', /--fresh-session/);
  assert.deepEqual(ids(evidenceFromTrace(traceWith('authorize.preflight', 400, 'x', { url: 'https://ehr/authorize?x=1' }).entries, { authorizeUrl: 'https://ehr/authorize?x=1' })).includes('force-authn-rejected'), false);
});

test('client-assertion-in-authorization-header: the seed case and a Bearer JWT header', () => {
  const seed = evidenceFromSaved({ status: 401, body: JSON.stringify({ error: 'invalid_client', error_uri: 'https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-authorization-header/instances/x?client=unknown' }) });
  assert.deepEqual(ids(seed), ['client-assertion-in-authorization-header']);
  const assertion = unsignedJwt({ iss: 'app', sub: 'app', aud: 'https://ehr/fhir', exp: NOW_S + 200, iat: NOW_S, jti: 'j' }, { alg: 'ES384', kid: 'k' });
  const t = traceWith('token', 401, { error: 'invalid_client' }, { headers: { authorization: `Bearer ${assertion}` }, body: 'grant_type=client_credentials' });
  const f = diagnose(evidenceFromTrace(t.entries, { clientId: 'app', tokenEndpoint: 'https://ehr/token' }), { now: NOW }).find((x) => x.id === 'client-assertion-in-authorization-header');
  assert.ok(f);
  assert.match(f.detail, /assertion-aud-mismatch/, 'the assertion sent is checked too');
  assert.equal(ids(evidenceFromSaved({ status: 401, body: '{"error":"invalid_client"}' })).includes('client-assertion-in-authorization-header'), false);
});

test('token errors: invalid_client, invalid_grant, PKCE, redirect_uri, invalid_scope', () => {
  assert.deepEqual(ids(evidenceFromSaved({ status: 401, body: '{"error":"invalid_client"}', endpoint: 'token' })), ['token-invalid-client']);
  assert.deepEqual(ids(evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant","error_description":"code already used"}' })), ['invalid-grant-code']);
  assert.deepEqual(ids(evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant","error_description":"code_verifier does not match"}' })), ['pkce-verifier-mismatch']);
  assert.deepEqual(ids(evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant","error_description":"redirect_uri mismatch"}' })), ['redirect-uri-mismatch']);
  assert.deepEqual(ids(evidenceFromSaved({ status: 400, body: '{"error":"invalid_scope"}', endpoint: 'token' })), ['invalid-scope']);
});

test('callback errors: access_denied', () => {
  const e: Evidence = completeEvidence({ responses: [], messages: [], callbackError: { error: 'access_denied', error_description: 'user said no' } });
  assert.deepEqual(ids(e), ['access-denied-by-user']);
});

test('FHIR 401 and 403', () => {
  const expired = evidenceFromSaved({ status: 401, endpoint: 'fhir', responseHeaders: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' }, requestHeaders: { authorization: 'Bearer abc' } });
  assert.deepEqual(ids(expired), ['fhir-401-expired-token']);
  const aud = evidenceFromSaved({ status: 401, endpoint: 'fhir', responseHeaders: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The audience is invalid"' }, requestHeaders: { authorization: 'Bearer abc' } });
  assert.deepEqual(ids(aud), ['fhir-401-invalid-audience']);
  // Missing evidence is not negative evidence: a bare 401 abstains; a known request without Authorization is no-token.
  assert.deepEqual(ids(evidenceFromSaved({ status: 401, endpoint: 'fhir' })), ['unknown-failure']);
  assert.deepEqual(ids(evidenceFromSaved({ status: 401, endpoint: 'fhir', requestHeaders: { accept: 'application/fhir+json' } })), ['fhir-401-no-token']);
  const forbidden = evidenceFromSaved({ status: 403, endpoint: 'fhir', responseHeaders: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="patient/Observation.rs"' } });
  const f = diagnose(forbidden, { now: NOW })[0];
  assert.equal(f?.id, 'fhir-403-insufficient-scope');
  assert.match(f?.detail ?? '', /patient\/Observation\.rs/);
});

test('token response: missing patient context, refresh without refresh scope', () => {
  const e = evidenceFromSaved({ tokenResponse: { access_token: 'a', scope: 'launch/patient patient/*.rs', refresh_token: 'r' } });
  assert.deepEqual(ids(e).sort(), ['granted-scope-lacks-refresh-scope', 'token-response-missing-launch-context']);
});

test('authorize URL lints, including a wrapped vendor login URL', () => {
  const inner = 'https://ehr/authorize?response_type=code&client_id=a&scope=system%2F*.rs&forceAuthn=true';
  const e = evidenceFromSaved({ authorizeUrl: `https://login.vendor/login?to=${encodeURIComponent(inner)}` });
  const found = ids(e);
  for (const id of ['authorize-url-wrapped', 'authorize-nonstandard-parameter', 'pkce-missing', 'system-scope-in-user-request', 'aud-missing', 'state-missing']) assert.ok(found.includes(id), `${id} in ${found.join(',')}`);
  const good = 'https://ehr/authorize?response_type=code&client_id=a&scope=openid&state=s&aud=https%3A%2F%2Fehr%2Ffhir&code_challenge=x&code_challenge_method=S256';
  assert.deepEqual(ids(evidenceFromSaved({ authorizeUrl: good })), []);
});

test('mergeFindings keeps one finding per id, the richer one', () => {
  const thin = makeFinding({ id: 'openid-scope-dropped', severity: 'error', title: 't', detail: 'd' });
  const rich = makeFinding({ id: 'openid-scope-dropped', severity: 'error', title: 't2', detail: 'dd', causes: ['a'] });
  assert.deepEqual(mergeFindings([thin], [rich]), [rich]);
});

test('every catalog rule has a distinct id', () => {
  assert.equal(new Set(CATALOG.map((r) => r.id)).size, CATALOG.length);
});

test('refresh scope granted without a refresh token; redirect_uri named on an HTML error page', () => {
  assert.deepEqual(ids(evidenceFromSaved({ tokenResponse: { access_token: 'a', scope: 'openid offline_access' } })), ['no-refresh-token-despite-offline-access']);
  assert.deepEqual(ids(evidenceFromSaved({ status: 400, endpoint: 'authorize', body: '<html><h1>Bad request</h1><p>redirect_uri does not match the registration</p></html>' })), ['redirect-uri-mismatch']);
});

test('token endpoint 5xx, slow answers, and scopes granted in the other syntax', () => {
  assert.deepEqual(ids(evidenceFromSaved({ status: 500, endpoint: 'token', body: '{"message":"oops"}' })), ['token-endpoint-server-error']);
  const slow = traceWith('token', 200, { access_token: 'a', token_type: 'Bearer', scope: 'openid' });
  const entry = slow.entries[0];
  if (entry?.type === 'exchange') entry.durationMs = 3100;
  assert.ok(ids(evidenceFromTrace(slow.entries, {})).includes('token-endpoint-slow'));
  const v1 = evidenceFromSaved({ tokenResponse: { access_token: 'a', scope: 'patient/Observation.read offline_access', refresh_token: 'r' }, requestedScope: 'patient/Observation.rs offline_access' });
  assert.deepEqual(ids(v1), ['scope-v1-v2-syntax-mismatch']);
});
