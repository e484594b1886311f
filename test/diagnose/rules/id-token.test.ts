// The id-token phase rules: each finding id from its evidence (the app's words, or the id_token
// against what was sent), its role and basis, causes in the order the evidence points, and
// silence on near misses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved, evidenceFromTrace } from '../../../src/diagnose/index.js';
import type { Evidence } from '../../../src/diagnose/evidence.js';
import type { Finding } from '../../../src/report/finding.js';
import { Trace } from '../../../src/report/trace.js';
import { NOW, NOW_S, unsignedJwt } from '../../helpers/jwt.js';

const run = (e: Evidence): Finding[] => diagnose(e, { now: NOW });
const ids = (e: Evidence): string[] => run(e).map((f) => f.id);
const find = (e: Evidence, id: string): Finding | undefined => run(e).find((f) => f.id === id);
const AUTHORIZE = 'https://ehr.example/authorize?response_type=code&client_id=app-1&scope=openid%20fhirUser&state=s1&nonce=n-123&aud=https%3A%2F%2Fehr.example%2Ffhir&code_challenge=x&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb';
const claims = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ iss: 'https://ehr.example', sub: 'u1', aud: 'app-1', iat: NOW_S - 5, exp: NOW_S + 300, nonce: 'n-123', fhirUser: 'Practitioner/p1', ...over });
const tokenResponse = (idToken: string, scope = 'openid fhirUser launch/patient patient/*.rs', extra: Record<string, unknown> = {}): Record<string, unknown> => ({ access_token: 'at', token_type: 'Bearer', expires_in: 300, scope, patient: 'p1', id_token: idToken, ...extra });

function trace(entries: Array<{ step: string; url: string; status: number; body: unknown; requestBody?: string; headers?: Record<string, string>; startedAt?: string }>): Trace {
  const t = new Trace();
  for (const x of entries) {
    t.addExchange({ step: x.step, request: { method: x.requestBody !== undefined ? 'POST' : 'GET', url: x.url, headers: {}, body: x.requestBody }, response: { status: x.status, headers: { 'content-type': 'application/json', ...(x.headers ?? {}) }, body: typeof x.body === 'string' ? x.body : JSON.stringify(x.body) }, startedAt: x.startedAt ?? NOW.toISOString(), durationMs: 1 });
  }
  return t;
}

test('openid-scope-dropped: the Cerner sandbox grant without openid/profile; silent when the answer names no scope', () => {
  const e = evidenceFromSaved({ requestedScope: 'launch online_access openid profile patient/Condition.read', tokenResponse: { access_token: 'a', token_type: 'Bearer', scope: 'launch online_access patient/Condition.read', patient: '12724066' } });
  const f = run(e)[0];
  assert.equal(f?.id, 'openid-scope-dropped');
  assert.equal(f?.role, 'root-cause');
  assert.match(f?.detail ?? '', /profile is the SMART v1 identity scope/);
  const noScope = evidenceFromSaved({ requestedScope: 'openid fhirUser', tokenResponse: { access_token: 'a', token_type: 'Bearer' } });
  assert.equal(ids(noScope).includes('openid-scope-dropped'), false);
});

test('openid-granted-no-id-token: openid granted, no id_token, a server defect; a warning when no scope says what was granted', () => {
  const e = evidenceFromSaved({ requestedScope: 'openid fhirUser patient/*.rs', tokenResponse: { access_token: 'a', token_type: 'Bearer', scope: 'openid fhirUser patient/*.rs' } });
  const f = run(e)[0];
  assert.deepEqual([f?.id, f?.severity, f?.role], ['openid-granted-no-id-token', 'error', 'root-cause']);
  const unknown = run(evidenceFromSaved({ requestedScope: 'openid fhirUser', tokenResponse: { access_token: 'a', token_type: 'Bearer' } })).find((x) => x.id === 'openid-granted-no-id-token');
  assert.equal(unknown?.severity, 'warning');
  // Without the request, a pasted answer may be a refresh answer (id_token optional): silent.
  assert.equal(ids(evidenceFromSaved({ tokenResponse: { access_token: 'a', scope: 'openid offline_access' } })).includes('openid-granted-no-id-token'), false);
});

