import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareScopes, scopeFindings } from '../../../src/protocol/scopes/compare.js';
import { lintRequestedScopes } from '../../../src/protocol/scopes/findings.js';
import { parseScopes } from '../../../src/protocol/scopes/parse.js';
import { SPEC_LINKS } from '../../../src/report/spec-links.js';
import type { Finding } from '../../../src/report/finding.js';

function findings(requested: string, granted: string, options?: { userFacing?: boolean }): Finding[] {
  return scopeFindings(compareScopes(parseScopes(requested), parseScopes(granted)), options);
}

function only(list: Finding[], id: string): Finding {
  const matching = list.filter((f) => f.id === id);
  assert.equal(matching.length, 1, `expected one ${id}, got ${JSON.stringify(list.map((f) => f.id))}`);
  return matching[0] as Finding;
}

const SPEC_URLS = new Set<string>(Object.values(SPEC_LINKS));

test('the issue example: openid and profile dropped -> openid-scope-dropped error, no id_token', () => {
  const list = findings('launch online_access openid profile patient/Patient.read user/Practitioner.read', 'launch online_access patient/Patient.read user/Practitioner.read');
  assert.deepEqual(list.map((f) => f.id), ['openid-scope-dropped']);
  const f = only(list, 'openid-scope-dropped');
  assert.equal(f.severity, 'error');
  assert.match(f.title, /openid and profile were requested but not granted: no id_token/);
  assert.match(f.detail, /requested "openid" and "profile"/);
  assert.match(f.detail, /got "launch online_access patient\/Patient.read user\/Practitioner.read"/);
  assert.match(f.detail, /no id_token/);
  assert.equal(f.spec, SPEC_LINKS['smart-identity-scopes']);
  assert.ok((f.causes ?? []).length >= 2);
});

test('openid alone dropped: the finding names only openid', () => {
  const f = only(findings('openid fhirUser', 'fhirUser'), 'openid-scope-dropped');
  assert.match(f.title, /^openid was requested/);
  assert.doesNotMatch(f.title, /fhirUser/);
  assert.doesNotMatch(f.detail, /claim in the id_token/);
});

test('identity-scope-dropped: fhirUser dropped while openid granted is an error', () => {
  const list = findings('openid fhirUser', 'openid');
  const f = only(list, 'identity-scope-dropped');
  assert.equal(f.severity, 'error');
  assert.match(f.detail, /no fhirUser claim/);
  assert.equal(list.filter((x) => x.id === 'openid-scope-dropped').length, 0);
});

test('identity-scope-dropped: only a warning when the other identity scope was granted', () => {
  const f = only(findings('openid fhirUser profile', 'openid profile'), 'identity-scope-dropped');
  assert.equal(f.severity, 'warning');
  assert.match(f.detail, /"profile" was granted/);
});

test('identity-scope-without-openid: fhirUser asked without openid', () => {
  const f = only(findings('fhirUser patient/*.read', 'fhirUser patient/*.read'), 'identity-scope-without-openid');
  assert.equal(f.severity, 'warning');
});

test('refresh-scope-dropped: no offline_access, no refresh token', () => {
  const f = only(findings('openid offline_access', 'openid'), 'refresh-scope-dropped');
  assert.equal(f.severity, 'warning');
  assert.match(f.detail, /no refresh_token/);
  assert.equal(f.spec, SPEC_LINKS['smart-refresh-scopes']);
});

test('refresh: offline_access granted as online_access is narrowed, not dropped', () => {
  const list = findings('offline_access', 'online_access');
  assert.equal(list.filter((f) => f.id === 'refresh-scope-dropped').length, 0);
  assert.match(only(list, 'scope-narrowed').detail, /online_access instead/);
});

test('launch-context-scope-dropped: launch, launch/patient and launch/encounter', () => {
  const f = only(findings('launch launch/patient launch/encounter', ''), 'launch-context-scope-dropped');
  assert.equal(f.severity, 'error');
  assert.match(f.detail, /"launch": no EHR launch context/);
  assert.match(f.detail, /"launch\/patient": no patient in the token response/);
  assert.match(f.detail, /"launch\/encounter": no encounter/);
  assert.equal(f.spec, SPEC_LINKS['smart-launch-context']);
});

