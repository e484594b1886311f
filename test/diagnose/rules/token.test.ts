// Token phase rules (src/diagnose/rules/token/): one test per finding id, each expecting the
// id first where it explains the failure, its role and basis, and the causes in the order the
// evidence gives; plus near misses where the rule stays silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved, evidenceFromTrace } from '../../../src/diagnose/index.js';
import type { Evidence } from '../../../src/diagnose/evidence.js';
import { basicHeaderProblems } from '../../../src/diagnose/rules/token/cerner-invalid-authorization-header-basic.js';
import { s256 } from '../../../src/protocol/pkce.js';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { s256Challenge, sha256 } from '../../../src/diagnose/rules/token/pkce-s256.js';
import { Trace } from '../../../src/report/trace.js';
import type { Finding } from '../../../src/report/finding.js';
import { NOW, unsignedJwt, NOW_S } from '../../helpers/jwt.js';

const run = (e: Evidence): Finding[] => diagnose(e, { now: NOW });
const ids = (e: Evidence): string[] => run(e).map((f) => f.id);
const first = (e: Evidence): Finding => {
  const [f] = run(e);
  assert.ok(f, 'a finding');
  return f;
};
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const cernerUri = (urn: string, q = 'client=unknown&tenant=t1'): string => `https://authorization.cerner.com/errors/${encodeURIComponent(urn)}/instances/0b1c?${q}`;
const TOKEN = 'https://ehr.example/token';

function tokenTrace(exchanges: Array<{ body: string; status: number; response: unknown; headers?: Record<string, string>; step?: string }>): Trace {
  const t = new Trace();
  for (const x of exchanges) {
    t.addExchange({ step: x.step ?? 'token', request: { method: 'POST', url: TOKEN, headers: x.headers ?? {}, body: x.body }, response: { status: x.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(x.response) }, startedAt: NOW.toISOString(), durationMs: 1 });
  }
  return t;
}

test('cerner-invalid-client-credentials: the URN decides, server words, client=unknown in the detail, causes by the auth method', () => {
  const body = JSON.stringify({ error: 'invalid_client', error_uri: cernerUri('urn:cerner:error:authorization-server:oauth2:token:invalid-client-credentials') });
  const post = first(evidenceFromSaved({ status: 401, body, endpoint: 'token', requestBody: 'grant_type=client_credentials&client_id=a&client_secret=b' }));
  assert.equal(post.id, 'cerner-invalid-client-credentials');
  assert.equal(post.role, 'root-cause');
  assert.equal(post.basis, 'server-words');
  assert.match(post.detail, /client=unknown/);
  assert.match(post.detail, /client authentication used: client_secret_post/);
  assert.match(post.causes?.[0] ?? '', /secret is wrong/);
  const none = first(evidenceFromSaved({ status: 401, body, endpoint: 'token', requestBody: 'grant_type=authorization_code&code=c&client_id=a', requestSeen: true }));
  assert.match(none.causes?.[0] ?? '', /registered as public|not provisioned/);
});

test('cerner-invalid-authorization-header-basic: the Basic header sent is decoded and checked', () => {
  const body = JSON.stringify({ error: 'invalid_client', error_uri: cernerUri('urn:cerner:error:authorization-server:oauth2:token:invalid-authorization-header') });
  const f = first(evidenceFromSaved({ status: 401, body, endpoint: 'token', requestHeaders: { authorization: `Basic ${b64('sys-acct:secret\n')}` }, requestBody: 'grant_type=client_credentials&scope=system%2FPatient.read' }));
  assert.equal(f.id, 'cerner-invalid-authorization-header-basic');
  assert.equal(f.basis, 'server-words');
  assert.match(f.detail, /end in a newline/);
  assert.match(f.causes?.[0] ?? '', /not exactly "Basic "/);
  assert.ok(!f.detail.includes('secret\\n') && !f.detail.includes(b64('sys-acct:secret\n')), 'the credential itself is not quoted');
  // The same URN with a Bearer JWT is the assertion-in-header rule; with no header seen, too.
  const bearer = evidenceFromSaved({ status: 401, body, endpoint: 'token', requestHeaders: { authorization: `Bearer ${unsignedJwt({ iss: 'a' })}` } });
  assert.ok(!ids(bearer).includes('cerner-invalid-authorization-header-basic'));
  assert.deepEqual(ids(evidenceFromSaved({ status: 401, body, endpoint: 'token' })), ['client-assertion-in-authorization-header']);
});

