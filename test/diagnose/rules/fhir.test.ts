// The FHIR phase rules: a 401 is explained once (no token only when the request is known,
// expired / audience from the server's words or from the token against the time of the answer),
// a 403 by the grant or the server's words (a bare 403 is unknown), and the patient compartment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved, evidenceFromTrace } from '../../../src/diagnose/index.js';
import type { Evidence } from '../../../src/diagnose/evidence.js';
import type { Finding } from '../../../src/report/finding.js';
import { Trace } from '../../../src/report/trace.js';
import { NOW, NOW_S, unsignedJwt } from '../../helpers/jwt.js';

const run = (e: Evidence): Finding[] => diagnose(e, { now: NOW });
const ids = (e: Evidence): string[] => run(e).map((f) => f.id);
const BEARER = { authorization: 'Bearer abc' };

test('fhir-401-invalid-audience: Azure "The audience is invalid" (Azure cause first) and Oracle HDR\'s expected/got', () => {
  const azure = run(evidenceFromSaved({ status: 401, url: 'https://myfhir.azurehealthcareapis.com/Patient', responseHeaders: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The audience is invalid"' }, requestHeaders: BEARER }))[0];
  assert.deepEqual([azure?.id, azure?.basis], ['fhir-401-invalid-audience', 'server-words']);
  assert.match(azure?.causes?.[0] ?? '', /On Azure/);
  const hdr = run(evidenceFromSaved({ status: 401, endpoint: 'fhir', body: "BAD_TOKEN: Invalid JWT token. Bad claims. Invalid 'aud' attribute. Expected audience 'https://hdr.example/fhir' does not exist in audience 'https://other.example'", requestHeaders: BEARER }))[0];
  assert.equal(hdr?.id, 'fhir-401-invalid-audience');
  assert.match(hdr?.detail ?? '', /aud: expected "https:\/\/hdr\.example\/fhir", got "https:\/\/other\.example"/);
  assert.match(hdr?.causes?.[0] ?? '', /aud parameter at authorize/);
});

test('fhir-401-expired-token: HDR "Expired JWT"; exp against the answer\'s Date header; exp against a later now only suggests it', () => {
  assert.equal(run(evidenceFromSaved({ status: 401, endpoint: 'fhir', body: 'BAD_TOKEN: Invalid JWT token. Bad claims. Expired JWT', requestHeaders: BEARER }))[0]?.id, 'fhir-401-expired-token');
  const token = unsignedJwt({ exp: NOW_S - 7200, aud: 'https://ehr.example/fhir' });
  const dated = run(evidenceFromSaved({ status: 401, url: 'https://ehr.example/fhir/Patient/1', responseHeaders: { 'www-authenticate': 'Bearer', date: new Date((NOW_S - 3600) * 1000).toUTCString() }, requestHeaders: { authorization: `Bearer ${token}` } }))[0];
  assert.deepEqual([dated?.id, dated?.severity, dated?.basis], ['fhir-401-expired-token', 'error', 'request-shape']);
  assert.match(dated?.detail ?? '', /exp is 60 min in the past \(by the answer's Date header\)/);
  const undated = run(evidenceFromSaved({ status: 401, url: 'https://ehr.example/fhir/Patient/1', requestHeaders: { authorization: `Bearer ${token}` } }))[0];
  assert.deepEqual([undated?.id, undated?.severity, undated?.basis], ['fhir-401-expired-token', 'warning', 'circumstance']);
  // Valid when the server answered: not expiry.
  const valid = run(evidenceFromSaved({ status: 401, url: 'https://ehr.example/fhir/Patient/1', responseHeaders: { 'www-authenticate': 'Bearer error="invalid_token"', date: new Date((NOW_S - 9000) * 1000).toUTCString() }, requestHeaders: { authorization: `Bearer ${token}` } }))[0];
  assert.equal(valid?.id, 'fhir-401-invalid-token');
});

test('fhir-401-expired-token: an opaque token past the token response expires_in (Millennium 570 s), from the trace', () => {
  const t = new Trace();
  t.addExchange({ step: 'token', request: { method: 'POST', url: 'https://ehr.example/token', headers: {}, body: 'grant_type=authorization_code&code=c' }, response: { status: 200, headers: {}, body: '{"access_token":"opaque","token_type":"Bearer","expires_in":570}' }, startedAt: new Date(NOW.getTime() - 612_000).toISOString(), durationMs: 1 });
  t.addExchange({ step: 'fhir.read', request: { method: 'GET', url: 'https://ehr.example/fhir/Patient/1', headers: { authorization: 'Bearer opaque' } }, response: { status: 401, headers: {}, body: '' }, startedAt: NOW.toISOString(), durationMs: 1 });
  const f = run(evidenceFromTrace(t.entries))[0];
  assert.deepEqual([f?.id, f?.basis], ['fhir-401-expired-token', 'request-shape']);
  assert.match(f?.detail ?? '', /issued 10 min before this request with expires_in 570 s/);
});

test('fhir-401-no-token: only when the request is known, or the server says the token was empty', () => {
  assert.deepEqual(ids(evidenceFromSaved({ status: 401, endpoint: 'fhir' })), ['unknown-failure']);
  assert.equal(run(evidenceFromSaved({ status: 401, endpoint: 'fhir', body: 'BAD_TOKEN: Invalid JWT token. Token is null or empty.' }))[0]?.id, 'fhir-401-no-token');
});

test('fhir-403-insufficient-scope: a 403 on a resource the grant never covered; the trimmed cause first when it was requested', () => {
  const e = evidenceFromSaved({ status: 403, url: 'https://ehr.example/fhir/Observation?patient=p1', requestHeaders: BEARER, requestedScope: 'launch/patient patient/Patient.rs patient/Observation.rs', tokenResponse: { access_token: 'a', scope: 'launch/patient patient/Patient.rs', patient: 'p1' } });
  const f = run(e)[0];
  assert.deepEqual([f?.id, f?.basis], ['fhir-403-insufficient-scope', 'request-shape']);
  assert.match(f?.causes?.[0] ?? '', /requested but the server trimmed/);
  assert.match(f?.fix ?? '', /"patient\/Observation\.rs"/);
  // The grant covers it and the server says nothing: unknown.
  const covered = evidenceFromSaved({ status: 403, url: 'https://ehr.example/fhir/Patient/p1', requestHeaders: BEARER, tokenResponse: { access_token: 'a', scope: 'launch/patient patient/Patient.rs', patient: 'p1' } });
  assert.equal(run(covered)[0]?.id, 'unknown-failure');
  const cerner = run(evidenceFromSaved({ status: 403, endpoint: 'fhir', body: '{"code":403,"message":"code=\\"urn:cerner:error:oauth2:resource-access:insufficient-scopes\\", error=\\"insufficient_scope\\", subcode=\\"no_scope_for_resource_path\\""}' }))[0];
  assert.deepEqual([cerner?.id, cerner?.basis], ['fhir-403-insufficient-scope', 'server-words']);
});

test('fhir-403-outside-patient-context: LinuxForHealth words, Azure\'s 400 without a launch context, and another patient than the one in context', () => {
  const lfh = run(evidenceFromSaved({ status: 403, endpoint: 'fhir', body: '{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"forbidden","diagnostics":"Interaction with \'Patient/123abc\' is not permitted under patient context \'Patient/9\'."}]}' }))[0];
  assert.deepEqual([lfh?.id, lfh?.basis], ['fhir-403-outside-patient-context', 'server-words']);
  assert.match(lfh?.causes?.[0] ?? '', /another patient/);
  const azure = run(evidenceFromSaved({ status: 400, endpoint: 'fhir', body: '{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","details":{"text":"Cannot enforce \'patient/*\' claims without a launch context."}}]}' }))[0];
  assert.equal(azure?.id, 'fhir-403-outside-patient-context');
  assert.match(azure?.causes?.[0] ?? '', /No patient was bound/);
  const other = run(evidenceFromSaved({ status: 403, url: 'https://ehr.example/fhir/Patient/207f22d6', requestHeaders: BEARER, tokenResponse: { access_token: 'a', scope: 'launch/patient patient/Patient.read', patient: 'c769110f' } }))[0];
  assert.deepEqual([other?.id, other?.basis], ['fhir-403-outside-patient-context', 'request-shape']);
  assert.match(other?.title ?? '', /Patient\/207f22d6, but the patient in context is Patient\/c769110f/);
});

test('regression: launch\'s own FHIR probe of a resource the grant never covered is a 403 as expected (info), not an error', () => {
  const t = new Trace();
  t.addExchange({ step: 'token', request: { method: 'POST', url: 'https://ehr.example/token', headers: {}, body: 'grant_type=authorization_code&code=c' }, response: { status: 200, headers: {}, body: '{"access_token":"at","token_type":"Bearer","scope":"openid fhirUser launch/patient patient/Patient.rs","patient":"p1","id_token":"x"}' }, startedAt: NOW.toISOString(), durationMs: 1 });
  t.addExchange({ step: 'fhir.probe', request: { method: 'GET', url: 'https://ehr.example/fhir/Practitioner/pr1', headers: { authorization: 'Bearer at' } }, response: { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' }, body: '' }, startedAt: NOW.toISOString(), durationMs: 1 });
  const e = evidenceFromTrace(t.entries, { requestedScope: 'openid fhirUser launch/patient patient/Patient.rs' });
  const f = run(e)[0];
  assert.deepEqual([f?.id, f?.severity, f?.role], ['fhir-403-insufficient-scope', 'info', 'root-cause']);
  assert.match(f?.title ?? '', /Practitioner\/pr1: 403 as expected/);
  assert.equal(run(e).some((x) => x.severity === 'error'), false);
});

test('property: any FHIR 400/401/403 with any token claims, URL, challenge and token response gives well-formed findings, never a throw', async () => {
  const fc = (await import('fast-check')).default;
  const claim = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
  const token = fc.dictionary(fc.constantFrom('exp', 'aud', 'iat', 'scope'), claim).map((p) => unsignedJwt(p));
  const path = fc.array(fc.constantFrom('Patient', 'Observation', '123', 'https:', '', 'x y', '%E0%A4%A', 'Practitioner'), { maxLength: 5 }).map((s) => `https://ehr.example/fhir/${s.join('/')}`);
  const words = fc.oneof(fc.string(), fc.constantFrom('Expired JWT', 'The audience is invalid', "Expected audience '' does not exist in audience ''", 'not permitted under patient context', 'insufficient_scope', 'Token is null or empty'));
  fc.assert(
    fc.property(fc.constantFrom(400, 401, 403), token, path, words, fc.option(fc.string()), fc.option(fc.string()), (status, t, url, w, scope, patient) => {
      const e = evidenceFromSaved({ status, url, endpoint: 'fhir', body: w, responseHeaders: { 'www-authenticate': `Bearer error="invalid_token", error_description="${w.replace(/"/g, '')}"`, date: 'not a date' }, requestHeaders: { authorization: `Bearer ${t}` }, tokenResponse: { access_token: t, ...(scope !== null ? { scope } : {}), ...(patient !== null ? { patient } : {}) } });
      return run(e).every((f) => /^[a-z0-9-]+$/.test(f.id) && f.title.length > 0 && f.detail.length > 0);
    }),
    { numRuns: 500 },
  );
});
