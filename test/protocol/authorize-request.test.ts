import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildAuthorizeRequest } from '../../src/protocol/authorize-request.js';
import { lintAuthorizeRequest } from '../../src/diagnose/authorize-request-lint.js';
import { unwrapAuthorizeUrl } from '../../src/diagnose/rules/authorize/authorize-url.js';

const now = new Date('2026-06-01T00:00:00Z');
const base = { authorizationEndpoint: 'https://ehr.example/auth/authorize?tenant=t1', clientId: 'app', redirectUri: 'http://127.0.0.1:8765/callback', scope: 'openid fhirUser launch/patient patient/*.rs', state: 'st-123', aud: 'https://ehr.example/fhir' };

test('buildAuthorizeRequest: the SMART parameters, PKCE S256, nonce, keeping the endpoint query', () => {
  const r = buildAuthorizeRequest({ ...base, codeChallenge: 'ch', nonce: 'n1' });
  const u = new URL(r.url);
  assert.equal(u.searchParams.get('tenant'), 't1');
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'app', redirect_uri: base.redirectUri, scope: base.scope, state: 'st-123', aud: base.aud, code_challenge: 'ch', code_challenge_method: 'S256', nonce: 'n1' })) {
    assert.equal(u.searchParams.get(k), v, k);
    assert.equal(r.params.get(k), v, k);
  }
  assert.equal(u.searchParams.has('forceAuthn'), false);
  assert.equal(u.searchParams.has('launch'), false);
});

test('buildAuthorizeRequest: launch, prompt and the vendor forceAuthn when asked; no PKCE when disabled', () => {
  const r = buildAuthorizeRequest({ ...base, launch: 'L1', prompt: 'login', forceAuthn: true });
  assert.equal(r.params.get('launch'), 'L1');
  assert.equal(r.params.get('prompt'), 'login');
  assert.equal(r.params.get('forceAuthn'), 'true');
  assert.equal(r.params.has('code_challenge'), false);
});

test('lintAuthorizeRequest: a good request has no findings', () => {
  assert.deepEqual(lintAuthorizeRequest(buildAuthorizeRequest({ ...base, codeChallenge: 'ch' }).url, now), []);
});

test('lintAuthorizeRequest: no PKCE, system/ scopes, forceAuthn, very long URL', () => {
  const scope = `system/Patient.read ${Array.from({ length: 40 }, (_, i) => `patient/R${i}.read`).join(' ')}`;
  const ids = lintAuthorizeRequest(buildAuthorizeRequest({ ...base, scope, forceAuthn: true }).url, now).map((f) => f.id);
  for (const id of ['pkce-missing', 'system-scope-in-user-request', 'authorize-nonstandard-parameter', 'authorize-url-long']) assert.ok(ids.includes(id), `${id} in ${ids.join(',')}`);
});

test('lintAuthorizeRequest: mixed SMART v1 and v2 scopes (the scopes module decides)', () => {
  const ids = lintAuthorizeRequest(buildAuthorizeRequest({ ...base, codeChallenge: 'ch', scope: 'patient/Patient.read patient/Observation.rs' }).url, now).map((f) => f.id);
  assert.deepEqual(ids, ['scope-syntax-mixed']);
});

test('unwrapAuthorizeUrl: a vendor login page carrying the request in "to"', () => {
  const inner = buildAuthorizeRequest({ ...base, forceAuthn: true }).url;
  const outer = `https://authorization.example/session-api/realm/t1?to=${encodeURIComponent(inner)}`;
  assert.deepEqual(unwrapAuthorizeUrl(outer), { url: inner, wrappedBy: 'https://authorization.example/session-api/realm/t1' });
  assert.deepEqual(unwrapAuthorizeUrl('not a url'), { url: 'not a url' });
});

test('property: any text as an authorize URL lints to well-formed findings, never a throw', () => {
  const urlish = fc.oneof(fc.string(), fc.webUrl({ withQueryParameters: true }), fc.webUrl().map((u) => `https://login.example/?to=${encodeURIComponent(u)}&forceAuthn=true`));
  fc.assert(
    fc.property(urlish, (u) => {
      const fs = lintAuthorizeRequest(u, now);
      return fs.every((f) => /^[a-z0-9-]+$/.test(f.id) && f.title.length > 0);
    }),
  );
});

test('property: built requests round-trip their parameters', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), (clientId, scope, state) => {
      const r = buildAuthorizeRequest({ ...base, clientId, scope, state });
      const q = new URL(r.url).searchParams;
      return q.get('client_id') === clientId && q.get('scope') === scope && q.get('state') === state;
    }),
  );
});
