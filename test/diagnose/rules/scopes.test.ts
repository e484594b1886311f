// The scopes-phase rules (src/diagnose/rules/scopes/): each finding id on its evidence, with
// its role and basis, and silent where the evidence does not show it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved } from '../../../src/diagnose/index.js';
import type { Finding } from '../../../src/report/finding.js';
import { NOW } from '../../helpers/jwt.js';

const run = (e: Parameters<typeof diagnose>[0]): Finding[] => diagnose(e, { now: NOW });
const find = (fs: Finding[], id: string): Finding | undefined => fs.find((f) => f.id === id);
const q = (p: Record<string, string>): string => new URLSearchParams(p).toString();
const PKCE = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
const authorize = (p: Record<string, string>): string => `https://ehr/authorize?${q({ response_type: 'code', client_id: 'app', redirect_uri: 'http://127.0.0.1:8765/callback', state: 's', aud: 'https://ehr/fhir', ...PKCE, ...p })}`;

test('granted-scope-trimmed-to-registration: the missing scopes, classified; wildcards named only when dropped', () => {
  const fs = run(evidenceFromSaved({ requestedScope: 'launch openid fhirUser patient/*.read', tokenResponse: { access_token: 'a', token_type: 'Bearer', expires_in: 600, scope: 'fhirUser launch openid', id_token: 'x', patient: 'p' } }));
  const f = find(fs, 'granted-scope-trimmed-to-registration');
  assert.deepEqual([f?.role, f?.severity], ['contributing', 'error']);
  assert.match(f?.detail ?? '', /wildcard resource: "patient\/\*\.read"/);
  assert.match(f?.causes?.[0] ?? '', /Wildcard resource scopes/);
  const explicit = find(run(evidenceFromSaved({ requestedScope: 'openid user/Patient.read', tokenResponse: { access_token: 'a', token_type: 'Bearer', expires_in: 600, scope: 'openid', id_token: 'x' } })), 'granted-scope-trimmed-to-registration');
  assert.ok(!(explicit?.causes ?? []).some((c) => /Wildcard/.test(c)));
  // Only a refresh scope dropped: noticed, a warning.
  const refresh = find(run(evidenceFromSaved({ requestedScope: 'openid offline_access', tokenResponse: { access_token: 'a', token_type: 'Bearer', expires_in: 600, scope: 'openid', id_token: 'x' } })), 'granted-scope-trimmed-to-registration');
  assert.deepEqual([refresh?.role, refresh?.severity], ['also-noticed', 'warning']);
  assert.equal(find(run(evidenceFromSaved({ requestedScope: 'openid', tokenResponse: { access_token: 'a', scope: 'openid', id_token: 'x' } })), 'granted-scope-trimmed-to-registration'), undefined);
});

test('scope-v1-v2-syntax-mismatch: root cause of an invalid_scope naming v2 scopes (invalid-scope steps aside); noticed when granted in the other syntax', () => {
  const fs = run(evidenceFromSaved({ status: 400, url: 'https://launcher/auth/token', requestBody: 'grant_type=client_credentials&scope=system%2FPatient.rs', body: '{"error":"invalid_scope","error_description":"Invalid scope(s) \\"system/Patient.rs\\" requested. Only system scopes are allowed."}' }));
  assert.deepEqual([fs[0]?.id, fs[0]?.role, fs[0]?.basis], ['scope-v1-v2-syntax-mismatch', 'root-cause', 'server-words']);
  assert.equal(find(fs, 'invalid-scope'), undefined);
  // A v1-only discovery and a rejected v2 request: the grammar, from the shape.
  const e = evidenceFromSaved({ status: 400, endpoint: 'authorize', body: '{"error":"invalid_scope"}', requestedScope: 'patient/Observation.rs' });
  e.responses.push({ endpoint: 'discovery', status: 200, url: 'https://ehr/fhir/.well-known/smart-configuration', requestHeaders: {}, responseHeaders: {}, responseBody: JSON.stringify({ capabilities: ['permission-v1'], code_challenge_methods_supported: ['S256'] }) });
  const shape = run(e)[0];
  assert.deepEqual([shape?.id, shape?.basis], ['scope-v1-v2-syntax-mismatch', 'request-shape']);
  // A scope list echoed back (Keycloak) names no syntax: invalid-scope keeps it.
  assert.equal(run(evidenceFromSaved({ status: 400, endpoint: 'authorize', body: '{"error":"invalid_scope","error_description":"Invalid scopes: openid patient/Observation.rs"}' }))[0]?.id, 'invalid-scope');
  const granted = run(evidenceFromSaved({ requestedScope: 'patient/Observation.rs', tokenResponse: { access_token: 'a', token_type: 'Bearer', expires_in: 60, scope: 'patient/Observation.read' } }));
  assert.deepEqual([find(granted, 'scope-v1-v2-syntax-mismatch')?.role, find(granted, 'scope-v1-v2-syntax-mismatch')?.severity], ['also-noticed', 'warning']);
});

