import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normaliseQuery, parseScope, parseScopes, type Scope } from '../../../src/protocol/scopes/parse.js';
import { anyValidScope, mutatedScope, v1Scope, v2Scope } from './arbitraries.js';

const KINDS = new Set(['resource', 'openid', 'fhirUser', 'profile', 'launch', 'offline_access', 'online_access', 'launch-context', 'other', 'malformed']);

function assertWellFormed(scope: Scope, raw: string): void {
  assert.equal(scope.raw, raw);
  assert.ok(KINDS.has(scope.kind), `unknown kind ${scope.kind}`);
  if (scope.kind === 'resource') {
    assert.match(scope.permissions, /^c?r?u?d?s?$/);
    assert.notEqual(scope.permissions, '');
    assert.ok(['patient', 'user', 'system'].includes(scope.compartment));
  }
  if (scope.kind === 'malformed') assert.ok(scope.reason.length > 0);
}

test('v1 resource scopes: read = rs, write = cud, * = cruds', () => {
  assert.deepEqual(parseScope('patient/Observation.read'), {
    kind: 'resource', raw: 'patient/Observation.read', compartment: 'patient', resourceType: 'Observation', syntax: 'v1', permissions: 'rs',
  });
  const write = parseScope('user/Practitioner.write');
  assert.ok(write.kind === 'resource' && write.permissions === 'cud' && write.syntax === 'v1' && write.compartment === 'user');
  const star = parseScope('system/*.*');
  assert.ok(star.kind === 'resource' && star.permissions === 'cruds' && star.resourceType === '*' && star.compartment === 'system');
});

test('v2 resource scopes: letters in cruds order, with and without a ?restriction', () => {
  const rs = parseScope('patient/Observation.rs');
  assert.ok(rs.kind === 'resource' && rs.syntax === 'v2' && rs.permissions === 'rs' && rs.query === undefined);
  const q = parseScope('patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory');
  assert.ok(q.kind === 'resource');
  assert.equal(q.query, 'category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory');
  const c = parseScope('user/*.c');
  assert.ok(c.kind === 'resource' && c.permissions === 'c' && c.resourceType === '*');
});

test('identity, refresh and launch scopes get their own kinds', () => {
  for (const k of ['openid', 'fhirUser', 'profile', 'launch', 'offline_access', 'online_access'] as const) assert.deepEqual(parseScope(k), { kind: k, raw: k });
  assert.deepEqual(parseScope('launch/patient'), { kind: 'launch-context', raw: 'launch/patient', context: 'patient' });
  assert.deepEqual(parseScope('launch/encounter'), { kind: 'launch-context', raw: 'launch/encounter', context: 'encounter' });
  assert.deepEqual(parseScope('launch/patient?role=x'), { kind: 'launch-context', raw: 'launch/patient?role=x', context: 'patient' });
});

test('unknown but well-formed scopes are "other"', () => {
  for (const raw of ['smart/orchestrate_launch', 'email', 'https://example.org/scope', 'api:read']) assert.deepEqual(parseScope(raw), { kind: 'other', raw });
});

const MALFORMED: Array<[string, RegExp]> = [
  ['', /empty scope/],
  ['patient/Observation', /no permission after the resource type/],
  ['patient/Observation.', /no permission after "Observation\."/],
  ['patient/.read', /no resource type/],
  ['patient/observation.read', /not a FHIR resource type name.*"Observation"/],
  ['patient/Obs-ervation.read', /not a FHIR resource type name/],
  ['patient/Observation.sr', /expected "\.rs", got "\.sr"/],
  ['patient/Observation.rr', /expected "\.r", got "\.rr"/],
  ['patient/Observation.xyz', /unknown permission "\.xyz"/],
  ['patient/Observation.read?category=lab', /v1 scopes.*cannot carry.*\.rs\?category=lab/],
  ['patient/Observation.rs?', /empty restriction/],
  ['patient/Observation.rs?category', /"category" is not "param=value"/],
  ['patient/Observation.rs?=lab', /"=lab" is not "param=value"/],
  ['Patient/Observation.read', /case-sensitive: expected "patient\/"/],
  ['OpenID', /case-sensitive: expected "openid"/],
  ['fhiruser', /case-sensitive: expected "fhirUser"/],
  ['launch/', /no context after "launch\/"/],
  ['patient/Observation.read patient/Patient.read', /contains a space/],
  ['patient/Obs\u0000.read', /U\+0000/],
  ['patient/Obs"x.read', /contains """/],
  ['patient/Observation.rs\u00e9', /"é"/],
];

for (const [raw, reason] of MALFORMED) {
  test(`malformed: ${JSON.stringify(raw)}`, () => {
    const s = parseScope(raw);
    assert.equal(s.kind, 'malformed');
    assert.ok(s.kind === 'malformed');
    assert.match(s.reason, reason);
  });
}

test('parseScopes splits on spaces, tabs and newlines and skips empty tokens', () => {
  const scopes = parseScopes('  openid\tfhirUser\n\npatient/*.read\r\nlaunch  ');
  assert.deepEqual(scopes.map((s) => s.raw), ['openid', 'fhirUser', 'patient/*.read', 'launch']);
  assert.deepEqual(parseScopes(''), []);
  assert.deepEqual(parseScopes(' \n\t '), []);
});

test('normaliseQuery sorts pairs so equal restrictions compare equal', () => {
  assert.equal(normaliseQuery('b=2&a=1'), normaliseQuery('a=1&b=2'));
  assert.notEqual(normaliseQuery('a=1'), normaliseQuery('a=2'));
  assert.equal(normaliseQuery(undefined), '');
});

test('property: any string parses to a Scope with the same raw, never an exception', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (raw) => assertWellFormed(parseScope(raw), raw)),
    { numRuns: 3000 },
  );
});

test('property: mutated valid scopes parse, never an exception', () => {
  fc.assert(fc.property(mutatedScope, (raw) => assertWellFormed(parseScope(raw), raw)), { numRuns: 3000 });
});

test('property: generated v1 and v2 scopes are resource scopes of their syntax', () => {
  fc.assert(
    fc.property(v1Scope, (raw) => {
      const s = parseScope(raw);
      assert.ok(s.kind === 'resource' && s.syntax === 'v1', raw);
    }),
  );
  fc.assert(
    fc.property(v2Scope, (raw) => {
      const s = parseScope(raw);
      assert.ok(s.kind === 'resource' && s.syntax === 'v2', raw);
    }),
  );
});

test('property: parseScopes of a joined list gives back every token in order', () => {
  fc.assert(
    fc.property(fc.array(anyValidScope, { maxLength: 30 }), fc.constantFrom(' ', '\n', ' \t '), (list, sep) => {
      const parsed = parseScopes(list.join(sep));
      assert.deepEqual(parsed.map((s) => s.raw), list);
      for (const s of parsed) assert.notEqual(s.kind, 'malformed');
    }),
  );
});

test('property: parseScopes never throws on arbitrary text', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
      for (const s of parseScopes(text)) assertWellFormed(s, s.raw);
    }),
    { numRuns: 2000 },
  );
});
