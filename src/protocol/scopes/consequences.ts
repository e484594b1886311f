// What a missing scope costs the app, in the words of the calls it will make.
// SMART App Launch 2.x, "Scopes and Launch Context"; FHIR R4 RESTful API.
import type { Interaction, ResourceScope, SimpleScopeKind } from './parse.js';

const INTERACTION_CALL: Readonly<Record<Interaction, (type: string) => string>> = {
  c: (t) => `POST [base]/${t} (create)`,
  r: (t) => `GET [base]/${t}/[id] (read)`,
  u: (t) => `PUT [base]/${t}/[id] (update)`,
  d: (t) => `DELETE [base]/${t}/[id] (delete)`,
  s: (t) => `GET [base]/${t}?… (search)`,
};

/** The FHIR calls that need these permission letters on this scope's resource type. */
export function fhirCallsFor(scope: Pick<ResourceScope, 'resourceType' | 'compartment' | 'query'>, letters: string): string[] {
  const type = scope.resourceType === '*' ? '[type]' : scope.resourceType;
  const calls: string[] = [];
  for (const l of ['c', 'r', 'u', 'd', 's'] as const) if (letters.includes(l)) calls.push(INTERACTION_CALL[l](type));
  return calls;
}

/** One line: which calls will now be refused, and how. */
export function resourceConsequence(scope: ResourceScope, letters: string): string {
  const calls = fhirCallsFor(scope, letters);
  const where = scope.compartment === 'patient' ? ' in the patient\'s compartment' : scope.compartment === 'user' ? ' the user may see' : '';
  const types = scope.resourceType === '*' ? `any resource type${where}` : `${scope.resourceType}${where}`;
  const restricted = scope.query === undefined ? '' : ` matching "${scope.query}"`;
  return `${calls.join(', ')} on ${types}${restricted} will get 403 (some servers answer 401)`;
}

/** What the token response will lack without this identity, refresh or launch scope. */
export const SIMPLE_CONSEQUENCE: Readonly<Record<SimpleScopeKind, string>> = {
  openid: 'no id_token in the token response, so the app cannot learn who signed in',
  fhirUser: 'no fhirUser claim in the id_token, so the app cannot tell which Practitioner/Patient resource the user is',
  profile: 'no profile claim in the id_token (the v1 spelling of fhirUser), so the app cannot tell which FHIR resource the user is',
  launch: 'no EHR launch context: the token response carries no patient or encounter from the EHR session',
  offline_access: 'no refresh_token: when the access token expires the user must sign in again',
  online_access: 'no refresh_token: when the access token expires the user must sign in again',
};

/** What a dropped `launch/<context>` scope costs. */
export function launchContextConsequence(context: string): string {
  if (context === 'patient') return 'no patient in the token response, so patient/ scopes have no patient to apply to and no patient picker runs';
  if (context === 'encounter') return 'no encounter in the token response';
  return `no "${context}" launch context in the token response`;
}