test('scope-dropped: names the FHIR calls that will be refused', () => {
  const f = only(findings('patient/Observation.read user/Patient.write', ''), 'scope-dropped');
  assert.equal(f.severity, 'error');
  assert.match(f.detail, /"patient\/Observation.read": GET \[base\]\/Observation\/\[id\] \(read\), GET \[base\]\/Observation\?… \(search\) on Observation in the patient's compartment will get 403/);
  assert.match(f.detail, /"user\/Patient.write": POST \[base\]\/Patient \(create\), PUT \[base\]\/Patient\/\[id\] \(update\), DELETE \[base\]\/Patient\/\[id\] \(delete\)/);
});

test('scope-dropped: long lists are capped', () => {
  const requested = Array.from({ length: 50 }, (_v, i) => `patient/T${i}.read`).join(' ');
  const f = only(findings(requested, ''), 'scope-dropped');
  assert.match(f.title, /^50 requested resource scopes were not granted/);
  assert.match(f.detail, /… and 30 more/);
});

test('scope-narrowed: names the missing permissions and their calls', () => {
  const f = only(findings('patient/Observation.cruds', 'patient/Observation.rs'), 'scope-narrowed');
  assert.equal(f.severity, 'warning');
  assert.match(f.detail, /granted "patient\/Observation.rs"/);
  assert.match(f.detail, /POST \[base\]\/Observation \(create\)/);
  assert.doesNotMatch(f.detail, /\(read\)/);
});

test('scope-widened: more than asked', () => {
  const f = only(findings('patient/Observation.rs', 'patient/Observation.cruds'), 'scope-widened');
  assert.equal(f.severity, 'warning');
  assert.match(f.detail, /extra permissions "cud"/);
});

test('scope-added: granted without being asked, info only', () => {
  const f = only(findings('openid', 'openid patient/*.read'), 'scope-added');
  assert.equal(f.severity, 'info');
  assert.match(f.detail, /"patient\/\*\.read"/);
});

test('scope-malformed: an error in the request, a warning in the grant', () => {
  const list = findings('patient/Observation.sr Patient/X.read', 'patient/Observation.rr');
  const errors = list.filter((f) => f.id === 'scope-malformed');
  assert.equal(errors.length, 2);
  const requested = errors.find((f) => f.severity === 'error');
  const granted = errors.find((f) => f.severity === 'warning');
  assert.ok(requested && granted);
  assert.match(requested.detail, /"patient\/Observation.sr": v2 permission letters must appear/);
  assert.match(requested.detail, /"Patient\/X.read": scopes are case-sensitive/);
  assert.match(granted.detail, /"patient\/Observation.rr"/);
});

test('scope-duplicate: the same scope twice in the request', () => {
  const f = only(findings('openid openid patient/*.read patient/*.read patient/*.read', 'openid patient/*.read'), 'scope-duplicate');
  assert.equal(f.severity, 'warning');
  assert.match(f.detail, /"openid" 2 times/);
  assert.match(f.detail, /"patient\/\*\.read" 3 times/);
});

test('scope-syntax-mixed: v1 and v2 in one request', () => {
  const f = only(findings('patient/Observation.read patient/Patient.rs', 'patient/Observation.read patient/Patient.rs'), 'scope-syntax-mixed');
  assert.equal(f.severity, 'warning');
  assert.match(f.detail, /1 v1 scope \("patient\/Observation.read"\) and 1 v2 scope \("patient\/Patient.rs"\)/);
  assert.equal(f.spec, SPEC_LINKS['smart-scopes-v1-v2']);
});

test('system-scope-in-user-request: flagged in a launch, not for a backend service', () => {
  assert.equal(only(findings('openid patient/*.read system/Observation.rs', 'openid patient/*.read system/Observation.rs'), 'system-scope-in-user-request').severity, 'error');
  assert.equal(findings('system/Observation.rs system/Patient.rs', 'system/Observation.rs system/Patient.rs').length, 0);
  assert.equal(findings('system/Observation.rs', 'system/Observation.rs', { userFacing: true }).filter((f) => f.id === 'system-scope-in-user-request').length, 1);
  assert.equal(findings('launch system/Observation.rs', 'launch system/Observation.rs', { userFacing: false }).filter((f) => f.id === 'system-scope-in-user-request').length, 0);
});

test('no findings when everything was granted as asked', () => {
  assert.deepEqual(findings('launch openid fhirUser offline_access patient/*.rs', 'launch openid fhirUser offline_access patient/*.rs'), []);
});

test('lintRequestedScopes works on a request alone', () => {
  const ids = lintRequestedScopes(parseScopes('patient/Observation.read patient/Patient.rs openid openid system/*.rs bad/')).map((f) => f.id);
  assert.deepEqual(ids.sort(), ['scope-duplicate', 'scope-syntax-mixed', 'system-scope-in-user-request']);
  assert.deepEqual(lintRequestedScopes(parseScopes('patient/Obs.x')).map((f) => f.id), ['scope-malformed']);
});

test('every finding has a title, detail, fix and a known spec link', () => {
  const list = findings(
    'launch launch/patient openid fhirUser offline_access patient/Observation.read patient/Condition.cruds patient/Patient.rs patient/X.sr patient/X.sr system/*.rs',
    'patient/Condition.rs patient/Patient.cruds user/*.read patient/Y.rr',
  );
  assert.ok(list.length >= 8);
  for (const f of list) {
    assert.match(f.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(f.title.length > 0 && !f.title.includes('\n'), f.id);
    assert.ok(f.detail.length > 0 && (f.fix ?? '').length > 0, f.id);
    assert.ok(f.spec !== undefined && SPEC_URLS.has(f.spec), `${f.id} spec ${f.spec}`);
  }
});
