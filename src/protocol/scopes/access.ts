// Does a set of granted scopes allow one FHIR interaction? Used by the sandbox's
// FHIR API to enforce tokens, and by diff-scopes to say which calls a missing
// scope breaks. SMART App Launch 2.x, "Scopes for requesting FHIR resources".
import { normaliseQuery, queryPairs, type Compartment, type Interaction, type ResourceScope, type Scope } from './parse.js';

export interface AccessRequest {
  /** Omitted: a scope of any compartment counts. */
  compartment?: Compartment | undefined;
  /** The FHIR resource type being touched (e.g. 'Observation'). */
  resourceType: string;
  /** c = create, r = read (and vread/history), u = update, d = delete, s = search. */
  interaction: Interaction;
  /**
   * The search parameters of the request. A v2 scope restricted by `?name=value`
   * only allows a request whose parameters carry every one of its pairs. For a read,
   * pass the matching values of the resource itself (e.g. its category) to let such a
   * scope count; without them a restricted scope does not allow the read.
   */
  query?: URLSearchParams | undefined;
}

/** True when the restriction's every name=value pair is present in the request's parameters. */
export function queryAllows(restriction: string | undefined, request: URLSearchParams | undefined): boolean {
  if (restriction === undefined || normaliseQuery(restriction) === '') return true;
  if (request === undefined) return false;
  return queryPairs(restriction).every(([name, value]) => request.getAll(name).includes(value));
}

/** True when this one resource scope allows the request. */
export function scopeAllows(scope: ResourceScope, request: AccessRequest): boolean {
  if (request.compartment !== undefined && scope.compartment !== request.compartment) return false;
  if (scope.resourceType !== '*' && scope.resourceType !== request.resourceType) return false;
  if (!scope.permissions.includes(request.interaction)) return false;
  return queryAllows(scope.query, request.query);
}

/** True when any granted resource scope allows the request. */
export function grantsAccess(granted: readonly Scope[], request: AccessRequest): boolean {
  for (const scope of granted) if (scope.kind === 'resource' && scopeAllows(scope, request)) return true;
  return false;
}

/** The granted resource scopes that allow the request (for explaining a 200 or a 403). */
export function scopesAllowing(granted: readonly Scope[], request: AccessRequest): ResourceScope[] {
  return granted.filter((s): s is ResourceScope => s.kind === 'resource' && scopeAllows(s, request));
}
