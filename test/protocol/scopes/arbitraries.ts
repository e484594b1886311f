// fast-check arbitraries for SMART scopes, shared by the scope tests.
import fc from 'fast-check';

export const compartment = fc.constantFrom('patient', 'user', 'system');
export const resourceType = fc.constantFrom('*', 'Patient', 'Observation', 'Condition', 'Encounter', 'MedicationRequest', 'Practitioner');
export const v1Permission = fc.constantFrom('read', 'write', '*');
/** A non-empty subset of cruds, in order. */
export const v2Letters = fc
  .subarray(['c', 'r', 'u', 'd', 's'], { minLength: 1 })
  .map((letters) => letters.join(''));
export const restriction = fc.option(
  fc.constantFrom('category=laboratory', 'category=vital-signs', 'code=http://loinc.org|1234-5', 'category=laboratory&status=final'),
  { nil: undefined },
);

export const v1Scope = fc.tuple(compartment, resourceType, v1Permission).map(([c, t, p]) => `${c}/${t}.${p}`);
export const v2Scope = fc
  .tuple(compartment, resourceType, v2Letters, restriction)
  .map(([c, t, p, q]) => `${c}/${t}.${p}${q === undefined ? '' : `?${q}`}`);
export const simpleScope = fc.constantFrom('openid', 'fhirUser', 'profile', 'launch', 'offline_access', 'online_access', 'launch/patient', 'launch/encounter', 'smart/orchestrate_launch');
export const anyValidScope = fc.oneof(v1Scope, v2Scope, simpleScope);

/** A valid scope with one random edit: a character inserted, deleted or replaced. */
export const mutatedScope = fc
  .tuple(anyValidScope, fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
  .map(([scope, at, op, ch]) => {
    const i = at % (scope.length + 1);
    if (op === 'insert') return scope.slice(0, i) + ch + scope.slice(i);
    if (op === 'delete') return scope.slice(0, i) + scope.slice(i + 1);
    return scope.slice(0, i) + ch + scope.slice(i + 1);
  });
