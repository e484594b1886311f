// Default scopes per launch type, and v1 <-> v2 translation.
// SMART App Launch 2.x: v1 `.read` = v2 `.rs`, `.write` = `.cud`, `.*` = `.cruds`.
import { parseScope, parseScopes, type ResourceScope, type Scope, type ScopeSyntax } from './parse.js';

export type LaunchType = 'standalone' | 'ehr';

const V2_TO_V1: Readonly<Record<string, string>> = { rs: 'read', cud: 'write', cruds: '*' };

/**
 * The scopes `launch` asks for when the user gives none. Standalone asks for a patient
 * picker (`launch/patient`); an EHR launch gets its context from `launch`.
 */
export function defaultScopes(launch: LaunchType, syntax: ScopeSyntax): string {
  const read = syntax === 'v2' ? 'patient/*.rs' : 'patient/*.read';
  return launch === 'standalone' ? `openid fhirUser launch/patient offline_access ${read}` : `launch openid fhirUser offline_access ${read}`;
}

function asScope(scope: Scope | string): Scope {
  return typeof scope === 'string' ? parseScope(scope) : scope;
}

function resourceRaw(scope: ResourceScope, permission: string): string {
  return `${scope.compartment}/${scope.resourceType}.${permission}${scope.query === undefined ? '' : `?${scope.query}`}`;
}

/** The v2 spelling of a scope (v1 resource scopes translated; everything else as is). */
export function toV2(scope: Scope | string): string {
  const s = asScope(scope);
  if (s.kind !== 'resource' || s.syntax === 'v2') return s.raw;
  return resourceRaw(s, s.permissions);
}

/**
 * The v1 spelling of a scope, or undefined when v1 cannot say it (letters other than
 * rs, cud or cruds, or a `?` restriction). Non-resource scopes come back as is.
 */
export function toV1(scope: Scope | string): string | undefined {
  const s = asScope(scope);
  if (s.kind !== 'resource' || s.syntax === 'v1') return s.raw;
  const word = V2_TO_V1[s.permissions];
  if (word === undefined || s.query !== undefined) return undefined;
  return resourceRaw(s, word);
}

/**
 * Translates a whole scope string. A v2 scope that v1 cannot say exactly (`.r`, `.rs?category=…`)
 * is kept as written and listed in `untranslatable`: widening it silently would ask for more.
 */
export function translateScopes(text: string, syntax: ScopeSyntax): { scope: string; untranslatable: string[] } {
  const untranslatable: string[] = [];
  const out = parseScopes(text).map((s) => {
    if (syntax === 'v2') return toV2(s);
    const v1 = toV1(s);
    if (v1 === undefined) {
      untranslatable.push(s.raw);
      return s.raw;
    }
    return v1;
  });
  return { scope: out.join(' '), untranslatable };
}
