// Client-assertion phase rules (src/diagnose/rules/client-assertion/): one test per finding
// id. A check of the assertion that was sent proves its finding (request-shape); the server's
// words name it (server-words); Epic's opaque answer gets the whole preflight, pass and fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diagnose, evidenceFromSaved, evidenceFromTrace } from '../../../src/diagnose/index.js';
import type { Evidence } from '../../../src/diagnose/evidence.js';
import { preflight } from '../../../src/diagnose/rules/client-assertion/preflight.js';
import { Trace } from '../../../src/report/trace.js';
import type { Finding } from '../../../src/report/finding.js';
import { NOW, NOW_S, unsignedJwt } from '../../helpers/jwt.js';

const run = (e: Evidence): Finding[] => diagnose(e, { now: NOW });
const ids = (e: Evidence): string[] => run(e).map((f) => f.id);
const first = (e: Evidence): Finding => {
  const [f] = run(e);
  assert.ok(f, 'a finding');
  return f;
};
const TOKEN = 'https://ehr.example/token';
const EPIC = 'https://fhir.epic.com/interconnect-fhir-oauth/oauth2/token';
const TYPE = encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
const KID = { alg: 'RS384', typ: 'JWT', kid: 'k1' };
const claims = (o: Record<string, unknown> = {}): Record<string, unknown> => ({ iss: 'app', sub: 'app', aud: TOKEN, jti: 'j-1', iat: NOW_S - 5, exp: NOW_S + 240, ...o });
const body = (assertion: string, extra = ''): string => `grant_type=client_credentials&scope=system%2FPatient.rs&client_assertion_type=${TYPE}&client_assertion=${assertion}${extra}`;
const refused = (assertion: string, o: { url?: string; body?: string; status?: number; headers?: Record<string, string>; extra?: string } = {}): Evidence =>
  evidenceFromSaved({ status: o.status ?? 401, url: o.url ?? TOKEN, requestBody: body(assertion, o.extra), body: o.body ?? '{"error":"invalid_client"}', responseHeaders: o.headers });

test('assertion-aud-mismatch: the FHIR base as aud (request-shape); node-oidc-provider wording (server-words); trailing slash named', () => {
  const f = first(refused(unsignedJwt(claims({ aud: 'https://ehr.example/fhir' }), KID)));
  assert.deepEqual([f.id, f.role, f.basis], ['assertion-aud-mismatch', 'root-cause', 'request-shape']);
  assert.match(f.detail, /aud: expected "https:\/\/ehr\.example\/token", got "https:\/\/ehr\.example\/fhir"/);
  const slash = first(refused(unsignedJwt(claims({ aud: `${TOKEN}/` }), KID)));
  assert.match(slash.detail, /only by case or a trailing slash/);
  const said = first(evidenceFromSaved({ status: 400, endpoint: 'token', body: '{"error":"invalid_request","error_description":"audience (aud) must equal the endpoint url"}' }));
  assert.deepEqual([said.id, said.basis], ['assertion-aud-mismatch', 'server-words']);
  assert.match(said.causes?.[0] ?? '', /exact token endpoint URL/);
});

test('assertion-aud-not-https-url: no token URL known, aud not https', () => {
  const e = evidenceFromSaved({ status: 401, endpoint: 'token', requestBody: body(unsignedJwt(claims({ aud: 'ehr-token' }), KID)), body: '{"error":"invalid_client"}' });
  assert.equal(first(e).id, 'assertion-aud-not-https-url');
});

test('assertion-exp-too-long and assertion-exp-missing; a milliseconds exp', () => {
  assert.equal(first(refused(unsignedJwt(claims({ exp: NOW_S + 3600 }), KID))).id, 'assertion-exp-too-long');
  const ms = first(refused(unsignedJwt(claims({ exp: (NOW_S + 200) * 1000 }), KID)));
  assert.match(ms.title, /milliseconds/);
  assert.match(ms.causes?.[0] ?? '', /milliseconds/);
  assert.equal(first(refused(unsignedJwt(claims({ exp: undefined }), KID))).id, 'assertion-exp-missing');
  const auth0 = first(evidenceFromSaved({ status: 401, endpoint: 'token', body: JSON.stringify({ error: 'invalid_client', error_description: "'exp' claim must specify a time that is no more than 5 minutes after 'iat'" }) }));
  assert.deepEqual([auth0.id, auth0.basis], ['assertion-exp-too-long', 'server-words']);
});

