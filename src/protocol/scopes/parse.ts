// SMART scope strings -> a discriminated union. Understands SMART v1
// (`patient/Observation.read`, `.write`, `.*`) and v2 (`patient/Observation.rs`,
// letters from `cruds` in that order, `?param=value` restrictions), the identity,
// refresh and launch-context scopes, and flags what looks like a SMART scope but
// is not one. Never throws: every string becomes a Scope.
// SMART App Launch 2.x, "Scopes and Launch Context".

export type Compartment = 'patient' | 'user' | 'system';
export type ScopeSyntax = 'v1' | 'v2';
/** SMART v2 permission letters: create, read, update, delete, search. */
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';
export type V1Permission = 'read' | 'write' | '*';

export interface ResourceScope {
  kind: 'resource';
  raw: string;
  compartment: Compartment;
  /** A FHIR resource type, or '*' for every type. */
  resourceType: string;
  syntax: ScopeSyntax;
  /** Normalised v2 letters, a subset of 'cruds' in that order (v1 read = 'rs', write = 'cud', * = 'cruds'). */
  permissions: string;
  /** v2 only: the query after '?', as written (e.g. 'category=laboratory'). */
  query?: string;
}

export type SimpleScopeKind = 'openid' | 'fhirUser' | 'profile' | 'launch' | 'offline_access' | 'online_access';

export interface SimpleScope {
  kind: SimpleScopeKind;
  raw: string;
}

export interface LaunchContextScope {
  kind: 'launch-context';
  raw: string;
  /** What follows `launch/` (without any `?query`): 'patient', 'encounter', or another context. */
  context: 'patient' | 'encounter' | (string & {});
}

export interface OtherScope {
  kind: 'other';
  raw: string;
}

export interface MalformedScope {
  kind: 'malformed';
  raw: string;
  /** Why, in one sentence that quotes the offending part. */
  reason: string;
}

export type Scope = ResourceScope | SimpleScope | LaunchContextScope | OtherScope | MalformedScope;

export const COMPARTMENTS: readonly Compartment[] = ['patient', 'user', 'system'];
export const INTERACTIONS: readonly Interaction[] = ['c', 'r', 'u', 'd', 's'];

const SIMPLE_KINDS: readonly SimpleScopeKind[] = ['openid', 'fhirUser', 'profile', 'launch', 'offline_access', 'online_access'];
const SIMPLE_BY_NAME = new Map<string, SimpleScopeKind>(SIMPLE_KINDS.map((k) => [k, k]));
const SIMPLE_BY_LOWER = new Map<string, SimpleScopeKind>(SIMPLE_KINDS.map((k) => [k.toLowerCase(), k]));

/** v1 permission word -> v2 letters (SMART 2.x scope equivalence table). */
export const V1_TO_V2: Readonly<Record<V1Permission, string>> = { read: 'rs', write: 'cud', '*': 'cruds' };

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const RESOURCE_TYPE = /^[A-Z][A-Za-z0-9]*$/;
const V2_LETTERS = /^c?r?u?d?s?$/;

function malformed(raw: string, reason: string): MalformedScope {
  return { kind: 'malformed', raw, reason };
}

function quoteChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (ch === ' ') return 'a space';
  return `"${ch}"`;
}

function firstBadChar(raw: string): string {
  for (const ch of raw) if (!SCOPE_TOKEN.test(ch)) return ch;
  return '';
}

/** Sorts a permission string's letters into 'cruds' order (dropping duplicates and unknown letters). */
export function normalisePermissions(letters: string): string {
  return INTERACTIONS.filter((l) => letters.includes(l)).join('');
}

