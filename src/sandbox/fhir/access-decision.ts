// Who may read or search what: the granted SMART scopes (v1 and v2, through
// protocol/scopes) plus the patient compartment for patient/ scopes.
// SMART App Launch 2.x, "Scopes for requesting FHIR resources"; FHIR R4 Patient compartment.
//
// The rules, in order:
// - user/ and system/ scopes allow any resource of their type (v2 `?param=value`
//   restrictions are checked against the request's parameters for a search and
//   against the resource's own category/code for a read).
// - The signed-in user's own resource (grant.fhirUser) is readable by a token that
//   was granted `fhirUser` or `openid`, so an app can fetch the profile its id_token
//   points to without any resource scope.
// - patient/ scopes need a patient in the grant (else 403: no patient context was
//   bound) and reach only that patient's compartment: reading another patient's
//   resource is 403; a search naming another patient (patient=, subject=, or _id= on
//   Patient) is 403; any other search is silently limited to the compartment.
import { grantsAccess } from '../../protocol/scopes/access.js';
import type { Compartment, Interaction, Scope } from '../../protocol/scopes/parse.js';
import type { AccessGrant } from '../types.js';
import { patientOf, restrictionValues } from './search.js';

type Resource = Record<string, unknown>;

export type Decision =
  | { allowed: true; /** Search only: keep just the context patient's compartment. */ compartmentOnly: boolean }
  | { allowed: false; reason: string; /** One scope that would have allowed it (RFC 6750 §3 `scope`). */ needed: string };

/** A scope for this access, in the syntax the grant itself uses (v1 if all its resource scopes are v1). */
export function neededScope(scopes: readonly Scope[], compartment: Compartment, type: string, interaction: Interaction): string {
  const resourceScopes = scopes.filter((s) => s.kind === 'resource');
  const v1 = resourceScopes.length > 0 && resourceScopes.every((s) => s.syntax === 'v1');
  return `${compartment}/${type}.${v1 ? 'read' : interaction}`;
}

function allows(scopes: readonly Scope[], compartment: Compartment, type: string, interaction: Interaction, values: URLSearchParams | undefined): boolean {
  return grantsAccess(scopes, { compartment, resourceType: type, interaction, query: values });
}

function userWide(scopes: readonly Scope[], type: string, interaction: Interaction, values: URLSearchParams | undefined): boolean {
  return allows(scopes, 'user', type, interaction, values) || allows(scopes, 'system', type, interaction, values);
}

function noPatientContext(): Decision {
  return { allowed: false, reason: 'the token has patient/ scopes but no patient context was bound to it (request launch/patient in a standalone launch, or launch from an EHR with a patient open)', needed: 'launch/patient' };
}

function notGranted(grant: AccessGrant, scopes: readonly Scope[], type: string, interaction: Interaction): Decision {
  const needed = neededScope(scopes, grant.patient === undefined ? 'user' : 'patient', type, interaction);
  return { allowed: false, reason: `the granted scope "${grant.scope}" does not allow ${interaction === 's' ? 'searching' : 'reading'} ${type}`, needed };
}

export function decideRead(grant: AccessGrant, scopes: readonly Scope[], type: string, resource: Resource): Decision {
  const id = String(resource['id']);
  const values = restrictionValues(resource);
  if (userWide(scopes, type, 'r', values)) return { allowed: true, compartmentOnly: false };
  if (grant.fhirUser === `${type}/${id}` && scopes.some((s) => s.kind === 'fhirUser' || s.kind === 'openid')) return { allowed: true, compartmentOnly: false };
  if (allows(scopes, 'patient', type, 'r', values)) {
    if (grant.patient === undefined) return noPatientContext();
    const owner = patientOf(type, resource);
    if (owner !== undefined && owner !== grant.patient) {
      const where = type === 'Patient' ? 'is not' : `belongs to Patient/${owner}, outside`;
      return { allowed: false, reason: `${type}/${id} ${where} the patient in context (Patient/${grant.patient})`, needed: neededScope(scopes, 'user', type, 'r') };
    }
    return { allowed: true, compartmentOnly: false };
  }
  return notGranted(grant, scopes, type, 'r');
}

/** The patients a search names explicitly, as bare ids. */
export function patientsNamed(type: string, query: URLSearchParams): string[] {
  const params = type === 'Patient' ? ['_id'] : ['patient', 'subject'];
  return params.flatMap((p) => query.getAll(p)).flatMap((v) => v.split(',')).map((v) => v.replace(/^Patient\//, ''));
}

export function decideSearch(grant: AccessGrant, scopes: readonly Scope[], type: string, query: URLSearchParams): Decision {
  if (userWide(scopes, type, 's', query)) return { allowed: true, compartmentOnly: false };
  if (allows(scopes, 'patient', type, 's', query)) {
    if (grant.patient === undefined) return noPatientContext();
    const others = patientsNamed(type, query).filter((p) => p !== grant.patient);
    if (others.length > 0) {
      return { allowed: false, reason: `the search names ${others.map((p) => `Patient/${p}`).join(', ')}, outside the patient in context (Patient/${grant.patient})`, needed: neededScope(scopes, 'user', type, 's') };
    }
    return { allowed: true, compartmentOnly: true };
  }
  return notGranted(grant, scopes, type, 's');
}

/** For a compartment-limited search: is this resource in the context patient's compartment? */
export function inCompartment(grant: AccessGrant, type: string, resource: Resource): boolean {
  const owner = patientOf(type, resource);
  return owner === undefined || owner === grant.patient;
}