test("assertion-clock-skew: iat ahead of the server's Date header; nothing time-based without a trusted clock", () => {
  const date = new Date(NOW_S * 1000).toUTCString();
  const f = first(refused(unsignedJwt(claims({ iat: NOW_S + 120, exp: NOW_S + 300 }), KID), { headers: { date } }));
  assert.equal(f.id, 'assertion-clock-skew');
  assert.match(f.detail, /iat is 120 s after the server's clock \(Date: /);
  // A saved assertion from yesterday, no Date header: not called expired or skewed.
  const old = refused(unsignedJwt(claims({ iat: NOW_S - 86_400, exp: NOW_S - 86_400 + 200 }), KID));
  assert.ok(!ids(old).some((id) => id === 'assertion-clock-skew' || id === 'assertion-expired'), ids(old).join(','));
  const entra = first(evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client","error_description":"AADSTS700024: Client assertion is not within its valid time range."}' }));
  assert.deepEqual([entra.id, entra.basis], ['assertion-clock-skew', 'server-words']);
});

test("assertion-expired: exp before the server's Date, in saved evidence and in a trace", () => {
  const date = new Date(NOW_S * 1000).toUTCString();
  assert.equal(first(refused(unsignedJwt(claims({ iat: NOW_S - 900, exp: NOW_S - 700 }), KID), { headers: { date } })).id, 'assertion-expired');
  const t = new Trace();
  t.addExchange({ step: 'client-credentials', request: { method: 'POST', url: TOKEN, headers: {}, body: body(unsignedJwt(claims({ iat: NOW_S - 900, exp: NOW_S - 700 }), KID)) }, response: { status: 401, headers: { date: new Date(NOW_S * 1000).toUTCString() }, body: '{"error":"invalid_client"}' }, startedAt: NOW.toISOString(), durationMs: 1 });
  assert.equal(first(evidenceFromTrace(t.entries)).id, 'assertion-expired');
});

test('assertion-jti-reused: the same jti in two token requests of a trace; replay wording; assertion-jti-missing', () => {
  const a = unsignedJwt(claims(), KID);
  const t = new Trace();
  for (const status of [200, 401]) {
    t.addExchange({ step: 'client-credentials', request: { method: 'POST', url: TOKEN, headers: {}, body: body(a) }, response: { status, headers: {}, body: status === 200 ? '{"access_token":"x","token_type":"Bearer","expires_in":60,"scope":"system/Patient.rs"}' : '{"error":"invalid_client"}' }, startedAt: NOW.toISOString(), durationMs: 1 });
  }
  const f = first(evidenceFromTrace(t.entries));
  assert.deepEqual([f.id, f.basis], ['assertion-jti-reused', 'request-shape']);
  assert.match(f.detail, /jti "j-1" was already sent in an earlier token request \(exchange 1, HTTP 200\); the whole assertion was reused/);
  const said = first(evidenceFromSaved({ status: 400, endpoint: 'token', body: '{"error":"invalid_request","error_description":"jwt-bearer tokens must only be used once"}' }));
  assert.deepEqual([said.id, said.basis], ['assertion-jti-reused', 'server-words']);
  assert.match(said.causes?.[0] ?? '', /caches the signed assertion/);
  assert.equal(first(refused(unsignedJwt(claims({ jti: undefined }), KID))).id, 'assertion-jti-missing');
});

test('assertion-kid-missing: no kid; Keycloak "Unable to load public key" then names kid-missing, not key-not-resolvable', () => {
  const noKid = unsignedJwt(claims(), { alg: 'RS384', typ: 'JWT' });
  const f = first(refused(noKid, { body: '{"error":"invalid_client","error_description":"Unable to load public key"}' }));
  assert.deepEqual([f.id, f.basis], ['assertion-kid-missing', 'server-words']);
  assert.ok(!ids(refused(noKid, { body: '{"error":"invalid_client","error_description":"Unable to load public key"}' })).includes('assertion-key-not-resolvable'));
  assert.deepEqual([first(refused(noKid)).id, first(refused(noKid)).basis], ['assertion-kid-missing', 'request-shape']);
});

test('assertion-key-not-resolvable: the server words with a kid present; a jku that is not https', () => {
  const f = first(refused(unsignedJwt(claims(), KID), { body: '{"error":"invalid_client","error_description":"The client_assertion JWT kid is invalid."}' }));
  assert.deepEqual([f.id, f.basis], ['assertion-key-not-resolvable', 'server-words']);
  assert.match(f.causes?.[0] ?? '', /kid is not in the JWKS/);
  const jku = first(refused(unsignedJwt(claims(), { ...KID, jku: 'http://app/jwks' })));
  assert.deepEqual([jku.id, jku.basis], ['assertion-key-not-resolvable', 'request-shape']);
  assert.match(jku.causes?.[0] ?? '', /jku/);
});

test('assertion-alg-unsupported and jwt-alg-none', () => {
  assert.equal(first(refused(unsignedJwt(claims(), { alg: 'HS256', kid: 'k1' }))).id, 'assertion-alg-unsupported');
  assert.equal(first(refused(unsignedJwt(claims(), { alg: 'none', kid: 'k1' }))).id, 'jwt-alg-none');
  const said = first(evidenceFromSaved({ status: 400, endpoint: 'token', body: '{"error":"invalid_request","error_description":"alg mismatch"}' }));
  assert.deepEqual([said.id, said.basis], ['assertion-alg-unsupported', 'server-words']);
});

test('assertion-iss-sub-mismatch: iss is not sub, or the body client_id differs', () => {
  assert.equal(first(refused(unsignedJwt(claims({ iss: 'My App' }), KID))).id, 'assertion-iss-sub-mismatch');
  const f = first(refused(unsignedJwt(claims(), KID), { extra: '&client_id=other-app' }));
  assert.equal(f.id, 'assertion-iss-sub-mismatch');
  assert.match(f.detail, /expected "other-app", got "app"/);
});

test('assertion-signature-invalid: only the server can tell (Cerner URN, Okta, Entra)', () => {
  const urn = `https://authorization.cerner.com/errors/${encodeURIComponent('urn:cerner:error:authorization-server:client-assertion:jwt-bearer:invalid-signature')}/instances/1?client=app&tenant=t`;
  const cerner = first(refused(unsignedJwt(claims(), KID), { body: JSON.stringify({ error: 'invalid_client', error_uri: urn }) }));
  assert.deepEqual([cerner.id, cerner.basis], ['assertion-signature-invalid', 'server-words']);
  assert.match(cerner.detail, /other checks of the assertion: \d+ pass, 0 fail/);
  assert.equal(first(evidenceFromSaved({ status: 401, endpoint: 'token', body: '{"error":"invalid_client","error_description":"The client_assertion signature is invalid."}' })).id, 'assertion-signature-invalid');
  // Nothing local proves a bad signature: a clean assertion with a bare invalid_client is not called that.
  assert.ok(!ids(refused(unsignedJwt(claims(), KID))).includes('assertion-signature-invalid'));
});

test('client-assertion-in-authorization-header: a Bearer JWT on the token request; a failed check of it only contributes', () => {
  const e = evidenceFromSaved({ status: 401, url: TOKEN, requestHeaders: { authorization: `Bearer ${unsignedJwt(claims({ aud: 'https://ehr.example/fhir' }), KID)}` }, requestBody: 'grant_type=client_credentials', body: '{"error":"invalid_client"}' });
  const found = run(e);
  assert.equal(found[0]?.id, 'client-assertion-in-authorization-header');
  assert.equal(found[0]?.basis, 'request-shape');
  assert.match(found[0]?.detail ?? '', /FAIL {2}assertion-aud-mismatch/);
  assert.equal(found.find((f) => f.id === 'assertion-aud-mismatch')?.role, 'contributing');
});

test("epic-invalid-client-opaque: every check reported pass/fail; a failed check is the root cause and Epic's finding carries the table", () => {
  const bad = refused(unsignedJwt(claims({ iss: 'epic-app', sub: 'epic-app', aud: EPIC, exp: NOW_S + 3600 }), KID), { url: EPIC, body: '{"error":"invalid_client","error_description":null}' });
  const found = run(bad);
  assert.equal(found[0]?.id, 'assertion-exp-too-long');
  const epic = found.find((f) => f.id === 'epic-invalid-client-opaque');
  assert.deepEqual([epic?.role, epic?.severity], ['also-noticed', 'info']);
  for (const check of ['assertion-exp-too-long', 'assertion-aud-mismatch', 'assertion-kid-missing', 'assertion-key-not-resolvable', 'assertion-alg-unsupported', 'assertion-jti-reused', 'assertion-iss-sub-mismatch']) assert.match(epic?.detail ?? '', new RegExp(`(pass|FAIL|not checked) {2}${check}:`), check);
  assert.match(epic?.detail ?? '', /FAIL {2}assertion-exp-too-long/);
  assert.ok(!found.some((f) => f.id === 'token-invalid-client'));
  // Every check passes (and a jku is named): Epic's finding leads, as a warning, with registration causes first.
  const clean = refused(unsignedJwt(claims({ iss: 'epic-app', sub: 'epic-app', aud: EPIC }), { ...KID, jku: 'https://app/jwks' }), { url: EPIC, body: '{"error":"invalid_client","error_description":null}' });
  const top = first(clean);
  assert.deepEqual([top.id, top.role, top.severity], ['epic-invalid-client-opaque', 'root-cause', 'warning']);
  assert.match(top.causes?.[0] ?? '', /other environment/);
  assert.ok(!(top.causes ?? []).some((c) => /^exp is more than/.test(c)), 'a passing check drops its cause');
  // The answer alone: Epic's shape, no check possible, and the fix asks for the request.
  const alone = first(evidenceFromSaved({ status: 401, body: '{"error":"invalid_client","error_description":null}' }));
  assert.equal(alone.id, 'epic-invalid-client-opaque');
  assert.match(alone.fix ?? '', /--curl/);
});

test('epic-backend-requires-jku: Epic backend, all checks pass, no jku; silent with a jku or for a user-facing grant', () => {
  const a = unsignedJwt(claims({ iss: 'epic-app', sub: 'epic-app', aud: EPIC }), KID);
  const f = first(refused(a, { url: EPIC, body: '{"error":"invalid_client","error_description":null}' }));
  assert.deepEqual([f.id, f.severity, f.basis], ['epic-backend-requires-jku', 'warning', 'circumstance']);
  const withJku = unsignedJwt(claims({ iss: 'epic-app', sub: 'epic-app', aud: EPIC }), { ...KID, jku: 'https://app/jwks' });
  assert.ok(!ids(refused(withJku, { url: EPIC, body: '{"error":"invalid_client","error_description":null}' })).includes('epic-backend-requires-jku'));
  const code = evidenceFromSaved({ status: 401, url: EPIC, requestBody: `grant_type=authorization_code&code=c&client_assertion_type=${TYPE}&client_assertion=${a}`, body: '{"error":"invalid_client","error_description":null}' });
  assert.ok(!ids(code).includes('epic-backend-requires-jku'));
});

test('a failed check on a request the server accepted is only noticed', () => {
  const e = evidenceFromSaved({ status: 200, url: TOKEN, requestBody: body(unsignedJwt(claims({ aud: 'https://ehr.example' }), KID)), body: '{"access_token":"a","token_type":"Bearer","expires_in":60,"scope":"system/Patient.rs"}' });
  const f = run(e).find((x) => x.id === 'assertion-aud-mismatch');
  assert.deepEqual([f?.role, f?.severity], ['also-noticed', 'warning']);
});

test('property: preflight of any assertion text, header and Date never throws and reports every check', () => {
  const jwtish = fc.oneof(fc.string(), fc.tuple(fc.jsonValue(), fc.jsonValue()).map(([h, p]) => `${Buffer.from(JSON.stringify(h) ?? 'null').toString('base64url')}.${Buffer.from(JSON.stringify(p) ?? 'null').toString('base64url')}.c2ln`));
  fc.assert(
    fc.property(jwtish, fc.option(fc.string()), fc.option(fc.constantFrom('Bearer ', 'Basic ', '')), (assertion, date, scheme) => {
      const e = evidenceFromSaved({ status: 401, url: TOKEN, requestBody: body(encodeURIComponent(assertion)), requestHeaders: scheme === null ? {} : { authorization: `${scheme}${assertion}` }, responseHeaders: date === null ? {} : { date }, body: '{"error":"invalid_client","error_description":null}' });
      const r = e.responses[0];
      if (r === undefined) return false;
      const p = preflight(e, r);
      const found = diagnose(e, { now: NOW });
      return (p === undefined || p.token === undefined || p.checks.length === 9) && found.every((f) => /^[a-z0-9-]+$/.test(f.id) && f.detail.length > 0);
    }),
    { numRuns: 400 },
  );
});