test('profile-vs-fhiruser-claim: profile granted, only fhirUser issued; the app\'s "User is not available" makes it the root cause', () => {
  const idt = unsignedJwt(claims());
  const quiet = find(evidenceFromSaved({ requestedScope: 'openid profile', tokenResponse: tokenResponse(idt, 'openid profile') }), 'profile-vs-fhiruser-claim');
  assert.deepEqual([quiet?.severity, quiet?.role], ['warning', 'root-cause']);
  const said = run(evidenceFromSaved({ requestedScope: 'openid profile', tokenResponse: tokenResponse(idt, 'openid profile'), messages: ['Error: User is not available'] }))[0];
  assert.deepEqual([said?.id, said?.severity, said?.basis], ['profile-vs-fhiruser-claim', 'error', 'server-words']);
  assert.match(said?.causes?.[0] ?? '', /reads only the SMART v1 profile claim/);
  const v1 = find(evidenceFromSaved({ requestedScope: 'openid fhirUser', tokenResponse: tokenResponse(unsignedJwt(claims({ fhirUser: undefined, profile: 'Practitioner/p1' })), 'openid fhirUser') }), 'profile-vs-fhiruser-claim');
  assert.match(v1?.title ?? '', /profile \(SMART v1\), not fhirUser/);
  assert.equal(ids(evidenceFromSaved({ requestedScope: 'openid fhirUser', tokenResponse: tokenResponse(idt, 'openid fhirUser') })).includes('profile-vs-fhiruser-claim'), false);
});

test('fhiruser-claim-format-or-missing: Entra id_token without fhirUser puts the mapping cause first; an absolute fhirUser appended to the base', () => {
  const entra = unsignedJwt(claims({ iss: 'https://login.microsoftonline.com/t1/v2.0', fhirUser: undefined }));
  const f = find(evidenceFromSaved({ requestedScope: 'openid fhirUser', tokenResponse: tokenResponse(entra, 'openid fhirUser') }), 'fhiruser-claim-format-or-missing');
  assert.equal(f?.severity, 'error');
  assert.match(f?.causes?.[0] ?? '', /Microsoft Entra ID emits fhirUser only through an extension attribute/);
  const other = find(evidenceFromSaved({ requestedScope: 'openid fhirUser', tokenResponse: tokenResponse(unsignedJwt(claims({ fhirUser: undefined })), 'openid fhirUser') }), 'fhiruser-claim-format-or-missing');
  assert.match(other?.causes?.[0] ?? '', /no linked FHIR resource/);
  const abs = 'https://fhir.epic.example/api/FHIR/R4/Practitioner/abc';
  const doubled = evidenceFromSaved({ status: 404, endpoint: 'fhir', url: `https://fhir.epic.example/api/FHIR/R4/${abs}`, requestHeaders: { authorization: 'Bearer at' }, tokenResponse: tokenResponse(unsignedJwt(claims({ fhirUser: abs })), 'openid fhirUser') });
  const d = run(doubled)[0];
  assert.deepEqual([d?.id, d?.basis], ['fhiruser-claim-format-or-missing', 'request-shape']);
  assert.match(d?.fix ?? '', /"Practitioner\/abc"/);
  // The absolute form alone is valid (the IG allows it): nothing to say.
  const fine = ids(evidenceFromSaved({ requestedScope: 'openid fhirUser', tokenResponse: tokenResponse(unsignedJwt(claims({ fhirUser: abs })), 'openid fhirUser') }));
  assert.equal(fine.some((id) => id.startsWith('fhiruser-claim')), false, fine.join(','));
  assert.ok(ids(evidenceFromSaved({ tokenResponse: tokenResponse(unsignedJwt(claims({ fhirUser: 'Device/1' }))) })).includes('fhiruser-claim-malformed'));
});

