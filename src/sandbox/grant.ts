// Which scopes the sandbox grants: what was asked, within the client's registered
// scope and the scope syntax the sandbox speaks (--scopes), then whatever the
// active faults do to it. RFC 6749 §3.3: the server may grant less than asked.
import { parseScopes, type ResourceScope, type Scope } from '../protocol/scopes/parse.js';
import type { FaultHooks } from './faults/fault.js';
import type { ScopeSyntaxMode } from './context.js';
import type { ClientRegistration } from './types.js';

export type ScopeDecision = { ok: true; granted: string[] } | { ok: false; description: string };

function lettersCover(registered: string, requested: string): boolean {
  return [...requested].every((l) => registered.includes(l));
}

function resourceCovered(registered: readonly Scope[], s: ResourceScope): boolean {
  return registered.some(
    (r) =>
      r.kind === 'resource' &&
      r.compartment === s.compartment &&
      (r.resourceType === '*' || r.resourceType === s.resourceType) &&
      lettersCover(r.permissions, s.permissions) &&
      (r.query === undefined || r.query === s.query),
  );
}

const registeredScopes = new WeakMap<ClientRegistration, Scope[]>();

function registeredOf(client: ClientRegistration): Scope[] {
  let scopes = registeredScopes.get(client);
  if (scopes === undefined) {
    scopes = parseScopes(client.scope);
    registeredScopes.set(client, scopes);
  }
  return scopes;
}

/** Whether the client's registration allows this scope. */
export function registrationAllows(client: ClientRegistration, scope: Scope): boolean {
  const registered = registeredOf(client);
  if (scope.kind === 'resource') return resourceCovered(registered, scope);
  return registered.some((r) => r.raw === scope.raw);
}

/** Applies the faults' grant rewrites in registry order. */
export function applyGrantFaults(faults: readonly FaultHooks[], scopes: string[]): string[] {
  return faults.reduce((acc, f) => (f.grantScopes === undefined ? acc : f.grantScopes(acc)), scopes);
}

/** The scopes to grant for a request, or why the request is refused (invalid_scope). */
export function decideScopes(requested: string, client: ClientRegistration, mode: ScopeSyntaxMode, faults: readonly FaultHooks[]): ScopeDecision {
  const scopes = parseScopes(requested);
  if (scopes.length === 0) return { ok: false, description: 'scope is missing or empty' };
  const bad = scopes.find((s) => s.kind === 'malformed');
  if (bad !== undefined && bad.kind === 'malformed') return { ok: false, description: `scope "${bad.raw}" is malformed: ${bad.reason}` };
  const granted: string[] = [];
  for (const s of scopes) {
    if (s.kind === 'other') continue;
    if (s.kind === 'resource' && mode !== 'both' && s.syntax !== mode) continue;
    if (!registrationAllows(client, s)) continue;
    if (!granted.includes(s.raw)) granted.push(s.raw);
  }
  if (granted.length === 0) {
    return { ok: false, description: `none of the requested scopes ("${requested}") is allowed for client "${client.client_id}" (registered: "${client.scope}"${mode === 'both' ? '' : `; this sandbox speaks SMART ${mode} scopes only`})` };
  }
  return { ok: true, granted: applyGrantFaults(faults, granted) };
}