test('client-secret-basic-malformed: a malformed Basic header next to invalid_client at any server', () => {
  const e = evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client"}', requestHeaders: { authorization: `Basic ${b64('id secret')}` }, requestBody: 'grant_type=authorization_code&code=c' });
  const f = first(e);
  assert.equal(f.id, 'client-secret-basic-malformed');
  assert.equal(f.basis, 'request-shape');
  assert.ok(!ids(e).includes('token-invalid-client'));
  // A well-formed header is no evidence of this.
  assert.ok(!ids(evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client"}', requestHeaders: { authorization: `Basic ${b64('id:secret')}` } })).includes('client-secret-basic-malformed'));
});

test('basicHeaderProblems: each way a Basic header goes wrong, and none for a good one', () => {
  assert.deepEqual(basicHeaderProblems(`Basic ${b64('my%20app:p%40ss')}`, 'my app'), []);
  assert.match(basicHeaderProblems(`Basic ${b64('a:b')}`, 'other')[0] ?? '', /expected "other"/);
  assert.match(basicHeaderProblems('Basic', undefined)[0] ?? '', /empty/);
  assert.match(basicHeaderProblems('Basic abc$', undefined).join(' '), /not base64/);
  assert.match(basicHeaderProblems(`Basic ${b64('nocolon')}`, undefined).join(' '), /without ":"/);
  assert.match(basicHeaderProblems(`Basic ${b64(':secret')}`, undefined).join(' '), /client id part is empty/);
  assert.match(basicHeaderProblems('Token abc', undefined)[0] ?? '', /expected "Basic", got "Token"/);
  // The credential is never quoted: a bare secret as the header, a short non-base64 value, a swapped id.
  for (const [header, secret] of [['s3cr3tV4lue', 's3cr3tV4lue'], ['Basic ab$', 'ab$'], [`Basic ${b64('s3cr3t:my-app')}`, 's3cr3t']] as const) {
    assert.ok(!basicHeaderProblems(header, 'my-app').join(' ').includes(secret), header);
  }
  assert.match(basicHeaderProblems(`Basic ${b64('a:b').slice(0, 3)}`, undefined).join(' '), /secret part is empty/);
  assert.match(basicHeaderProblems(`Basic ${b64('a:b').slice(0, 1)}`, undefined).join(' '), /truncated/);
});

test('public-confidential-mismatch: Entra and Keycloak wording, and a whole request with only client_id', () => {
  const entra = first(evidenceFromSaved({ status: 401, endpoint: 'token', body: JSON.stringify({ error: 'invalid_client', error_description: "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'." }) }));
  assert.deepEqual([entra.id, entra.basis], ['public-confidential-mismatch', 'server-words']);
  assert.match(entra.title, /registered as confidential/);
  const pub = first(evidenceFromSaved({ status: 401, endpoint: 'token', body: JSON.stringify({ error: 'invalid_client', error_description: "AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented." }) }));
  assert.match(pub.title, /registered as public/);
  assert.match(pub.causes?.[0] ?? '', /registered as public/);
  const bare = evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client"}', requestBody: 'grant_type=authorization_code&code=c&client_id=app', requestSeen: true });
  assert.deepEqual(ids(bare), ['public-confidential-mismatch']);
  assert.equal(first(bare).basis, 'request-shape');
  // Without the request, the same answer says nothing about the registration.
  assert.ok(!ids(evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client"}' })).includes('public-confidential-mismatch'));
});

test('invalid-grant-code: causes ordered by the server words; silent on refresh grants and on a bare answer of unknown grant', () => {
  const used = first(evidenceFromSaved({ status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'AADSTS54005: OAuth2 Authorization code was already redeemed' }), requestBody: 'grant_type=authorization_code&code=c' }));
  assert.equal(used.id, 'invalid-grant-code');
  assert.match(used.causes?.[0] ?? '', /already used/);
  const expired = first(evidenceFromSaved({ status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'authorization code expired' }), requestBody: 'grant_type=authorization_code&code=c' }));
  assert.match(expired.causes?.[0] ?? '', /expired/);
  assert.equal(first(evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant"}', requestBody: 'grant_type=authorization_code&code=c' })).basis, 'circumstance');
  const refresh = evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant"}', requestBody: 'grant_type=refresh_token&refresh_token=r' });
  assert.ok(!ids(refresh).includes('invalid-grant-code'));
  assert.deepEqual(ids(evidenceFromSaved({ status: 400, endpoint: 'token', body: '{"error":"invalid_grant"}' })), ['unknown-failure']);
});

test('invalid-grant-code: the same code posted twice in a trace is request-shape evidence of reuse', () => {
  const body = 'grant_type=authorization_code&code=SAME&redirect_uri=https%3A%2F%2Fapp%2Fcb';
  const t = tokenTrace([
    { body, status: 200, response: { access_token: 'a', token_type: 'Bearer', expires_in: 60, scope: 'openid' } },
    { body, status: 400, response: { error: 'invalid_grant' } },
  ]);
  const f = first(evidenceFromTrace(t.entries));
  assert.equal(f.id, 'invalid-grant-code');
  assert.equal(f.basis, 'request-shape');
  assert.match(f.detail, /same code was already posted/);
  assert.match(f.causes?.[0] ?? '', /already used/);
});

test('invalid-grant-code: a redirect_uri that differs from the authorize request moves that cause first', () => {
  const t = tokenTrace([{ body: 'grant_type=authorization_code&code=c&redirect_uri=https%3A%2F%2Fapp%2Fcb%2F', status: 400, response: { error: 'invalid_grant' } }]);
  const f = first(evidenceFromTrace(t.entries, { authorizeUrl: 'https://ehr.example/authorize?response_type=code&client_id=a&redirect_uri=https%3A%2F%2Fapp%2Fcb&state=s' }));
  assert.equal(f.id, 'invalid-grant-code');
  assert.match(f.detail, /redirect_uri: expected "https:\/\/app\/cb" \(as sent to authorize\), got "https:\/\/app\/cb\/"/);
  assert.match(f.causes?.[0] ?? '', /redirect_uri/);
});

test('invalid_grant on a refresh grant is refresh-token-rejected (rules/refresh), never invalid-grant-code', () => {
  const t = tokenTrace([{ step: 'refresh', body: 'grant_type=refresh_token&refresh_token=r', status: 400, response: { error: 'invalid_grant' } }]);
  assert.deepEqual(ids(evidenceFromTrace(t.entries)), ['refresh-token-rejected']);
});

test('pkce-verifier-mismatch: server words, a base64 verifier, and a verifier recomputed against the challenge', () => {
  const said = first(evidenceFromSaved({ status: 400, endpoint: 'token', body: JSON.stringify({ error: 'invalid_grant', error_description: 'PKCE verification failed' }) }));
  assert.deepEqual([said.id, said.basis], ['pkce-verifier-mismatch', 'server-words']);
  const base64 = first(evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant"}', requestBody: `grant_type=authorization_code&code=c&code_verifier=${encodeURIComponent('ab+/cdefghijklmnopqrstuvwxyz0123456789ABCDEFG=')}` }));
  assert.deepEqual([base64.id, base64.basis], ['pkce-verifier-mismatch', 'request-shape']);
  assert.match(base64.detail, /including "\+\/="/);
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const authorize = (challenge: string): string => `https://ehr.example/authorize?response_type=code&client_id=a&code_challenge=${challenge}&code_challenge_method=S256`;
  const trace = tokenTrace([{ body: `grant_type=authorization_code&code=c&code_verifier=${verifier}`, status: 400, response: { error: 'invalid_grant' } }]);
  const wrong = first(evidenceFromTrace(trace.entries, { authorizeUrl: authorize(s256('another-verifier-of-another-attempt-0123456789')) }));
  assert.equal(wrong.id, 'pkce-verifier-mismatch');
  assert.match(wrong.detail, /expected BASE64URL\(SHA256\(code_verifier\)\) = ".+", got ".+" in the authorize URL/);
  // The matching challenge: PKCE is fine, so it is the code, and the detail says so.
  const right = first(evidenceFromTrace(trace.entries, { authorizeUrl: authorize(s256(verifier)) }));
  assert.equal(right.id, 'invalid-grant-code');
  assert.match(right.detail, /PKCE is not the problem/);
  assert.ok(!(right.causes ?? []).some((c) => /code_verifier/.test(c)));
});

test('cerner-unauthorized-client-unregistered-scope and token-unauthorized-client', () => {
  const cerner = first(evidenceFromSaved({ status: 400, url: 'https://authorization.cerner.com/tenants/t/protocols/oauth2/profiles/smart-v1/token', body: '{"error":"unauthorized_client"}', requestBody: 'grant_type=client_credentials&scope=system%2FPatient.write' }));
  assert.equal(cerner.id, 'cerner-unauthorized-client-unregistered-scope');
  assert.match(cerner.causes?.[0] ?? '', /system\/Patient\.write/);
  const other = first(evidenceFromSaved({ status: 400, url: TOKEN, body: JSON.stringify({ error: 'unauthorized_client', error_description: 'client is not registered for client_credentials' }), requestBody: 'grant_type=client_credentials&scope=system%2FPatient.rs' }));
  assert.equal(other.id, 'token-unauthorized-client');
  assert.match(other.causes?.[0] ?? '', /grant type/);
  // Keycloak's "Client secret not provided" is public-confidential-mismatch, not this.
  assert.ok(!ids(evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"unauthorized_client","error_description":"Client secret not provided in request"}' })).includes('token-unauthorized-client'));
});

test('token-response-missing-launch-context: request-shape, and the context found inside the access token', () => {
  const at = unsignedJwt({ sub: 'u', patient: 'Patient/9', exp: NOW_S + 60 });
  const f = first(evidenceFromSaved({ tokenResponse: { access_token: at, token_type: 'Bearer', expires_in: 60, scope: 'launch/patient patient/*.read' } }));
  assert.deepEqual([f.id, f.role, f.basis], ['token-response-missing-launch-context', 'root-cause', 'request-shape']);
  assert.match(f.detail, /access token JWT carries patient: "Patient\/9"/);
  assert.match(f.causes?.[0] ?? '', /only inside the access token/);
  const plain = first(evidenceFromSaved({ tokenResponse: { access_token: 'opaque', token_type: 'Bearer', expires_in: 60, scope: 'launch/patient patient/*.read' } }));
  assert.match(plain.causes?.[0] ?? '', /No patient was selected/);
});

test('token-response-nonconformant-shape: Azure-style answer, missing scope; silent on a good one', () => {
  const f = first(evidenceFromSaved({ tokenResponse: { token_type: 'Bearer', scope: 'user_impersonation', expires_in: '4910', ext_expires_in: '4910', access_token: 'a', resource: 'r' }, requestedScope: 'patient/Patient.read' }));
  assert.equal(f.id, 'token-response-nonconformant-shape');
  assert.equal(f.severity, 'error');
  assert.match(f.detail, /expires_in: expected a number of seconds, got the string "4910"/);
  assert.match(f.detail, /expected SMART scopes, got "user_impersonation"/);
  assert.match(f.detail, /"ext_expires_in", "resource"/);
  const soft = run(evidenceFromSaved({ tokenResponse: { token_type: 'Bearer', scope: 'patient/Patient.read', expires_in: '60', access_token: 'a' } })).find((x) => x.id === 'token-response-nonconformant-shape');
  assert.deepEqual([soft?.severity, soft?.role], ['warning', 'also-noticed']);
  assert.ok(!ids(evidenceFromSaved({ tokenResponse: { token_type: 'Bearer', scope: 'patient/Patient.read', expires_in: 60, access_token: 'a' } })).includes('token-response-nonconformant-shape'));
});

test('cors-token-endpoint: AADSTS9002326, and the browser CORS message about the token URL only', () => {
  const f = first(evidenceFromSaved({ status: 400, endpoint: 'token', requestHeaders: { origin: 'http://localhost:3000' }, body: JSON.stringify({ error: 'invalid_request', error_description: "AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type." }) }));
  assert.equal(f.id, 'cors-token-endpoint');
  assert.match(f.detail, /Origin: http:\/\/localhost:3000/);
  assert.match(f.causes?.[0] ?? '', /single-page application/);
  const msg = (url: string): string => `Access to fetch at '${url}' from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`;
  assert.equal(first(evidenceFromSaved({ messages: [msg('https://ehr.example/oauth2/token')] })).id, 'cors-token-endpoint');
  assert.ok(!ids(evidenceFromSaved({ messages: [msg('https://ehr.example/fhir/Patient/1')] })).includes('cors-token-endpoint'));
});

test('token-invalid-client: while the auth method is unknown it asks for the request; once known, the causes fit it', () => {
  const bare = first(evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client"}' }));
  assert.deepEqual([bare.id, bare.basis], ['token-invalid-client', 'circumstance']);
  assert.match(bare.detail, /client authentication used is not in the evidence/);
  assert.match(bare.fix ?? '', /--curl/);
  const basic = first(evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client"}', requestHeaders: { authorization: `Basic ${b64('a:b')}` } }));
  assert.deepEqual([basic.severity, basic.causes?.[0]], ['error', 'The client secret is wrong, or belongs to another environment (sandbox vs production).']);
});

test('regression: an answer naming the Authorization header next to a well-formed Basic header is still explained', () => {
  const e = evidenceFromSaved({ status: 401, endpoint: 'token', requestHeaders: { authorization: `Basic ${b64('app:secret')}` }, requestBody: 'grant_type=authorization_code&code=c', body: JSON.stringify({ error: 'invalid_client', error_description: 'client "app" is registered for private_key_jwt, but the request sent a Basic Authorization header' }) });
  const f = first(e);
  assert.equal(f.id, 'token-invalid-client');
  assert.ok(!ids(e).includes('client-assertion-in-authorization-header'));
});

test("token-invalid-client: Keycloak's unauthorized_client wording for wrong credentials, and the method-mismatch cause first", () => {
  const kc = first(evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}' }));
  assert.deepEqual([kc.id, kc.basis], ['token-invalid-client', 'server-words']);
  const jwtClient = first(evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client","error_description":"Parameter client_assertion_type is missing"}' }));
  assert.match(jwtClient.causes?.[0] ?? '', /another method/);
});

test('pkce-s256: SHA-256 without node:crypto equals node:crypto, and S256 equals the protocol one (RFC 7636 appendix B)', () => {
  assert.equal(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => Buffer.from(sha256(bytes)).equals(createHash('sha256').update(bytes).digest())),
    { numRuns: 300 },
  );
  fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9\-._~]{43,128}$/), (v) => s256Challenge(v) === s256(v)), { numRuns: 200 });
});

test('regression: a token response whose scope nests 100 000 arrays deep is described, not walked (no stack overflow)', () => {
  const deep = JSON.parse(`${'['.repeat(100_000)}""${']'.repeat(100_000)}`) as unknown;
  const f = run(evidenceFromSaved({ tokenResponse: { access_token: 'a', token_type: 'Bearer', expires_in: 60, scope: deep } })).find((x) => x.id === 'token-response-nonconformant-shape');
  assert.match(f?.detail ?? '', /scope: expected a space-separated string, got an array of 1/);
});

test('property: any token response (deeply nested values at the fields the rules read) gives well-formed findings, never a throw', () => {
  const deep = (n: number): unknown => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`);
  const field = fc.oneof(fc.jsonValue(), fc.integer({ min: 1, max: 20_000 }).map(deep), fc.string());
  const response = fc.record({ access_token: field, token_type: field, expires_in: field, scope: field, patient: field, encounter: field, id_token: field }, { requiredKeys: [] });
  fc.assert(
    fc.property(response, fc.option(fc.string()), (t, requested) => {
      const found = run(evidenceFromSaved({ tokenResponse: t, requestedScope: requested ?? undefined }));
      return found.every((f) => /^[a-z0-9-]+$/.test(f.id) && f.title.length > 0 && f.detail.length > 0);
    }),
    { numRuns: 300 },
  );
});

test('regression: a pasted body with only client_id is not proof of a public client (the headers are unknown)', () => {
  const e = evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client"}', requestBody: 'grant_type=authorization_code&code=c&client_id=app' });
  assert.ok(!ids(e).includes('public-confidential-mismatch'), ids(e).join(','));
  assert.match(first(e).detail, /client authentication used is not in the evidence/);
});
