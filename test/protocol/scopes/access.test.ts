import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { grantsAccess, queryAllows, scopesAllowing } from '../../../src/protocol/scopes/access.js';
import { parseScopes } from '../../../src/protocol/scopes/parse.js';
import { toV2 } from '../../../src/protocol/scopes/defaults.js';
import { compartment, resourceType, v1Scope } from './arbitraries.js';

const g = parseScopes;

test('v1 read allows read and search, not create, update or delete', () => {
  const granted = g('patient/Observation.read');
  assert.equal(grantsAccess(granted, { compartment: 'patient', resourceType: 'Observation', interaction: 'r' }), true);
  assert.equal(grantsAccess(granted, { compartment: 'patient', resourceType: 'Observation', interaction: 's' }), true);
  for (const i of ['c', 'u', 'd'] as const) assert.equal(grantsAccess(granted, { compartment: 'patient', resourceType: 'Observation', interaction: i }), false, i);
});

test('v1 write allows create, update and delete, not read', () => {
  const granted = g('user/Observation.write');
  for (const i of ['c', 'u', 'd'] as const) assert.equal(grantsAccess(granted, { resourceType: 'Observation', interaction: i }), true, i);
  assert.equal(grantsAccess(granted, { resourceType: 'Observation', interaction: 'r' }), false);
});

test('v1 * and v2 cruds allow everything on the type', () => {
  for (const scope of ['patient/Observation.*', 'patient/Observation.cruds']) {
    for (const i of ['c', 'r', 'u', 'd', 's'] as const) assert.equal(grantsAccess(g(scope), { resourceType: 'Observation', interaction: i }), true, `${scope} ${i}`);
  }
});

test('wildcard resource type covers every type; a named type only itself', () => {
  assert.equal(grantsAccess(g('patient/*.rs'), { compartment: 'patient', resourceType: 'Condition', interaction: 'r' }), true);
  assert.equal(grantsAccess(g('patient/Observation.rs'), { compartment: 'patient', resourceType: 'Condition', interaction: 'r' }), false);
});

test('compartment must match when given; any compartment counts when omitted', () => {
  const granted = g('user/Patient.rs');
  assert.equal(grantsAccess(granted, { compartment: 'patient', resourceType: 'Patient', interaction: 'r' }), false);
  assert.equal(grantsAccess(granted, { compartment: 'user', resourceType: 'Patient', interaction: 'r' }), true);
  assert.equal(grantsAccess(granted, { resourceType: 'Patient', interaction: 'r' }), true);
});

test('a v2 restricted scope allows only a search carrying its parameters', () => {
  const granted = g('patient/Observation.rs?category=laboratory');
  const req = (query?: string) => ({ compartment: 'patient' as const, resourceType: 'Observation', interaction: 's' as const, query: query === undefined ? undefined : new URLSearchParams(query) });
  assert.equal(grantsAccess(granted, req('category=laboratory')), true);
  assert.equal(grantsAccess(granted, req('category=laboratory&date=gt2020')), true);
  assert.equal(grantsAccess(granted, req('category=vital-signs')), false);
  assert.equal(grantsAccess(granted, req('code=1234')), false);
  assert.equal(grantsAccess(granted, req()), false);
});

test('a restricted scope needs every one of its pairs', () => {
  assert.equal(queryAllows('category=laboratory&status=final', new URLSearchParams('category=laboratory')), false);
  assert.equal(queryAllows('category=laboratory&status=final', new URLSearchParams('status=final&category=laboratory')), true);
  assert.equal(queryAllows(undefined, undefined), true);
});

test('non-resource scopes grant no FHIR access', () => {
  assert.equal(grantsAccess(g('openid fhirUser launch/patient offline_access'), { resourceType: 'Patient', interaction: 'r' }), false);
  assert.equal(grantsAccess([], { resourceType: 'Patient', interaction: 'r' }), false);
});

test('scopesAllowing names the scopes that allow a request', () => {
  const granted = g('patient/Observation.read patient/*.rs user/Patient.read');
  assert.deepEqual(scopesAllowing(granted, { compartment: 'patient', resourceType: 'Observation', interaction: 'r' }).map((s) => s.raw), ['patient/Observation.read', 'patient/*.rs']);
});

test('property: a v1 scope and its v2 translation allow exactly the same requests', () => {
  fc.assert(
    fc.property(v1Scope, compartment, resourceType.filter((t) => t !== '*'), fc.constantFrom('c', 'r', 'u', 'd', 's'), (scope, c, t, i) => {
      const request = { compartment: c as 'patient', resourceType: t, interaction: i as 'r' };
      assert.equal(grantsAccess(g(scope), request), grantsAccess(g(toV2(scope)), request));
    }),
    { numRuns: 2000 },
  );
});