test('id-token-nonce-mismatch: the authorize URL nonce against the id_token; a missing nonce puts "server does not echo" first', () => {
  const e = evidenceFromSaved({ authorizeUrl: AUTHORIZE, tokenResponse: tokenResponse(unsignedJwt(claims({ nonce: 'other' }))) });
  const f = run(e)[0];
  assert.deepEqual([f?.id, f?.basis], ['id-token-nonce-mismatch', 'request-shape']);
  assert.match(f?.detail ?? '', /expected "n-123", got "other"/);
  assert.match(f?.causes?.[0] ?? '', /different attempts/);
  const absent = find(evidenceFromSaved({ authorizeUrl: AUTHORIZE, tokenResponse: tokenResponse(unsignedJwt(claims({ nonce: undefined }))) }), 'id-token-nonce-mismatch');
  assert.match(absent?.causes?.[0] ?? '', /does not echo the nonce/);
  const said = run(evidenceFromSaved({ messages: ['OperationProcessingError: unexpected ID Token "nonce" claim value'] }))[0];
  assert.deepEqual([said?.id, said?.basis], ['id-token-nonce-mismatch', 'server-words']);
  assert.equal(ids(evidenceFromSaved({ authorizeUrl: AUTHORIZE, tokenResponse: tokenResponse(unsignedJwt(claims())) })).includes('id-token-nonce-mismatch'), false);
});

test('id-token-aud-azp-mismatch: aud is the FHIR base (resource cause first); several audiences without azp is a warning', () => {
  const f = find(evidenceFromSaved({ authorizeUrl: AUTHORIZE, tokenResponse: tokenResponse(unsignedJwt(claims({ aud: 'https://ehr.example/fhir' }))) }), 'id-token-aud-azp-mismatch');
  assert.equal(f?.severity, 'error');
  assert.match(f?.causes?.[0] ?? '', /put the resource/);
  const azp = find(evidenceFromSaved({ authorizeUrl: AUTHORIZE, tokenResponse: tokenResponse(unsignedJwt(claims({ aud: ['app-1', 'api-2'] }))) }), 'id-token-aud-azp-mismatch');
  assert.equal(azp?.severity, 'warning');
  assert.match(azp?.causes?.[0] ?? '', /left out azp/);
  const said = run(evidenceFromSaved({ messages: ['RPError: aud mismatch, expected app-1, got: app-2'] }))[0];
  assert.equal(said?.id, 'id-token-aud-azp-mismatch');
});