test('launch-scope-flow-confusion: EHR and standalone pieces mixed; contributing to a Cerner launch URN, noticed otherwise', () => {
  const standalone = run(evidenceFromSaved({ authorizeUrl: authorize({ scope: 'launch openid patient/Patient.rs' }) }));
  assert.deepEqual([standalone[0]?.id, standalone[0]?.role], ['launch-scope-flow-confusion', 'also-noticed']);
  assert.match(standalone[0]?.detail ?? '', /the "launch" scope \(EHR launch\) without a launch parameter/);
  const mixed = find(run(evidenceFromSaved({ authorizeUrl: authorize({ scope: 'launch/patient openid', launch: 'x1' }) })), 'launch-scope-flow-confusion');
  assert.match(mixed?.detail ?? '', /both a launch parameter/);
  const ehr = evidenceFromSaved({ authorizeUrl: authorize({ scope: 'launch openid patient/Patient.rs' }) });
  ehr.launchUrl = 'https://app/launch?iss=https%3A%2F%2Fehr%2Ffhir&launch=L9';
  assert.match(find(run(ehr), 'launch-scope-flow-confusion')?.detail ?? '', /an EHR launch \(the EHR sent launch "L9"\) whose authorize request has no launch parameter/);
  const cerner = run(evidenceFromSaved({ status: 400, url: authorize({ scope: 'launch openid user/Patient.read' }), authorizeUrl: authorize({ scope: 'launch openid user/Patient.read' }), body: 'Launch Code Required' }));
  assert.equal(cerner[0]?.id, 'cerner-launch-code-required');
  assert.equal(find(cerner, 'launch-scope-flow-confusion')?.role, 'contributing');
  assert.equal(find(run(evidenceFromSaved({ authorizeUrl: authorize({ scope: 'launch/patient openid patient/Patient.rs' }) })), 'launch-scope-flow-confusion'), undefined);
});

test('property: any requested and granted scope strings are diagnosed without throwing; a trimmed grant is reported only when something requested is missing', async () => {
  const fc = (await import('fast-check')).default;
  const scope = fc.constantFrom('openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'offline_access', 'online_access', 'patient/*.read', 'patient/*.rs', 'user/Patient.read', 'patient/Observation.rs', 'system/Patient.rs', 'patient/Observation.rs?category=laboratory', 'junk/', '');
  const list = fc.array(scope, { maxLength: 8 }).map((a) => a.join(' '));
  fc.assert(
    fc.property(list, list, (requested, granted) => {
      const fs = run(evidenceFromSaved({ requestedScope: requested, tokenResponse: { access_token: 'a', token_type: 'Bearer', expires_in: 60, scope: granted } }));
      const trimmed = find(fs, 'granted-scope-trimmed-to-registration');
      if (requested.trim() === granted.trim()) assert.equal(trimmed, undefined);
      if (trimmed !== undefined) assert.match(trimmed.detail, /not granted:/);
    }),
    { numRuns: 300 },
  );
});
