import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareScopes, type ScopeComparison, type ScopeComparisonEntry } from '../../../src/protocol/scopes/compare.js';
import { toV2 } from '../../../src/protocol/scopes/defaults.js';
import { parseScopes } from '../../../src/protocol/scopes/parse.js';
import { anyValidScope, mutatedScope, v1Scope } from './arbitraries.js';

function diff(requested: string, granted: string): ScopeComparison {
  return compareScopes(parseScopes(requested), parseScopes(granted));
}

function entry(c: ScopeComparison, scope: string, side: 'requested' | 'granted' = 'requested'): ScopeComparisonEntry {
  const e = c.entries.find((x) => x.scope === scope && x.side === side);
  assert.ok(e, `no ${side} entry for ${scope}: ${JSON.stringify(c.entries.map((x) => x.scope))}`);
  return e;
}

test('granted-as-asked: the same scope string came back', () => {
  const c = diff('openid patient/Observation.read', 'patient/Observation.read openid');
  assert.equal(entry(c, 'openid').classification, 'granted-as-asked');
  assert.equal(entry(c, 'patient/Observation.read').classification, 'granted-as-asked');
  assert.equal(c.counts['granted-as-asked'], 2);
  assert.equal(c.entries.length, 2);
});

test('granted-equivalent: v1 read granted as v2 rs', () => {
  const c = diff('patient/Observation.read', 'patient/Observation.rs');
  const e = entry(c, 'patient/Observation.read');
  assert.equal(e.classification, 'granted-equivalent');
  assert.deepEqual(e.grantedAs, ['patient/Observation.rs']);
  assert.equal(c.counts.added, 0, 'the v2 form answers the request, it is not added');
});

test('granted-equivalent: v1 read + write granted as rs + cud', () => {
  const c = diff('patient/Observation.read patient/Observation.write', 'patient/Observation.rs patient/Observation.cud');
  assert.equal(entry(c, 'patient/Observation.read').classification, 'granted-equivalent');
  assert.equal(entry(c, 'patient/Observation.write').classification, 'granted-equivalent');
});

test('granted-equivalent: restriction pairs in another order', () => {
  const c = diff('patient/Observation.rs?category=laboratory&status=final', 'patient/Observation.rs?status=final&category=laboratory');
  assert.equal(entry(c, 'patient/Observation.rs?category=laboratory&status=final').classification, 'granted-equivalent');
});

test('granted-equivalent: a specific scope covered by a wildcard the app also asked for', () => {
  const c = diff('patient/*.read patient/Observation.read', 'patient/*.rs');
  assert.equal(entry(c, 'patient/*.read').classification, 'granted-equivalent');
  assert.equal(entry(c, 'patient/Observation.read').classification, 'granted-equivalent');
});

test('granted-equivalent: launch/patient with another restriction', () => {
  const c = diff('launch/patient?role=x', 'launch/patient');
  assert.equal(entry(c, 'launch/patient?role=x').classification, 'granted-equivalent');
});

test('narrowed: fewer permission letters', () => {
  const e = entry(diff('patient/Observation.cruds', 'patient/Observation.rs'), 'patient/Observation.cruds');
  assert.equal(e.classification, 'narrowed');
  assert.equal(e.missing, 'cud');
  assert.deepEqual(e.grantedAs, ['patient/Observation.rs']);
});

test('narrowed: a wildcard granted only for some types', () => {
  const c = diff('patient/*.read', 'patient/Observation.read patient/Patient.read');
  const e = entry(c, 'patient/*.read');
  assert.equal(e.classification, 'narrowed');
  assert.deepEqual(e.grantedAs, ['patient/Observation.read', 'patient/Patient.read']);
  assert.equal(c.counts.added, 0);
});

test('narrowed: a restriction was added', () => {
  const e = entry(diff('patient/Observation.rs', 'patient/Observation.rs?category=laboratory'), 'patient/Observation.rs');
  assert.equal(e.classification, 'narrowed');
  assert.match(e.note ?? '', /only narrower "patient\/Observation.rs\?category=laboratory"/);
});

test('narrowed: a restricted wildcard answered by some whole types', () => {
  const c = diff('patient/*.rs?category=laboratory', 'patient/Observation.rs patient/DiagnosticReport.rs?category=laboratory patient/Condition.rs?category=laboratory&status=final');
  const e = entry(c, 'patient/*.rs?category=laboratory');
  assert.equal(e.classification, 'narrowed');
  assert.deepEqual([...e.grantedAs].sort(), ['patient/Condition.rs?category=laboratory&status=final', 'patient/DiagnosticReport.rs?category=laboratory', 'patient/Observation.rs']);
  assert.equal(c.counts.added, 0);
});

test('narrowed: many restricted wildcards over many types share the work and stay correct', () => {
  const requested = Array.from({ length: 2000 }, (_v, i) => `patient/*.rs?code=c${i}`).join(' ');
  const granted = Array.from({ length: 2000 }, (_v, i) => `patient/T${i}.rs`).join(' ');
  const c = diff(requested, granted);
  assert.equal(c.counts.narrowed, 2000);
  assert.equal(c.counts.added, 0);
  const e = entry(c, 'patient/*.rs?code=c7');
  assert.equal(e.grantedAs.length, 10);
  assert.equal(e.grantedAsMore, 1990);
});

test('narrowed: offline_access granted as online_access', () => {
  const c = diff('offline_access', 'online_access');
  assert.equal(entry(c, 'offline_access').classification, 'narrowed');
  assert.equal(c.counts.added, 0);
});

