import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultScopes, toV1, toV2, translateScopes } from '../../../src/protocol/scopes/defaults.js';
import { parseScopes } from '../../../src/protocol/scopes/parse.js';
import { v1Scope } from './arbitraries.js';

test('standalone defaults ask for a patient picker, identity and a refresh token', () => {
  assert.equal(defaultScopes('standalone', 'v1'), 'openid fhirUser launch/patient offline_access patient/*.read');
  assert.equal(defaultScopes('standalone', 'v2'), 'openid fhirUser launch/patient offline_access patient/*.rs');
});

test('EHR defaults ask for the launch context instead of a picker', () => {
  assert.equal(defaultScopes('ehr', 'v1'), 'launch openid fhirUser offline_access patient/*.read');
  assert.equal(defaultScopes('ehr', 'v2'), 'launch openid fhirUser offline_access patient/*.rs');
});

test('defaults parse cleanly in the syntax asked for', () => {
  for (const launch of ['standalone', 'ehr'] as const) {
    for (const syntax of ['v1', 'v2'] as const) {
      const scopes = parseScopes(defaultScopes(launch, syntax));
      assert.ok(scopes.every((s) => s.kind !== 'malformed' && s.kind !== 'other'));
      assert.ok(scopes.filter((s) => s.kind === 'resource').every((s) => s.kind === 'resource' && s.syntax === syntax));
    }
  }
});

test('toV2 translates v1 words to letters and leaves the rest alone', () => {
  assert.equal(toV2('patient/Observation.read'), 'patient/Observation.rs');
  assert.equal(toV2('user/*.write'), 'user/*.cud');
  assert.equal(toV2('system/Patient.*'), 'system/Patient.cruds');
  assert.equal(toV2('patient/Observation.rs?category=lab'), 'patient/Observation.rs?category=lab');
  assert.equal(toV2('openid'), 'openid');
  assert.equal(toV2('not a scope'), 'not a scope');
});

test('toV1 translates only what v1 can say', () => {
  assert.equal(toV1('patient/Observation.rs'), 'patient/Observation.read');
  assert.equal(toV1('patient/Observation.cud'), 'patient/Observation.write');
  assert.equal(toV1('patient/*.cruds'), 'patient/*.*');
  assert.equal(toV1('patient/Observation.r'), undefined);
  assert.equal(toV1('patient/Observation.rs?category=lab'), undefined);
  assert.equal(toV1('launch/patient'), 'launch/patient');
});

test('translateScopes lists what v1 cannot say and keeps it as written', () => {
  assert.deepEqual(translateScopes('openid patient/Observation.rs patient/Condition.s', 'v1'), {
    scope: 'openid patient/Observation.read patient/Condition.s',
    untranslatable: ['patient/Condition.s'],
  });
  assert.deepEqual(translateScopes('launch patient/*.read', 'v2'), { scope: 'launch patient/*.rs', untranslatable: [] });
});

test('property: v1 -> v2 -> v1 gives back the scope', () => {
  fc.assert(fc.property(v1Scope, (scope) => assert.equal(toV1(toV2(scope)), scope)));
});
