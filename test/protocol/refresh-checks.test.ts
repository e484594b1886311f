// The refresh checks shared by check's refresh group and launch --refresh: each finding
// fires on its case and stays silent on the conformant one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asRefreshedIdToken, refreshedIdTokenSubChanged, refreshedTokenUnusable, refreshRotationBroken, refreshScopeWidened } from '../../src/protocol/refresh-checks.js';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (payload: Record<string, unknown>): string => `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}.c2ln`;

test('refreshScopeWidened: a scope beyond the original is named; the same or a narrower one is not', () => {
  const old = 'openid fhirUser patient/Patient.rs offline_access';
  assert.deepEqual(refreshScopeWidened(old, old), []);
  assert.deepEqual(refreshScopeWidened(old, 'patient/Patient.rs'), []);
  const f = refreshScopeWidened(old, `${old} patient/Observation.rs`, 7);
  assert.equal(f[0]?.id, 'refresh-scope-widened');
  assert.match(f[0]?.detail ?? '', /beyond it: "patient\/Observation\.rs"/);
  assert.deepEqual(f[0]?.exchanges, [7]);
});

test('refreshedTokenUnusable: anything but 200 is a finding, with the status or the error', () => {
  assert.deepEqual(refreshedTokenUnusable('https://f/Patient/1', 200), []);
  assert.equal(refreshedTokenUnusable('https://f/Patient/1', 401)[0]?.title, 'the refreshed access token cannot read FHIR (HTTP 401)');
  assert.equal(refreshedTokenUnusable('https://f/Patient/1', 'connection refused')[0]?.id, 'refresh-token-unusable');
});

test('refreshRotationBroken: a failed second refresh says which refresh token was used', () => {
  assert.deepEqual(refreshRotationBroken(true, 200, '', 1), []);
  assert.match(refreshRotationBroken(false, 400, '{"error":"invalid_grant"}', 2)[0]?.detail ?? '', /^the original refresh token \(none was returned by the first refresh\) → 400/);
  assert.match(refreshRotationBroken(true, 400, '', 2)[0]?.detail ?? '', /^the rotated refresh token/);
});

test("refreshedIdTokenSubChanged: another sub (or none) than the first id_token's is a finding", () => {
  const first = jwt({ sub: 'alice' });
  assert.deepEqual(refreshedIdTokenSubChanged(first, 'alice'), []);
  assert.equal(refreshedIdTokenSubChanged(first, 'mallory')[0]?.detail, 'sub: expected "alice", got "mallory"');
  assert.equal(refreshedIdTokenSubChanged(first, undefined)[0]?.detail, 'sub: expected "alice", got none');
  // Nothing to compare with: no first id_token, or one that is not a JWT.
  assert.deepEqual(refreshedIdTokenSubChanged(undefined, 'mallory'), []);
  assert.deepEqual(refreshedIdTokenSubChanged('not.a.jwt!', 'mallory'), []);
});

test('asRefreshedIdToken: the first id_token findings, titled for the refreshed one', () => {
  assert.deepEqual(asRefreshedIdToken([{ id: 'x', severity: 'error', title: 'id_token aud is wrong', detail: '', fix: '' }]).map((f) => [f.id, f.title]), [['x', 'refreshed id_token aud is wrong']]);
});
