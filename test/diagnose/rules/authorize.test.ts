// The authorize-phase rules (src/diagnose/rules/authorize/): each finding id on its evidence,
// with its role and basis, causes ordered by the evidence, and silent where it does not apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved, evidenceFromTrace } from '../../../src/diagnose/index.js';
import { lintAuthorizeRequest } from '../../../src/diagnose/authorize-request-lint.js';
import type { Finding } from '../../../src/report/finding.js';
import { Trace } from '../../../src/report/trace.js';
import { NOW } from '../../helpers/jwt.js';

const run = (e: Parameters<typeof diagnose>[0]): Finding[] => diagnose(e, { now: NOW });
const find = (fs: Finding[], id: string): Finding | undefined => fs.find((f) => f.id === id);
const q = (p: Record<string, string>): string => new URLSearchParams(p).toString();
const PKCE = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
const BASE = { response_type: 'code', client_id: 'app', redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'openid fhirUser launch/patient patient/*.rs', state: 's1', aud: 'https://ehr/fhir' };
const authorize = (p: Record<string, string>): string => `https://ehr/authorize?${q(p)}`;
const cernerUri = (urn: string, query = 'client=a&tenant=t1&persona=provider'): string => `https://authorization.cerner.com/errors/${encodeURIComponent(urn)}/instances/0b1c?${query}`;
const callback = (p: Record<string, string>): string => `http://127.0.0.1:8765/callback?${q(p)}`;

test('force-authn-rejected: 400 to the outer vendor login URL with forceAuthn=true; not for a 400 that says why', () => {
  const inner = authorize({ ...BASE, ...PKCE });
  const wrapper = `https://authorization.cerner.com/session-api/realm/t1?to=${encodeURIComponent(inner)}&forceAuthn=true`;
  const fs = run(evidenceFromSaved({ status: 400, url: wrapper, authorizeUrl: wrapper, body: 'Bad Request', responseHeaders: { 'cerner-correlation-id': 'c0ffee' } }));
  assert.deepEqual([fs[0]?.id, fs[0]?.role, fs[0]?.basis], ['force-authn-rejected', 'root-cause', 'request-shape']);
  assert.match(fs[0]?.detail ?? '', /vendor login page https:\/\/authorization\.cerner\.com\/session-api\/realm\/t1/);
  assert.match(fs[0]?.detail ?? '', /Cerner-Correlation-Id: c0ffee/);
  const saysWhy = run(evidenceFromSaved({ status: 400, url: wrapper, authorizeUrl: wrapper, body: '{"error":"invalid_request","error_description":"Invalid parameter: redirect_uri"}' }));
  assert.equal(saysWhy[0]?.id, 'redirect-uri-mismatch');
  assert.equal(find(saysWhy, 'force-authn-rejected'), undefined);
});

test('cerner-launch-code-required: the URN on the redirect, causes from the request', () => {
  const url = authorize({ ...BASE, scope: 'launch openid user/Patient.read' });
  const e = evidenceFromSaved({ status: 400, url: url.replace('ehr/authorize', 'ehr/tenants/t1/personas/provider/authorize'), authorizeUrl: url.replace('ehr/authorize', 'ehr/tenants/t1/personas/provider/authorize'), body: '<html><h1>Launch Code Required</h1></html>' });
  const f = run(e)[0];
  assert.deepEqual([f?.id, f?.basis], ['cerner-launch-code-required', 'server-words']);
  assert.match(f?.causes?.[0] ?? '', /standalone request asks for the "launch" scope/);
  const cb = run(evidenceFromSaved({ url: callback({ error: 'invalid_request', error_uri: cernerUri('urn:cerner:error:authorization-server:smart-v1:grant:launch:code-required'), state: 's' }) }));
  assert.equal(cb[0]?.id, 'cerner-launch-code-required');
  assert.match(cb[0]?.causes?.[0] ?? '', /provider-persona app/);
});