test('id-token-clock-skew: iat 600 s after the token answer\'s Date header; the printed "now, nbf" skew; an old saved token is not skew', () => {
  const date = new Date((NOW_S - 3600) * 1000).toUTCString();
  const e = evidenceFromSaved({ status: 200, endpoint: 'token', responseHeaders: { date }, body: JSON.stringify(tokenResponse(unsignedJwt(claims({ iat: NOW_S - 3000, exp: NOW_S })))) });
  const f = run(e)[0];
  assert.deepEqual([f?.id, f?.basis], ['id-token-clock-skew', 'request-shape']);
  assert.match(f?.detail ?? '', /iat is 10 min after the token answer's Date header/);
  const said = run(evidenceFromSaved({ messages: ['JWT not active yet, now 1642051718, nbf 1642051719'] }))[0];
  assert.equal(said?.id, 'id-token-clock-skew');
  assert.match(said?.detail ?? '', /nbf was 1 s after the client's clock/);
  // Saved long ago, expired now: says nothing about clocks.
  const old = evidenceFromSaved({ tokenResponse: tokenResponse(unsignedJwt(claims({ iat: NOW_S - 90_000, exp: NOW_S - 86_400 }))) });
  assert.equal(ids(old).includes('id-token-clock-skew'), false);
});

test('id-token-alg-mismatch: the id_token alg against the discovery list; openid-client\'s words put the pinned-RS256 cause first', () => {
  const idt = unsignedJwt(claims(), { alg: 'ES256', kid: 'k1' });
  const t = trace([
    { step: 'discovery.openid-configuration', url: 'https://ehr.example/.well-known/openid-configuration', status: 200, body: { issuer: 'https://ehr.example', id_token_signing_alg_values_supported: ['RS256'] } },
    { step: 'token', url: 'https://ehr.example/token', status: 200, body: tokenResponse(idt), requestBody: 'grant_type=authorization_code&code=c' },
  ]);
  const f = run(evidenceFromTrace(t.entries))[0];
  assert.equal(f?.id, 'id-token-alg-mismatch');
  assert.match(f?.detail ?? '', /expected one of id_token_signing_alg_values_supported \["RS256"\], got "ES256"/);
  const said = run(evidenceFromSaved({ messages: ['RPError: unexpected JWT alg received, expected RS256, got: ES256'] }))[0];
  assert.equal(said?.id, 'id-token-alg-mismatch');
  assert.match(said?.causes?.[0] ?? '', /pins one alg/);
  const hs = run(evidenceFromSaved({ messages: ['BadRequestError: unexpected JWT alg received, expected RS256, got: HS256'] }))[0];
  assert.match(hs?.causes?.[0] ?? '', /MACed with the client secret/);
});

test('id-token-kid-not-in-jwks: the kid against the JWKS fetched; a later fetch that has it puts the stale cache first', () => {
  const idt = unsignedJwt(claims(), { alg: 'RS256', kid: '2025-09-29T02:43:24.322.rsa' });
  const jwks = (kids: string[]): unknown => ({ keys: kids.map((kid) => ({ kty: 'RSA', kid, n: 'x', e: 'AQAB' })) });
  const token = { step: 'token', url: 'https://authorization.cerner.example/token', status: 200, body: tokenResponse(idt), requestBody: 'grant_type=authorization_code&code=c' };
  const late = run(evidenceFromTrace(trace([token, { step: 'jwks', url: 'https://authorization.sandboxcerner.com/jwk', status: 200, body: jwks(['2025-09-27T02:43:23.838.rsa']) }]).entries))[0];
  assert.equal(late?.id, 'id-token-kid-not-in-jwks');
  assert.match(late?.causes?.[0] ?? '', /signs with the new key before publishing/);
  const stale = run(evidenceFromTrace(trace([token, { step: 'jwks', url: 'https://h.example/jwk', status: 200, body: jwks(['old']) }, { step: 'jwks', url: 'https://h.example/jwk', status: 200, body: jwks(['old', '2025-09-29T02:43:24.322.rsa']) }]).entries))[0];
  assert.match(stale?.causes?.[0] ?? '', /cached JWKS/);
  const said = run(evidenceFromSaved({ messages: ["could not find key ID '2025-09-29T02:43:24.322.rsa' in available keys: ['2025-09-23T02:43:14.896.rsa']"] }))[0];
  assert.equal(said?.id, 'id-token-kid-not-in-jwks');
  assert.match(said?.title ?? '', /kid "2025-09-29T02:43:24\.322\.rsa"/);
  assert.equal(ids(evidenceFromTrace(trace([token, { step: 'jwks', url: 'https://h.example/jwk', status: 200, body: jwks(['2025-09-29T02:43:24.322.rsa']) }]).entries)).includes('id-token-kid-not-in-jwks'), false);
});

test('an id_token problem beside an unexplained FHIR error is only also noticed', () => {
  const e = evidenceFromSaved({ status: 500, endpoint: 'fhir', authorizeUrl: AUTHORIZE, tokenResponse: tokenResponse(unsignedJwt(claims({ nonce: 'other' }))) });
  const found = run(e);
  assert.equal(found[0]?.id, 'unknown-failure');
  assert.equal(found.find((f) => f.id === 'id-token-nonce-mismatch')?.role, 'also-noticed');
});

test('property: any id_token claims, header and app message give well-formed id-token findings, never a throw', async () => {
  const fc = (await import('fast-check')).default;
  const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));
  const payload = fc.dictionary(fc.constantFrom('iss', 'sub', 'aud', 'azp', 'iat', 'nbf', 'exp', 'nonce', 'fhirUser', 'profile'), value);
  const header = fc.dictionary(fc.constantFrom('alg', 'kid', 'typ'), value);
  const message = fc.oneof(fc.string(), fc.constantFrom('JWT not active yet, now 1, nbf 99999999999', "could not find key ID '' in available keys", 'unexpected JWT alg received, expected , got: ', 'nonce mismatch'));
  fc.assert(
    fc.property(payload, header, fc.array(message, { maxLength: 2 }), fc.option(fc.string()), (p, h, messages, scope) => {
      const e = evidenceFromSaved({ authorizeUrl: AUTHORIZE, messages, tokenResponse: { access_token: 'at', ...(scope !== null ? { scope } : {}), id_token: unsignedJwt(p, h) } });
      return run(e).every((f) => /^[a-z0-9-]+$/.test(f.id) && f.title.length > 0 && f.detail.length > 0);
    }),
    { numRuns: 500 },
  );
});
