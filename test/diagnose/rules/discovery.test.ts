// The discovery-phase rules (src/diagnose/rules/discovery/): each finding id on its evidence,
// with its role and basis, and silent where the evidence does not show it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved, evidenceFromTrace } from '../../../src/diagnose/index.js';
import type { Finding } from '../../../src/report/finding.js';
import { Trace } from '../../../src/report/trace.js';
import { NOW, NOW_S, unsignedJwt } from '../../helpers/jwt.js';

const run = (e: Parameters<typeof diagnose>[0]): Finding[] => diagnose(e, { now: NOW });
const find = (fs: Finding[], id: string): Finding | undefined => fs.find((f) => f.id === id);
const doc = (url: string, body: unknown) => evidenceFromSaved({ status: 200, url, body: JSON.stringify(body) });

test('smart-configuration-missing: 404 at the well-known URL, causes ordered by the answer', () => {
  const fs = run(evidenceFromSaved({ status: 404, url: 'https://localhost:44348/.well-known/smart-configuration', body: '' }));
  assert.equal(fs[0]?.id, 'smart-configuration-missing');
  assert.equal(fs[0]?.role, 'root-cause');
  assert.equal(fs[0]?.basis, 'request-shape');
  // No FHIR path in the base URL: the base URL cause comes first.
  assert.match(fs[0]?.causes?.[0] ?? '', /base URL is wrong/);
  const withPath = run(evidenceFromSaved({ status: 404, url: 'http://localhost:8080/fhir/.well-known/smart-configuration', body: '' }));
  assert.match(withPath[0]?.causes?.[0] ?? '', /does not implement/);
  const auth = run(evidenceFromSaved({ status: 401, url: 'http://localhost:8080/fhir/.well-known/smart-configuration', body: '' }));
  assert.match(auth[0]?.causes?.[0] ?? '', /authorization enabled/);
  const page = run(evidenceFromSaved({ status: 200, url: 'https://ehr.example.org/fhir/.well-known/smart-configuration', responseHeaders: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>portal</body></html>' }));
  assert.equal(page[0]?.id, 'smart-configuration-missing');
  const message = run(evidenceFromSaved({ messages: ['Failed to fetch the well-known json "https://x/.well-known/smart-configuration"'] }));
  assert.deepEqual([message[0]?.id, message[0]?.basis], ['smart-configuration-missing', 'server-words']);
  // A 5xx is the server failing; a JSON document is not missing.
  assert.equal(find(run(evidenceFromSaved({ status: 503, url: 'https://ehr/fhir/.well-known/smart-configuration', body: 'down' })), 'smart-configuration-missing'), undefined);
  assert.equal(find(run(doc('https://ehr/fhir/.well-known/smart-configuration', { token_endpoint: 'https://ehr/token', code_challenge_methods_supported: ['S256'] })), 'smart-configuration-missing'), undefined);
});

test('smart-configuration-missing: warning when the CapabilityStatement fallback names the endpoints (a discover trace)', () => {
  const t = new Trace();
  t.addExchange({ step: 'discovery.smart-configuration', request: { method: 'GET', url: 'https://ehr/fhir/.well-known/smart-configuration', headers: {} }, response: { status: 404, headers: {}, body: '' }, startedAt: NOW.toISOString(), durationMs: 1 });
  t.addExchange({ step: 'discovery.metadata', request: { method: 'GET', url: 'https://ehr/fhir/metadata', headers: {} }, response: { status: 200, headers: {}, body: JSON.stringify({ resourceType: 'CapabilityStatement', rest: [{ security: { extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris' }] } }] }) }, startedAt: NOW.toISOString(), durationMs: 1 });
  const f = find(run(evidenceFromTrace(t.entries)), 'smart-configuration-missing');
  assert.equal(f?.severity, 'warning');
  assert.match(f?.detail ?? '', /fall back/);
});

test('launch-without-iss: a launch URL without iss, or the library words', () => {
  const e = evidenceFromSaved({});
  e.launchUrl = 'http://localhost:8000/launch.html?launch=abc';
  const fs = run(e);
  assert.deepEqual([fs[0]?.id, fs[0]?.basis], ['launch-without-iss', 'request-shape']);
  assert.match(fs[0]?.causes?.[0] ?? '', /passed launch but not iss/);
  const m = run(evidenceFromSaved({ messages: ['Failed to discover authorization URL given'] }));
  assert.deepEqual([m[0]?.id, m[0]?.basis, m[0]?.role], ['launch-without-iss', 'server-words', 'root-cause']);
  // The "no state" message on top of it is contributing: the missing iss explains it.
  const both = run(evidenceFromSaved({ messages: ['Failed to discover authorization URL given', "No 'state' parameter found in authorization response."] }));
  assert.equal(both[0]?.id, 'launch-without-iss');
  assert.equal(find(both, 'state-missing-or-mismatch')?.role, 'contributing');
  const ok = evidenceFromSaved({});
  ok.launchUrl = 'http://localhost:8000/launch.html?iss=https%3A%2F%2Fehr%2Ffhir&launch=abc';
  assert.equal(find(run(ok), 'launch-without-iss'), undefined);
});

const SMART = { authorization_endpoint: 'https://ehr/authorize', token_endpoint: 'https://ehr/token', capabilities: ['launch-standalone', 'client-public'] };

test('discovery-missing-pkce-methods and its siblings pkce-s256-not-advertised, pkce-plain-advertised', () => {
  const url = 'https://ehr/fhir/.well-known/smart-configuration';
  const missing = run(doc(url, SMART));
  assert.deepEqual([missing[0]?.id, missing[0]?.severity, missing[0]?.role], ['discovery-missing-pkce-methods', 'error', 'also-noticed']);
  const plain = run(doc(url, { ...SMART, code_challenge_methods_supported: ['plain'] }));
  assert.deepEqual(plain.map((f) => f.id), ['pkce-s256-not-advertised', 'pkce-plain-advertised']);
  assert.deepEqual(run(doc(url, { ...SMART, code_challenge_methods_supported: ['S256'] })), []);
  // An openid-configuration is not the SMART document this rule reads.
  assert.equal(find(run(doc('https://ehr/.well-known/openid-configuration', { issuer: 'https://ehr', token_endpoint: 'https://ehr/token' })), 'discovery-missing-pkce-methods'), undefined);
});

test('issuer-mismatch: library words (root cause) and the documents (noticed), trailing slash named', () => {
  const m = run(evidenceFromSaved({ messages: ['unexpected iss value, expected https://acme.auth0.local/, got: https://acme.auth0.local'] }));
  assert.deepEqual([m[0]?.id, m[0]?.role, m[0]?.basis], ['issuer-mismatch', 'root-cause', 'server-words']);
  assert.match(m[0]?.detail ?? '', /differ only by a trailing slash/);
  const go = run(evidenceFromSaved({ messages: ['oidc: issuer did not match the issuer returned by provider, expected "https://a/realms/x/" got "https://a/realms/x"'] }));
  assert.equal(go[0]?.id, 'issuer-mismatch');
  const d = run(doc('https://login.example.com/.well-known/openid-configuration', { issuer: 'https://login.example.com/' }));
  assert.deepEqual([d[0]?.id, d[0]?.role, d[0]?.basis], ['issuer-mismatch', 'also-noticed', 'request-shape']);
  assert.deepEqual(run(doc('https://login.example.com/.well-known/openid-configuration', { issuer: 'https://login.example.com' })), []);
});

test('assertion-alg-not-advertised: discovery without RS384/ES384 or private_key_jwt; root cause of an invalid_client to such an assertion', () => {
  const url = 'https://ehr/fhir/.well-known/smart-configuration';
  const rs256 = run(doc(url, { ...SMART, code_challenge_methods_supported: ['S256'], capabilities: ['client-confidential-asymmetric'], token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS256'] }));
  assert.deepEqual([rs256[0]?.id, rs256[0]?.role, rs256[0]?.severity], ['assertion-alg-not-advertised', 'also-noticed', 'warning']);
  const noMethod = run(doc(url, { ...SMART, code_challenge_methods_supported: ['S256'], capabilities: ['client-confidential-asymmetric'], token_endpoint_auth_methods_supported: ['client_secret_basic'] }));
  assert.match(noMethod[0]?.detail ?? '', /expected to include "private_key_jwt"/);
  // A public-client server that never offered asymmetric auth is not flagged.
  assert.deepEqual(run(doc(url, { ...SMART, code_challenge_methods_supported: ['S256'], token_endpoint_auth_methods_supported: ['none'] })), []);
  // A token run: discovery lists ES384 only, the assertion is RS256, the token endpoint says invalid_client.
  const t = new Trace();
  t.addExchange({ step: 'discovery.smart-configuration', request: { method: 'GET', url, headers: {} }, response: { status: 200, headers: {}, body: JSON.stringify({ ...SMART, code_challenge_methods_supported: ['S256'], token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['ES384'] }) }, startedAt: NOW.toISOString(), durationMs: 1 });
  const assertion = unsignedJwt({ iss: 'app', sub: 'app', aud: 'https://ehr/token', exp: NOW_S + 240, iat: NOW_S, jti: 'j1' }, { alg: 'RS256', kid: 'k1' });
  t.addExchange({ step: 'token', request: { method: 'POST', url: 'https://ehr/token', headers: {}, body: `grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${assertion}` }, response: { status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"invalid_client"}' }, startedAt: NOW.toISOString(), durationMs: 1 });
  const f = find(run(evidenceFromTrace(t.entries, { clientId: 'app', tokenEndpoint: 'https://ehr/token', authMethod: 'private_key_jwt' })), 'assertion-alg-not-advertised');
  assert.deepEqual([f?.role, f?.severity], ['root-cause', 'error']);
  assert.match(f?.detail ?? '', /signed with RS256/);
});