function parseResourceScope(raw: string, compartment: Compartment, start: number): Scope {
  const q = raw.indexOf('?', start);
  const end = q === -1 ? raw.length : q;
  const dot = raw.lastIndexOf('.', end - 1);
  if (dot < start) {
    return malformed(raw, `no permission after the resource type: expected ".read", ".write" or ".*" (v1) or letters from "cruds" such as ".rs" (v2), got "${raw}"`);
  }
  const resourceType = raw.slice(start, dot);
  const permission = raw.slice(dot + 1, end);
  const query = q === -1 ? undefined : raw.slice(q + 1);
  if (resourceType === '') return malformed(raw, `no resource type between "${compartment}/" and ".${permission}": expected a FHIR resource type or "*"`);
  if (resourceType !== '*' && !RESOURCE_TYPE.test(resourceType)) {
    const hint = /^[a-z][A-Za-z0-9]*$/.test(resourceType) ? ` (FHIR resource types start with a capital: "${resourceType[0]?.toUpperCase() ?? ''}${resourceType.slice(1)}")` : '';
    return malformed(raw, `"${resourceType}" is not a FHIR resource type name${hint}`);
  }
  if (permission === 'read' || permission === 'write' || permission === '*') {
    if (query !== undefined) return malformed(raw, `v1 scopes (".${permission}") cannot carry a "?${query}" restriction; use v2 letters (".${V1_TO_V2[permission]}?${query}")`);
    return { kind: 'resource', raw, compartment, resourceType, syntax: 'v1', permissions: V1_TO_V2[permission] };
  }
  if (permission === '') return malformed(raw, `no permission after "${resourceType}.": expected "read", "write", "*" (v1) or letters from "cruds" (v2)`);
  if (!V2_LETTERS.test(permission)) {
    if (/^[cruds]+$/.test(permission)) {
      const sorted = normalisePermissions(permission);
      return malformed(raw, `v2 permission letters must appear once each in the order c, r, u, d, s: expected ".${sorted}", got ".${permission}"`);
    }
    return malformed(raw, `unknown permission ".${permission}": expected "read", "write", "*" (v1) or letters from "cruds" such as "rs" (v2)`);
  }
  if (query === undefined) return { kind: 'resource', raw, compartment, resourceType, syntax: 'v2', permissions: permission };
  if (query === '') return malformed(raw, `empty restriction after "?": expected "param=value", e.g. "${raw.slice(0, q)}?category=laboratory"`);
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return malformed(raw, `restriction "${pair}" is not "param=value"`);
  }
  return { kind: 'resource', raw, compartment, resourceType, syntax: 'v2', permissions: permission, query };
}

function compartmentAt(raw: string, slash: number): Compartment | 'launch' | undefined {
  if (slash === 7 && raw.startsWith('patient')) return 'patient';
  if (slash === 4 && raw.startsWith('user')) return 'user';
  if (slash === 6 && raw.startsWith('system')) return 'system';
  if (slash === 6 && raw.startsWith('launch')) return 'launch';
  return undefined;
}

/** Every ordered subset of cruds, by its bit mask (c = 1 ... s = 16): one shared string each. */
const LETTERS_BY_MASK: readonly string[] = Array.from({ length: 32 }, (_unused, mask) => INTERACTIONS.filter((_l, i) => (mask & (1 << i)) !== 0).join(''));

/** raw from `start` on, known to be v2 letters in cruds order: the shared string of those letters, not a new slice per scope. */
function v2Letters(raw: string, start: number): string {
  let mask = 0;
  for (let i = start; i < raw.length; i++) {
    const ch = raw.charCodeAt(i);
    mask |= ch === 99 ? 1 : ch === 114 ? 2 : ch === 117 ? 4 : ch === 100 ? 8 : 16; // c r u d, else s
  }
  return LETTERS_BY_MASK[mask] ?? raw.slice(start);
}

// The common, well-formed resource scope without a restriction, matched in one go. No
// captures: its parts are sliced by position (its only "." is the one before the
// permission), and the compartment is our own constant rather than a new string per scope.
const PLAIN_RESOURCE = /^(?:patient|user|system)\/(?:\*|[A-Z][A-Za-z0-9]*)\.(?:read|write|\*|c?r?u?d?s?)$/;

