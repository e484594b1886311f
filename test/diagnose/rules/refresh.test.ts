// The refresh phase rules: context decides meaning (invalid_grant on a refresh grant is a
// refresh failure, never a code failure), causes follow the grant (online vs offline, rotation),
// and the client library's words make a missing refresh scope the root cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, evidenceFromSaved, evidenceFromTrace } from '../../../src/diagnose/index.js';
import type { Evidence } from '../../../src/diagnose/evidence.js';
import type { Finding } from '../../../src/report/finding.js';
import { Trace } from '../../../src/report/trace.js';
import { NOW } from '../../helpers/jwt.js';

const run = (e: Evidence): Finding[] => diagnose(e, { now: NOW });
const ids = (e: Evidence): string[] => run(e).map((f) => f.id);

function refreshTrace(steps: Array<{ requestBody: string; status: number; body: unknown }>): Trace {
  const t = new Trace();
  for (const s of steps) t.addExchange({ step: s.requestBody.includes('refresh_token') ? 'refresh' : 'token', request: { method: 'POST', url: 'https://ehr.example/token', headers: {}, body: s.requestBody }, response: { status: s.status, headers: {}, body: JSON.stringify(s.body) }, startedAt: NOW.toISOString(), durationMs: 1 });
  return t;
}

test('refresh-token-rejected: invalid_grant on grant_type=refresh_token, never invalid-grant-code', () => {
  const e = evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant"}', requestBody: 'grant_type=refresh_token&refresh_token=r1&client_id=app' });
  const found = run(e);
  assert.deepEqual(found.map((f) => f.id), ['refresh-token-rejected']);
  assert.equal(found[0]?.basis, 'request-shape');
  // The same answer to a code exchange stays a code failure.
  assert.deepEqual(ids(evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant"}', requestBody: 'grant_type=authorization_code&code=c' })), ['invalid-grant-code']);
});

test('refresh-token-rejected: online_access puts the ended session first, offline_access the revocation, a reused rotated token the rotation', () => {
  const online = evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant"}', requestBody: 'grant_type=refresh_token&refresh_token=r1', tokenResponse: { access_token: 'a', scope: 'launch online_access patient/*.read', refresh_token: 'r1', patient: 'p1' } });
  const o = run(online)[0];
  assert.match(o?.causes?.[0] ?? '', /online_access refresh works only while the user's session lasts/);
  assert.match(o?.fix ?? '', /Re-launch/);
  const offline = run(evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant"}', requestBody: 'grant_type=refresh_token&refresh_token=r1', tokenResponse: { access_token: 'a', scope: 'offline_access patient/*.read', refresh_token: 'r1' } }))[0];
  assert.match(offline?.causes?.[0] ?? '', /revoked or suspended/);
  const rotated = run(evidenceFromTrace(refreshTrace([
    { requestBody: 'grant_type=refresh_token&refresh_token=r1', status: 200, body: { access_token: 'a2', refresh_token: 'r2' } },
    { requestBody: 'grant_type=refresh_token&refresh_token=r1', status: 400, body: { error: 'invalid_grant' } },
  ]).entries))[0];
  assert.equal(rotated?.id, 'refresh-token-rejected');
  assert.match(rotated?.causes?.[0] ?? '', /rotated/);
});

test('refresh-token-rejected from the server\'s words alone: Keycloak "Session not active", Okta, Entra AADSTS700082', () => {
  for (const d of ['Session not active', 'The refresh token is invalid or expired.', 'AADSTS700082: The refresh token has expired due to inactivity.']) {
    const f = run(evidenceFromSaved({ status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: d }) }))[0];
    assert.deepEqual([f?.id, f?.basis], ['refresh-token-rejected', 'server-words'], d);
  }
  // Words that fit a code as well as a refresh token, without the grant type: not claimed as a refresh failure.
  assert.equal(ids(evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant","error_description":"AADSTS70008: The provided authorization code or refresh token has expired"}' })).includes('refresh-token-rejected'), false);
});

test('refresh-response-omits-refresh-token: a refresh answer without refresh_token is info; a later refresh_token=None is the root cause', () => {
  const info = run(evidenceFromSaved({ status: 200, endpoint: 'token', requestBody: 'grant_type=refresh_token&refresh_token=r1', body: '{"access_token":"a2","token_type":"Bearer","expires_in":570}' }));
  assert.deepEqual(info.map((f) => [f.id, f.severity, f.role]), [['refresh-response-omits-refresh-token', 'info', 'also-noticed']]);
  const lost = run(evidenceFromSaved({ status: 400, body: '{"error":"invalid_grant"}', requestBody: 'grant_type=refresh_token&refresh_token=None&client_id=app' }));
  assert.deepEqual(lost.map((f) => f.id), ['refresh-response-omits-refresh-token']);
  assert.match(lost[0]?.detail ?? '', /got "None"/);
  const traced = run(evidenceFromTrace(refreshTrace([
    { requestBody: 'grant_type=refresh_token&refresh_token=r1', status: 200, body: { access_token: 'a2' } },
    { requestBody: 'grant_type=refresh_token&refresh_token=undefined', status: 400, body: { error: 'invalid_request' } },
  ]).entries))[0];
  assert.equal(traced?.id, 'refresh-response-omits-refresh-token');
  assert.match(traced?.detail ?? '', /an earlier refresh answer had no refresh_token/);
});

test('refresh-scope-broadening: invalid_scope on a refresh that asks for more than the grant', () => {
  const e = evidenceFromSaved({ status: 400, body: '{"error":"invalid_scope"}', requestBody: 'grant_type=refresh_token&refresh_token=r1&scope=patient%2FObservation.rs%20patient%2FCondition.rs', tokenResponse: { access_token: 'a', scope: 'patient/Observation.rs offline_access', refresh_token: 'r1' } });
  const f = run(e).find((x) => x.id === 'refresh-scope-broadening');
  assert.ok(f);
  assert.match(f.title, /patient\/Condition\.rs/);
  assert.match(f.causes?.[0] ?? '', /sends the originally requested scope/);
  assert.equal(ids(evidenceFromSaved({ status: 400, body: '{"error":"invalid_scope"}', requestBody: 'grant_type=authorization_code&code=c' })).includes('refresh-scope-broadening'), false);
});

test('no-refresh-token-without-offline-scope: client-js "No offline_access scope found" is the root cause; asked but not granted is a warning', () => {
  const said = run(evidenceFromSaved({ messages: ['Uncaught Error: Unable to refresh. No offline_access scope found.'], requestedScope: 'launch openid patient/*.read', tokenResponse: { access_token: 'a', scope: 'launch openid patient/*.read', patient: 'p', id_token: 'x' } }))[0];
  assert.deepEqual([said?.id, said?.severity, said?.role, said?.basis], ['no-refresh-token-without-offline-scope', 'error', 'root-cause', 'server-words']);
  const trimmed = run(evidenceFromSaved({ requestedScope: 'openid offline_access', tokenResponse: { access_token: 'a', scope: 'openid', id_token: 'x' } })).find((f) => f.id === 'no-refresh-token-without-offline-scope');
  assert.equal(trimmed?.severity, 'warning');
  assert.match(trimmed?.title ?? '', /offline_access was requested but not granted/);
});

test('granted-scope-lacks-refresh-scope: client-js gating on scope text (the Epic report) is the root cause with its message', () => {
  const f = run(evidenceFromSaved({ messages: ['Error: Unable to refresh. No offline_access or online_access scope found.'], tokenResponse: { access_token: 'a', scope: 'patient/Patient.read launch', refresh_token: 'r', patient: 'p' } }))[0];
  assert.deepEqual([f?.id, f?.role], ['granted-scope-lacks-refresh-scope', 'root-cause']);
  const quiet = run(evidenceFromSaved({ tokenResponse: { access_token: 'a', scope: 'patient/Patient.read', refresh_token: 'r' } })).find((x) => x.id === 'granted-scope-lacks-refresh-scope');
  assert.deepEqual([quiet?.severity, quiet?.role], ['warning', 'also-noticed']);
});

test('no-refresh-token-despite-offline-access: a public client gets the confidential-only cause first', () => {
  const e = evidenceFromSaved({ tokenResponse: { access_token: 'a', scope: 'openid offline_access' }, authMethod: 'none' });
  const f = run(e).find((x) => x.id === 'no-refresh-token-despite-offline-access');
  assert.match(f?.causes?.[0] ?? '', /only to confidential clients \(this one is public\)/);
});

test('property: any token answer to any refresh-shaped request body gives well-formed findings, never a throw', async () => {
  const fc = (await import('fast-check')).default;
  const body = fc.record({ error: fc.constantFrom('invalid_grant', 'invalid_scope', 'invalid_request', 'x'), error_description: fc.string() }, { requiredKeys: ['error'] }).map((b) => JSON.stringify(b));
  const form = fc.record({ grant_type: fc.constantFrom('refresh_token', 'authorization_code', ''), refresh_token: fc.oneof(fc.string(), fc.constantFrom('None', 'undefined', '')), scope: fc.string() }, { requiredKeys: [] }).map((f) => new URLSearchParams(f as Record<string, string>).toString());
  fc.assert(
    fc.property(fc.integer({ min: 200, max: 599 }), fc.oneof(body, fc.string()), form, fc.option(fc.string()), (status, b, requestBody, scope) => {
      const e = evidenceFromSaved({ status, endpoint: 'token', body: b, requestBody, tokenResponse: { access_token: 'a', ...(scope !== null ? { scope } : {}) } });
      return run(e).every((f) => /^[a-z0-9-]+$/.test(f.id) && f.title.length > 0 && f.detail.length > 0);
    }),
    { numRuns: 500 },
  );
});