test('cerner-invalid-launch-code: a made-up launch in a standalone request comes first', () => {
  const url = authorize({ ...BASE, ...PKCE, launch: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
  const fs = run(evidenceFromSaved({ status: 400, url, authorizeUrl: url, body: JSON.stringify({ error: 'invalid_request', error_uri: cernerUri('urn:cerner:error:authorization-server:smart-v1:grant:launch:invalid-launch-code') }) }));
  assert.equal(fs[0]?.id, 'cerner-invalid-launch-code');
  assert.match(fs[0]?.causes?.[0] ?? '', /made up/);
  assert.match(fs[0]?.detail ?? '', /instance 0b1c/);
});

test('cerner-missing-patient-context: causes follow the request (EHR launch without the launch echo first)', () => {
  const e = evidenceFromSaved({ authorizeUrl: authorize({ ...BASE, ...PKCE, scope: 'launch patient/Patient.read' }) });
  e.callbackError = { error: 'access_denied', error_uri: cernerUri('urn:cerner:error:authorization-server:oauth2:grant:missing-patient') };
  const f = run(e)[0];
  assert.equal(f?.id, 'cerner-missing-patient-context');
  assert.match(f?.causes?.[0] ?? '', /did not echo the launch value/);
});

test('access-denied-by-user: the user on the vendor\'s words; a bare access_denied is a warning; another URN is not claimed', () => {
  const byUser = run(evidenceFromSaved({ url: callback({ error: 'access_denied', error_description: 'End-User aborted interaction', state: 's' }) }));
  assert.deepEqual([byUser[0]?.id, byUser[0]?.severity, byUser[0]?.basis], ['access-denied-by-user', 'error', 'server-words']);
  const bare = run(evidenceFromSaved({ url: callback({ error: 'access_denied', state: 's' }) }));
  assert.deepEqual([bare[0]?.id, bare[0]?.severity, bare[0]?.basis], ['access-denied-by-user', 'warning', 'circumstance']);
  const other = run(evidenceFromSaved({ url: callback({ error: 'access_denied', error_uri: cernerUri('urn:cerner:error:authorization-server:oauth2:grant:brand-new-check'), state: 's' }) }));
  assert.equal(other[0]?.id, 'unknown-failure');
  assert.equal(find(other, 'access-denied-by-user'), undefined);
  // Okta sends an invalid audience as access_denied: the audience rule explains it.
  const okta = run(evidenceFromSaved({ url: callback({ error: 'access_denied', error_description: 'An invalid audience was specified on the authorize request.', state: 's' }) }));
  assert.equal(okta[0]?.id, 'aud-missing-or-wrong');
  assert.equal(find(okta, 'access-denied-by-user'), undefined);
});

test('redirect-uri-mismatch: a token redirect_uri that differs from the authorize one comes first', () => {
  const t = new Trace();
  t.addExchange({ step: 'token', request: { method: 'POST', url: 'https://ehr/token', headers: {}, body: 'grant_type=authorization_code&code=c&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback%2F' }, response: { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_grant","error_description":"redirect_uri mismatch"}' }, startedAt: NOW.toISOString(), durationMs: 1 });
  const f = find(run(evidenceFromTrace(t.entries, { authorizeUrl: authorize({ ...BASE, ...PKCE }) })), 'redirect-uri-mismatch');
  assert.match(f?.detail ?? '', /the authorize request sent "http:\/\/127\.0\.0\.1:8765\/callback", the token request "http:\/\/localhost:8765\/callback\/"/);
  assert.match(f?.causes?.[0] ?? '', /different redirect_uri than the authorize request/);
  const okta = run(evidenceFromSaved({ status: 400, endpoint: 'authorize', body: '<html><p>Unable to validate the redirect_uri passed in.</p></html>' }));
  assert.equal(okta[0]?.id, 'redirect-uri-mismatch');
});

test('aud-missing-or-wrong (server words) and aud-missing (the lint), by role', () => {
  const url = authorize({ ...BASE, ...PKCE, aud: 'https://ehr.example.com/demoAPIServer' });
  const words = run(evidenceFromSaved({ status: 400, url, authorizeUrl: url, body: 'Invalid audience parameter https://ehr.example.com/demoAPIServer' }));
  assert.deepEqual([words[0]?.id, words[0]?.role, words[0]?.basis], ['aud-missing-or-wrong', 'root-cause', 'server-words']);
  assert.match(words[0]?.causes?.[0] ?? '', /without the FHIR path/);
  assert.ok(!(words[0]?.causes ?? []).some((c) => /aud is missing/.test(c)), 'an aud that was sent is not called missing');
  const { aud: _aud, ...noAud } = BASE;
  const bare = authorize({ ...noAud, ...PKCE });
  const lint = run(evidenceFromSaved({ status: 400, url: bare, authorizeUrl: bare, body: '{"error":"invalid_request"}' }));
  assert.deepEqual([lint[0]?.id, lint[0]?.role, lint[0]?.basis], ['aud-missing', 'root-cause', 'request-shape']);
  const noticed = run(evidenceFromSaved({ status: 400, url: bare, authorizeUrl: bare, body: '{"error":"invalid_scope"}' }));
  assert.equal(noticed[0]?.id, 'invalid-scope');
  assert.equal(find(noticed, 'aud-missing')?.role, 'also-noticed');
  // The same words from a FHIR server belong to the FHIR rules.
  const fhir = run(evidenceFromSaved({ status: 401, endpoint: 'fhir', responseHeaders: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The audience is invalid"' }, requestHeaders: { authorization: 'Bearer abc' } }));
  assert.equal(find(fhir, 'aud-missing-or-wrong'), undefined);
  // EHR launch: aud must be the iss.
  const ehr = evidenceFromSaved({ authorizeUrl: authorize({ ...BASE, ...PKCE, aud: 'https://ehr/fhir/', launch: 'L1', scope: 'launch openid' }) });
  ehr.launchUrl = 'https://app/launch?iss=https%3A%2F%2Fehr%2Ffhir&launch=L1';
  assert.match(find(run(ehr), 'aud-missing-or-wrong')?.detail ?? '', /expected the launch iss "https:\/\/ehr\/fhir", got "https:\/\/ehr\/fhir\/" \(they differ only by a trailing slash/);
});

test('pkce-missing: root cause on the server words or a bare invalid_request it alone explains; also noticed beside invalid_scope', () => {
  const said = run(evidenceFromSaved({ url: callback({ error: 'invalid_request', error_description: 'Authorization Server policy requires PKCE to be used for this request', state: 's' }) }));
  assert.deepEqual([said[0]?.id, said[0]?.role, said[0]?.basis], ['pkce-missing', 'root-cause', 'server-words']);
  const duende = 'https://demo.duendesoftware.com/connect/authorize?client_id=interactive.public&scope=openid&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A5000';
  const bare = run(evidenceFromSaved({ status: 400, url: duende, authorizeUrl: duende, body: '<p>Sorry, there was an error : invalid_request</p>' }));
  assert.deepEqual([bare[0]?.id, bare[0]?.role, bare[0]?.basis], ['pkce-missing', 'root-cause', 'request-shape']);
  assert.equal(find(bare, 'aud-missing')?.role, 'contributing');
  // A core parameter missing too: PKCE only contributes, and nothing is claimed.
  const noScope = authorize({ response_type: 'code', client_id: 'app', redirect_uri: 'http://127.0.0.1:8765/callback', state: 's', aud: 'https://ehr/fhir' });
  const core = run(evidenceFromSaved({ status: 400, url: noScope, authorizeUrl: noScope, body: '{"error":"invalid_request"}' }));
  assert.equal(core[0]?.id, 'unknown-failure');
  assert.equal(find(core, 'pkce-missing')?.role, 'contributing');
  const url = authorize(BASE);
  const scope = run(evidenceFromSaved({ status: 400, url, authorizeUrl: url, body: '{"error":"invalid_scope","error_description":"Invalid scopes: openid"}' }));
  assert.equal(scope[0]?.id, 'invalid-scope');
  assert.equal(find(scope, 'pkce-missing')?.role, 'also-noticed');
  // The server says none came, yet the URL has one: the detail says so instead of blaming the app.
  const arrived = authorize({ ...BASE, ...PKCE });
  const lost = find(run(evidenceFromSaved({ status: 400, url: arrived, authorizeUrl: arrived, body: '{"error":"invalid_request","error_description":"code_challenge required"}' })), 'pkce-missing');
  assert.match(lost?.detail ?? '', /none reached it/);
});

test('pkce-method-not-s256: plain (or no method) by the words, or a bare invalid_request to a request whose only flaw it is', () => {
  const plain = authorize({ ...BASE, code_challenge: 'x', code_challenge_method: 'plain' });
  const words = run(evidenceFromSaved({ status: 400, url: plain, authorizeUrl: plain, body: '{"error":"invalid_request","error_description":"not supported value of code_challenge_method"}' }));
  assert.deepEqual([words[0]?.id, words[0]?.basis], ['pkce-method-not-s256', 'server-words']);
  const epic = run(evidenceFromSaved({ status: 400, url: plain, authorizeUrl: plain, body: '{"error":"invalid_request"}' }));
  assert.deepEqual([epic[0]?.id, epic[0]?.role, epic[0]?.basis], ['pkce-method-not-s256', 'root-cause', 'request-shape']);
  const noMethod = authorize({ ...BASE, code_challenge: 'x' });
  assert.match(find(run(evidenceFromSaved({ authorizeUrl: noMethod })), 'pkce-method-not-s256')?.detail ?? '', /an absent method means "plain"/);
  // Keycloak's "Missing parameter: code_challenge_method" with no challenge at all is pkce-missing, not the method.
  const kc = run(evidenceFromSaved({ status: 400, url: authorize(BASE), authorizeUrl: authorize(BASE), body: '{"error":"invalid_request","error_description":"Missing parameter: code_challenge_method"}' }));
  assert.equal(kc[0]?.id, 'pkce-missing');
  assert.equal(find(kc, 'pkce-method-not-s256'), undefined);
});

test('lintAuthorizeRequest (launch) still reports pkce-missing and aud-missing, as also noticed', () => {
  const fs = lintAuthorizeRequest('https://ehr/authorize?response_type=code&client_id=a&scope=openid&state=s', NOW);
  assert.deepEqual(fs.filter((f) => f.id === 'pkce-missing' || f.id === 'aud-missing').map((f) => [f.id, f.role]), [['pkce-missing', 'also-noticed'], ['aud-missing', 'also-noticed']]);
  assert.deepEqual(lintAuthorizeRequest(authorize({ ...BASE, ...PKCE }), NOW).filter((f) => f.severity === 'error'), []);
});

test('invalid-scope: causes ordered by the request (system/ in a user request first)', () => {
  const url = authorize({ ...BASE, ...PKCE, scope: 'openid system/Patient.read' });
  const f = run(evidenceFromSaved({ status: 400, url, authorizeUrl: url, body: '{"error":"invalid_scope"}' }))[0];
  assert.equal(f?.id, 'invalid-scope');
  assert.match(f?.causes?.[0] ?? '', /system\/ scopes in a user-facing request/);
  const kc = run(evidenceFromSaved({ url: 'https://inferno.healthit.gov/suites/custom/smart/redirect?error=invalid_scope&error_description=Invalid+scopes%3A+launch%2Fpatient+openid&state=e6' }))[0];
  assert.match(kc?.detail ?? '', /Keycloak wording/);
  assert.match(kc?.causes?.[0] ?? '', /not defined on the authorization server/);
});

test('state-missing-or-mismatch: library words, a mismatch against the sent state, and a server that dropped it on an error', () => {
  const m = run(evidenceFromSaved({ messages: ["No 'state' parameter found in authorization response."] }))[0];
  assert.deepEqual([m?.id, m?.role, m?.basis], ['state-missing-or-mismatch', 'root-cause', 'server-words']);
  assert.match(m?.causes?.[0] ?? '', /opened without a preceding authorize request/);
  const e = evidenceFromSaved({ authorizeUrl: authorize({ ...BASE, ...PKCE, state: 'sent-1' }) });
  e.callback = { url: callback({ code: 'c', state: 'other' }), params: { code: 'c', state: 'other' } };
  const mismatch = find(run(e), 'state-missing-or-mismatch');
  assert.match(mismatch?.detail ?? '', /state: expected "sent-1", got "other"/);
  assert.match(mismatch?.causes?.[0] ?? '', /stored state was lost/);
  const dropped = run(evidenceFromSaved({ url: 'http://127.0.0.1:8765/callback?error=bad_audience&error_description=Bad%20audience%20value' }));
  assert.equal(dropped[0]?.id, 'aud-missing-or-wrong');
  assert.deepEqual([find(dropped, 'state-missing-or-mismatch')?.role, find(dropped, 'state-missing-or-mismatch')?.severity], ['contributing', 'warning']);
  const same = evidenceFromSaved({ authorizeUrl: authorize({ ...BASE, ...PKCE, state: 'sent-1' }) });
  same.callback = { params: { code: 'c', state: 'sent-1' } };
  assert.equal(find(run(same), 'state-missing-or-mismatch'), undefined);
});

test('callback-without-code: neither code nor error; prompt=none first when the request had it', () => {
  const fs = run(evidenceFromSaved({ url: 'http://localhost:3000/signin?state=af0' }));
  assert.deepEqual([fs[0]?.id, fs[0]?.role], ['callback-without-code', 'root-cause']);
  const e = evidenceFromSaved({ authorizeUrl: authorize({ ...BASE, ...PKCE, prompt: 'none' }) });
  e.callback = { url: 'http://127.0.0.1:8765/callback?state=s1', params: { state: 's1' } };
  assert.match(find(run(e), 'callback-without-code')?.causes?.[0] ?? '', /prompt=none/);
  assert.equal(find(run(evidenceFromSaved({ url: 'http://localhost:3000/signin?code=c&state=af0' })), 'callback-without-code'), undefined);
});

test('client-not-yet-active: an unknown client_id at authorize; not claimed for invalid_client at the token endpoint', () => {
  const url = authorize({ ...BASE, ...PKCE });
  const op = run(evidenceFromSaved({ status: 400, url, authorizeUrl: url, body: '<h1>oops! something went wrong</h1><pre>error: invalid_client</pre><pre>error_description: client is invalid</pre>' }));
  assert.deepEqual([op[0]?.id, op[0]?.basis], ['client-not-yet-active', 'server-words']);
  assert.match(op[0]?.detail ?? '', /client_id: "app"/);
  const token = run(evidenceFromSaved({ status: 401, url: 'https://ehr/token', body: '{"error":"invalid_client","error_description":"client is invalid"}' }));
  assert.equal(find(token, 'client-not-yet-active'), undefined);
});

test('state-missing (authorize-URL lint): root cause only when the server says state is required', () => {
  const { state: _s, ...noState } = BASE;
  const url = authorize({ ...noState, ...PKCE });
  const said = run(evidenceFromSaved({ status: 400, url, authorizeUrl: url, body: '{"error":"invalid_request","error_description":"Missing state parameter"}' }));
  assert.deepEqual([said[0]?.id, said[0]?.role, said[0]?.basis], ['state-missing', 'root-cause', 'server-words']);
  assert.equal(find(said, 'pkce-missing'), undefined);
  const quiet = run(evidenceFromSaved({ authorizeUrl: url }));
  assert.equal(find(quiet, 'state-missing')?.role, 'also-noticed');
});

test('property: any authorize URL, callback URL and answer are diagnosed without throwing, and a failure is explained or left unexplained', async () => {
  const fc = (await import('fast-check')).default;
  const keys = fc.constantFrom('response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'aud', 'code_challenge', 'code_challenge_method', 'launch', 'prompt', 'forceAuthn', 'to', 'error', 'error_uri', 'code', 'iss');
  const params = fc.dictionary(keys, fc.oneof(fc.string(), fc.constantFrom('S256', 'plain', 'true', 'invalid_request', 'access_denied', 'launch openid patient/*.rs', 'https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Ax/instances/1?persona=provider', '%', 'https://ehr/authorize?response_type=code')));
  const body = fc.oneof(fc.string(), fc.constantFrom('{"error":"invalid_request"}', '{"error":"invalid_scope","error_description":"Invalid scope(s) \\"system/Patient.rs\\""}', '<p>invalid_request</p>', 'Launch Code Required', 'client is invalid'));
  fc.assert(
    fc.property(params, fc.boolean(), fc.integer({ min: 200, max: 599 }), body, (p, asCallback, status, text) => {
      const url = `${asCallback ? 'http://127.0.0.1:8765/callback' : 'https://ehr/authorize'}?${q(p)}`;
      const e = asCallback ? evidenceFromSaved({ url }) : evidenceFromSaved({ status, url, authorizeUrl: url, body: text });
      const fs = run(e);
      if (e.failures.length > 0) assert.ok(fs[0]?.role === 'root-cause' || fs[0]?.id === 'unknown-failure', `${fs[0]?.id ?? 'none'} first for ${url}`);
    }),
    { numRuns: 300 },
  );
});

test('a redirect back to the app carrying iss (RFC 9207) is not an EHR launch; a missing redirect_uri is named as missing', () => {
  const e = evidenceFromSaved({ authorizeUrl: authorize({ ...BASE, ...PKCE, aud: 'https://ehr/fhir' }) });
  e.launchUrl = 'http://127.0.0.1:8765/callback?code=c&state=s1&iss=https%3A%2F%2Fauth.example';
  const fs = run(e);
  assert.equal(find(fs, 'aud-missing-or-wrong'), undefined, fs.map((f) => f.id).join(','));
  assert.equal(find(fs, 'launch-without-iss'), undefined);
  const missing = run(evidenceFromSaved({ status: 400, endpoint: 'authorize', body: '{"error":"invalid_request","error_description":"Missing redirect_uri parameter"}' }))[0];
  assert.deepEqual([missing?.id, missing?.title], ['redirect-uri-mismatch', 'the redirect_uri is missing from the request']);
  assert.match(missing?.causes?.[0] ?? '', /carries no redirect_uri/);
});