test('widened: more letters than asked', () => {
  const e = entry(diff('patient/Observation.rs', 'patient/Observation.cruds'), 'patient/Observation.rs');
  assert.equal(e.classification, 'widened');
  assert.equal(e.extra, 'cud');
});

test('widened: a specific type granted through a wildcard', () => {
  const c = diff('patient/Observation.read', 'patient/*.read');
  assert.equal(entry(c, 'patient/Observation.read').classification, 'widened');
  assert.equal(c.counts.added, 0);
});

test('widened: a restriction removed', () => {
  assert.equal(entry(diff('patient/Observation.rs?category=laboratory', 'patient/Observation.rs'), 'patient/Observation.rs?category=laboratory').classification, 'widened');
});

test('widened: online_access granted as offline_access', () => {
  assert.equal(entry(diff('online_access', 'offline_access'), 'online_access').classification, 'widened');
});

test('dropped: nothing granted covers the scope', () => {
  const c = diff('openid launch/patient patient/Observation.read', 'patient/Patient.read');
  for (const s of ['openid', 'launch/patient', 'patient/Observation.read']) assert.equal(entry(c, s).classification, 'dropped', s);
  assert.equal(c.counts.dropped, 3);
});

test('dropped: another compartment does not count', () => {
  const c = diff('patient/Observation.read', 'user/Observation.read');
  assert.equal(entry(c, 'patient/Observation.read').classification, 'dropped');
  assert.equal(entry(c, 'user/Observation.read', 'granted').classification, 'added');
});

test('dropped: a restriction on other values does not count', () => {
  assert.equal(entry(diff('patient/Observation.rs?category=laboratory', 'patient/Observation.rs?category=vital-signs'), 'patient/Observation.rs?category=laboratory').classification, 'dropped');
});

test('added: granted scopes nobody asked for, once each', () => {
  const c = diff('openid', 'openid fhirUser fhirUser patient/*.read');
  assert.deepEqual(c.entries.filter((e) => e.classification === 'added').map((e) => e.scope), ['fhirUser', 'patient/*.read']);
  assert.deepEqual(c.duplicates, [{ side: 'granted', scope: 'fhirUser', count: 2 }]);
});

test('duplicates in the request are classified once and counted', () => {
  const c = diff('openid openid patient/*.read', 'openid patient/*.read');
  assert.equal(c.entries.length, 2);
  assert.deepEqual(c.duplicates, [{ side: 'requested', scope: 'openid', count: 2 }]);
  assert.equal(c.requested.length, 3);
});

test('grantedAs is capped and says how many more', () => {
  const types = Array.from({ length: 25 }, (_v, i) => `patient/T${i}.read`).join(' ');
  const e = entry(diff('patient/*.read', types), 'patient/*.read');
  assert.equal(e.grantedAs.length, 10);
  assert.equal(e.grantedAsMore, 15);
});

test('10 000 scopes: every one classified', () => {
  const requested = Array.from({ length: 10_000 }, (_v, i) => `patient/Type${i}.read`);
  const granted = requested.map((s, i) => (i % 2 === 0 ? s : toV2(s)));
  const c = diff(requested.join(' '), granted.join(' '));
  assert.equal(c.counts['granted-as-asked'], 5000);
  assert.equal(c.counts['granted-equivalent'], 5000);
});

test('property: a set compared with itself is all granted-as-asked', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(anyValidScope, mutatedScope), { maxLength: 40 }), (list) => {
      const scopes = parseScopes(list.join(' '));
      const c = compareScopes(scopes, scopes);
      assert.ok(c.entries.every((e) => e.classification === 'granted-as-asked'), JSON.stringify(c.entries));
      assert.equal(c.entries.length, new Set(scopes.map((s) => s.raw)).size);
    }),
    { numRuns: 500 },
  );
});

test('property: v1 scopes granted as their v2 translation are all granted-equivalent', () => {
  fc.assert(
    fc.property(fc.array(v1Scope, { minLength: 1, maxLength: 30 }), (list) => {
      const c = compareScopes(parseScopes(list.join(' ')), parseScopes(list.map(toV2).join(' ')));
      assert.ok(c.entries.every((e) => e.classification === 'granted-equivalent'), JSON.stringify(c.entries.map((e) => [e.scope, e.classification])));
    }),
    { numRuns: 500 },
  );
});

test('property: nothing granted means every requested scope is dropped; nothing requested means every granted one is added', () => {
  fc.assert(
    fc.property(fc.array(anyValidScope, { minLength: 1, maxLength: 30 }), (list) => {
      const scopes = parseScopes(list.join(' '));
      const distinct = new Set(list).size;
      assert.equal(compareScopes(scopes, []).counts.dropped, distinct);
      assert.equal(compareScopes([], scopes).counts.added, distinct);
    }),
  );
});

test('property: every distinct requested scope gets exactly one entry, never an exception', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(anyValidScope, mutatedScope), { maxLength: 30 }), fc.array(fc.oneof(anyValidScope, mutatedScope), { maxLength: 30 }), (r, g) => {
      const c = compareScopes(parseScopes(r.join(' ')), parseScopes(g.join(' ')));
      const requested = c.entries.filter((e) => e.side === 'requested').map((e) => e.scope);
      assert.deepEqual(requested, [...new Set(c.requested.map((s) => s.raw))]);
      const total = Object.values(c.counts).reduce((a, b) => a + b, 0);
      assert.equal(total, c.entries.length);
    }),
    { numRuns: 1000 },
  );
});