/** Parses one scope token. Never throws. */
export function parseScope(raw: string): Scope {
  if (PLAIN_RESOURCE.test(raw)) {
    const dot = raw.lastIndexOf('.');
    if (dot < raw.length - 1) {
      const first = raw.charCodeAt(0);
      const compartment: Compartment = first === 112 ? 'patient' : first === 117 ? 'user' : 'system'; // p, u, s
      // After the dot: read, write or * (v1), else letters from cruds, which hold no "w", "*" or "e".
      const p1 = raw.charCodeAt(dot + 1);
      const v1: V1Permission | undefined = p1 === 119 ? 'write' : p1 === 42 ? '*' : p1 === 114 && raw.charCodeAt(dot + 2) === 101 ? 'read' : undefined;
      return {
        kind: 'resource',
        raw,
        compartment,
        resourceType: raw.slice(compartment.length + 1, dot),
        syntax: v1 !== undefined ? 'v1' : 'v2',
        permissions: v1 !== undefined ? V1_TO_V2[v1] : v2Letters(raw, dot + 1),
      };
    }
  }
  if (raw === '') return malformed(raw, 'empty scope');
  if (!SCOPE_TOKEN.test(raw)) {
    return malformed(raw, `contains ${quoteChar(firstBadChar(raw))}, which a scope token cannot hold (RFC 6749 §3.3)`);
  }
  const slash = raw.indexOf('/');
  if (slash === -1) {
    const simple = SIMPLE_BY_NAME.get(raw);
    if (simple !== undefined) return { kind: simple, raw };
    const lowerSimple = SIMPLE_BY_LOWER.get(raw.toLowerCase());
    if (lowerSimple !== undefined) return malformed(raw, `scopes are case-sensitive: expected "${lowerSimple}", got "${raw}"`);
    return { kind: 'other', raw };
  }
  const prefix = compartmentAt(raw, slash);
  if (prefix === 'launch') {
    const context = raw.slice(slash + 1).split('?')[0] ?? '';
    if (context === '') return malformed(raw, 'no context after "launch/": expected "launch/patient" or "launch/encounter"');
    return { kind: 'launch-context', raw, context };
  }
  if (prefix !== undefined) return parseResourceScope(raw, prefix, slash + 1);
  const lower = raw.slice(0, slash).toLowerCase();
  if (lower === 'patient' || lower === 'user' || lower === 'system' || lower === 'launch') {
    return malformed(raw, `scopes are case-sensitive: expected "${lower}/", got "${raw.slice(0, slash)}/"`);
  }
  return { kind: 'other', raw };
}

/**
 * Splits a space- or newline-separated scope string and parses each token. Never throws.
 * `known` (scopes parsed before, e.g. the requested ones when parsing the granted) is
 * reused where it holds the same token at the same position: a Scope is immutable, and
 * most grants repeat the request in its order. Comparing with the one scope at that
 * position is cheaper than a map of every known token; a token elsewhere is parsed anew,
 * to an equal Scope.
 */
export function parseScopes(text: string, known?: readonly Scope[]): Scope[] {
  // The token array becomes the scope array, each scope written over its token (n <= i):
  // no second array the size of the list, nor the copies a growing one leaves behind.
  const slots: Array<string | Scope> = text.split(/[ \t\r\n\f\v]+/);
  let n = 0;
  // Indexed: a for-of allocates an iterator result per token until the code is optimized.
  for (let i = 0; i < slots.length; i++) {
    const token = slots[i] as string;
    if (token === '') continue;
    const same = known?.[n];
    slots[n++] = same !== undefined && same.raw === token ? same : parseScope(token);
  }
  slots.length = n;
  return slots as Scope[];
}

/** True for scopes that ask for FHIR resource access. */
export function isResourceScope(scope: Scope): scope is ResourceScope {
  return scope.kind === 'resource';
}

const EMPTY_PAIRS: readonly string[] = Object.freeze([]);
// One pair of characters that neither decoding nor encodeURIComponent changes: already normal.
const PLAIN_PAIR = /^[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*$/;

/** The restriction's distinct pairs as encoded "name=value" strings, sorted: equal restrictions give equal lists. */
export function normalisedPairs(query: string | undefined): readonly string[] {
  if (query === undefined || query === '') return EMPTY_PAIRS;
  if (PLAIN_PAIR.test(query)) return [query];
  const pairs = [...new URLSearchParams(query)].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return [...new Set(pairs)].sort();
}

/** The query restriction as sorted "name=value" pairs, so equal restrictions compare equal. */
export function normaliseQuery(query: string | undefined): string {
  return normalisedPairs(query).join('&');
}

/** The query restriction as [name, value] pairs (decoded). */
export function queryPairs(query: string | undefined): Array<[string, string]> {
  if (query === undefined || query === '') return [];
  return [...new URLSearchParams(query)];
}
