// Requested vs granted scopes. SMART lets a server grant other scopes than the app
// asked for (the token response's `scope` is what counts), so every requested scope
// is classified against what came back, and every granted scope nobody asked for is
// listed as added. Linear in the number of scopes: granted resource scopes are indexed
// by compartment, resource type and restriction, never compared pairwise.
// SMART App Launch 2.x, "Scopes and Launch Context".
import { normaliseQuery, queryPairs, type Compartment, type ResourceScope, type Scope } from './parse.js';

export type ScopeClassification = 'granted-as-asked' | 'granted-equivalent' | 'narrowed' | 'widened' | 'dropped' | 'added';

export const CLASSIFICATIONS: readonly ScopeClassification[] = ['granted-as-asked', 'granted-equivalent', 'narrowed', 'widened', 'dropped', 'added'];

export interface ScopeComparisonEntry {
  /** The scope as written. */
  scope: string;
  parsed: Scope;
  /** 'requested' for every distinct requested scope; 'granted' for the added ones. */
  side: 'requested' | 'granted';
  classification: ScopeClassification;
  /** The granted scopes that answer this requested scope (at most GRANTED_AS_LIMIT listed). */
  grantedAs: string[];
  /** How many more granted scopes answer it than grantedAs lists. */
  grantedAsMore?: number;
  /** Narrowed: the permission letters (cruds) requested but not fully granted. */
  missing?: string;
  /** Widened: the permission letters granted beyond what was requested. */
  extra?: string;
  /** One line saying how it was answered, when the classification alone does not. */
  note?: string;
}

export interface ScopeDuplicate {
  side: 'requested' | 'granted';
  scope: string;
  count: number;
}

export interface ScopeComparison {
  /** As parsed, in order, duplicates included. */
  requested: Scope[];
  granted: Scope[];
  /** One per distinct requested scope in order, then one per added granted scope in order. */
  entries: ScopeComparisonEntry[];
  duplicates: ScopeDuplicate[];
  counts: Record<ScopeClassification, number>;
}

export const GRANTED_AS_LIMIT = 10;

// ---- permission masks -------------------------------------------------------

const LETTERS = ['c', 'r', 'u', 'd', 's'] as const;

export function permissionMask(letters: string): number {
  let mask = 0;
  LETTERS.forEach((l, i) => {
    if (letters.includes(l)) mask |= 1 << i;
  });
  return mask;
}

export function maskLetters(mask: number): string {
  return LETTERS.filter((_l, i) => (mask & (1 << i)) !== 0).join('');
}

// ---- index of granted resource scopes ----------------------------------------

interface Group {
  mask: number;
  scopes: ResourceScope[];
}

function typeKey(compartment: Compartment, resourceType: string): string {
  return `${compartment}/${resourceType}`;
}

function fullKey(compartment: Compartment, resourceType: string, normQuery: string): string {
  return `${compartment}/${resourceType}?${normQuery}`;
}

function keyOf(scope: ResourceScope): string {
  return fullKey(scope.compartment, scope.resourceType, normaliseQuery(scope.query));
}

function pairKey(pair: [string, string]): string {
  return `${encodeURIComponent(pair[0])}=${encodeURIComponent(pair[1])}`;
}

function addTo(map: Map<string, Group>, key: string, scope: ResourceScope): void {
  const group = map.get(key);
  const mask = permissionMask(scope.permissions);
  if (group === undefined) map.set(key, { mask, scopes: [scope] });
  else {
    group.mask |= mask;
    group.scopes.push(scope);
  }
}

function addToList(map: Map<string, ResourceScope[]>, key: string, scope: ResourceScope): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [scope]);
  else list.push(scope);
}

class GrantedIndex {
  /** compartment/type?normalisedQuery -> scopes and their permissions. */
  readonly byKey = new Map<string, Group>();
  /** compartment/type -> the scopes of that type carrying a ?restriction. */
  readonly restrictedByType = new Map<string, ResourceScope[]>();
  /** compartment/type|name=value -> restricted scopes holding that pair. */
  readonly restrictedByPair = new Map<string, ResourceScope[]>();
  /** compartment -> scopes naming one resource type (not '*'). */
  readonly specificByCompartment = new Map<string, ResourceScope[]>();

  add(scope: ResourceScope): void {
    addTo(this.byKey, keyOf(scope), scope);
    const tk = typeKey(scope.compartment, scope.resourceType);
    if (normaliseQuery(scope.query) !== '') {
      addToList(this.restrictedByType, tk, scope);
      for (const pair of new Set(queryPairs(scope.query).map(pairKey))) addToList(this.restrictedByPair, `${tk}|${pair}`, scope);
    }
    if (scope.resourceType !== '*') addToList(this.specificByCompartment, scope.compartment, scope);
  }
}

// ---- helpers ------------------------------------------------------------------

/** Every sub-list of the restriction's pairs, as normalised query strings (all of them up to 6 pairs; else none and all). */
function restrictionSubsets(pairs: string[]): string[] {
  const sorted = [...new Set(pairs)].sort();
  if (sorted.length > 6) return ['', sorted.join('&')];
  const out: string[] = [];
  for (let bits = 0; bits < 1 << sorted.length; bits++) {
    out.push(sorted.filter((_p, i) => (bits & (1 << i)) !== 0).join('&'));
  }
  return out;
}

/** Whether restriction `outer` holds every pair of `inner` and more (so it is narrower). */
function isStrictSuperset(outer: ResourceScope, innerPairs: ReadonlySet<string>): boolean {
  const pairs = new Set(queryPairs(outer.query).map(pairKey));
  if (pairs.size <= innerPairs.size) return false;
  for (const p of innerPairs) if (!pairs.has(p)) return false;
  return true;
}

function emptyCounts(): Record<ScopeClassification, number> {
  return { 'granted-as-asked': 0, 'granted-equivalent': 0, narrowed: 0, widened: 0, dropped: 0, added: 0 };
}

function distinct(scopes: readonly Scope[], side: 'requested' | 'granted', duplicates: ScopeDuplicate[]): Scope[] {
  const seen = new Map<string, number>();
  const out: Scope[] = [];
  for (const s of scopes) {
    const n = seen.get(s.raw) ?? 0;
    seen.set(s.raw, n + 1);
    if (n === 0) out.push(s);
  }
  for (const [scope, count] of seen) if (count > 1) duplicates.push({ side, scope, count });
  return out;
}

function quoteList(raws: readonly string[]): string {
  return raws.map((r) => `"${r}"`).join(', ');
}

// ---- comparison -----------------------------------------------------------------

class Comparer {
  readonly index = new GrantedIndex();
  readonly grantedRaw = new Set<string>();
  readonly grantedLaunchContexts = new Map<string, string>();
  readonly requestedMaskByKey = new Map<string, number>();
  /** Granted scopes that answer some requested scope (so they are not "added"). */
  readonly accounted = new Set<string>();
  private readonly compartmentMemo = new Map<string, { mask: number; scopes: ResourceScope[] }>();

  constructor(requested: readonly Scope[], granted: readonly Scope[]) {
    for (const g of granted) {
      this.grantedRaw.add(g.raw);
      if (g.kind === 'resource') this.index.add(g);
      if (g.kind === 'launch-context' && !this.grantedLaunchContexts.has(g.context)) this.grantedLaunchContexts.set(g.context, g.raw);
    }
    for (const r of requested) {
      if (r.kind !== 'resource') continue;
      const k = keyOf(r);
      this.requestedMaskByKey.set(k, (this.requestedMaskByKey.get(k) ?? 0) | permissionMask(r.permissions));
    }
  }

  private entry(scope: Scope, classification: ScopeClassification, answering: readonly string[], extra: Partial<ScopeComparisonEntry> = {}): ScopeComparisonEntry {
    for (const raw of answering) this.accounted.add(raw);
    const e: ScopeComparisonEntry = { scope: scope.raw, parsed: scope, side: 'requested', classification, grantedAs: answering.slice(0, GRANTED_AS_LIMIT), ...extra };
    if (answering.length > GRANTED_AS_LIMIT) e.grantedAsMore = answering.length - GRANTED_AS_LIMIT;
    return e;
  }

  classify(r: Scope): ScopeComparisonEntry {
    if (this.grantedRaw.has(r.raw)) return this.entry(r, 'granted-as-asked', [r.raw]);
    switch (r.kind) {
      case 'resource':
        return this.classifyResource(r);
      case 'offline_access':
        if (this.grantedRaw.has('online_access')) {
          return this.entry(r, 'narrowed', ['online_access'], { note: 'online_access instead: the refresh token works only while the user stays online' });
        }
        return this.entry(r, 'dropped', []);
      case 'online_access':
        if (this.grantedRaw.has('offline_access')) {
          return this.entry(r, 'widened', ['offline_access'], { note: 'offline_access instead: the refresh token outlives the user session' });
        }
        return this.entry(r, 'dropped', []);
      case 'launch-context': {
        const same = this.grantedLaunchContexts.get(r.context);
        if (same !== undefined) return this.entry(r, 'granted-equivalent', [same]);
        return this.entry(r, 'dropped', []);
      }
      default:
        return this.entry(r, 'dropped', []);
    }
  }

  private classifyResource(r: ResourceScope): ScopeComparisonEntry {
    const need = permissionMask(r.permissions);
    const pairs = queryPairs(r.query).map(pairKey);
    const norm = normaliseQuery(r.query);
    const ownKey = fullKey(r.compartment, r.resourceType, norm);
    const exact = this.index.byKey.get(ownKey);
    const exactMask = exact?.mask ?? 0;

    // Broader granted scopes: the '*' type and/or a restriction with fewer pairs.
    const types = r.resourceType === '*' ? ['*'] : [r.resourceType, '*'];
    const wide: Group[] = [];
    const wideKeys: string[] = [];
    for (const t of types) {
      for (const q of restrictionSubsets(pairs)) {
        const k = fullKey(r.compartment, t, q);
        if (k === ownKey) continue;
        const g = this.index.byKey.get(k);
        if (g !== undefined && (g.mask & need) !== 0) {
          wide.push(g);
          wideKeys.push(k);
        }
      }
    }
    const wideMask = wide.reduce((m, g) => m | g.mask, 0);
    const covered = exactMask | wideMask;
    const exactScopes = (exact?.scopes ?? []).map((s) => s.raw);
    const wideScopes = wide.flatMap((g) => g.scopes.filter((s) => (permissionMask(s.permissions) & need) !== 0).map((s) => s.raw));

    if ((need & ~covered) === 0) {
      const requestedHere = this.requestedMaskByKey.get(ownKey) ?? 0;
      if ((need & ~exactMask) === 0) {
        const beyond = exactMask & ~requestedHere;
        if (beyond === 0) return this.entry(r, 'granted-equivalent', exactScopes);
        return this.entry(r, 'widened', exactScopes, { extra: maskLetters(beyond), note: `granted ${quoteList(exactScopes)}: also "${maskLetters(beyond)}"` });
      }
      // Answered (partly) through a broader scope: equivalent when that broader scope was itself requested.
      let requestedWide = 0;
      wide.forEach((g, i) => {
        requestedWide |= g.mask & (this.requestedMaskByKey.get(wideKeys[i] ?? '') ?? 0);
      });
      const answering = [...exactScopes, ...wideScopes];
      if ((need & ~(exactMask | requestedWide)) === 0) {
        return this.entry(r, 'granted-equivalent', answering, { note: `covered by ${quoteList(wideScopes)}, granted for a broader requested scope` });
      }
      return this.entry(r, 'widened', answering, { note: `covered by the broader ${quoteList(wideScopes)}` });
    }

    // Not fully granted: look for narrower grants (specific types for '*', added restrictions).
    const partial = this.narrowerGrants(r, pairs).filter((s) => (permissionMask(s.permissions) & need) !== 0);
    const partialMask = partial.reduce((m, s) => m | permissionMask(s.permissions), 0);
    if (((covered | partialMask) & need) === 0) return this.entry(r, 'dropped', []);
    const missing = maskLetters(need & ~covered);
    const answering = [...exactScopes, ...wideScopes, ...partial.map((s) => s.raw)];
    const notes: string[] = [];
    if ((covered & need) !== 0) notes.push(`"${maskLetters(covered & need)}" granted`);
    if (partial.length > 0) {
      const shown = partial.slice(0, 3).map((s) => `"${s.raw}"`);
      notes.push(`only narrower ${shown.join(', ')}${partial.length > 3 ? ` and ${partial.length - 3} more` : ''}`);
    }
    return this.entry(r, 'narrowed', answering, { missing, note: notes.join('; ') });
  }

  /** Granted scopes that cover only part of what `r` names: specific types under a '*', or extra restrictions. */
  private narrowerGrants(r: ResourceScope, pairs: string[]): ResourceScope[] {
    const out: ResourceScope[] = [];
    const innerPairs = new Set(pairs);
    if (r.resourceType === '*') {
      const memoKey = `${r.compartment}?${normaliseQuery(r.query)}`;
      let memo = this.compartmentMemo.get(memoKey);
      if (memo === undefined) {
        const list = (this.index.specificByCompartment.get(r.compartment) ?? []).filter((s) => {
          if (innerPairs.size === 0) return true;
          const own = new Set(queryPairs(s.query).map(pairKey));
          for (const p of innerPairs) if (!own.has(p)) return false;
          return true;
        });
        memo = { mask: list.reduce((m, s) => m | permissionMask(s.permissions), 0), scopes: list };
        this.compartmentMemo.set(memoKey, memo);
      }
      out.push(...memo.scopes);
    }
    const tk = typeKey(r.compartment, r.resourceType);
    let candidates: readonly ResourceScope[] = innerPairs.size === 0 ? (this.index.restrictedByType.get(tk) ?? []) : [];
    // Any narrower grant holds every pair of r: scan only the shortest of those pairs' lists.
    let first = true;
    for (const p of innerPairs) {
      const list = this.index.restrictedByPair.get(`${tk}|${p}`) ?? [];
      if (first || list.length < candidates.length) candidates = list;
      first = false;
    }
    for (const s of candidates) if (isStrictSuperset(s, innerPairs)) out.push(s);
    return out;
  }
}

/** Classifies every distinct requested scope against the granted ones, and lists granted scopes nobody asked for. */
export function compareScopes(requested: readonly Scope[], granted: readonly Scope[]): ScopeComparison {
  const duplicates: ScopeDuplicate[] = [];
  const req = distinct(requested, 'requested', duplicates);
  const gr = distinct(granted, 'granted', duplicates);
  const comparer = new Comparer(req, gr);
  const entries = req.map((r) => comparer.classify(r));
  for (const g of gr) {
    if (comparer.accounted.has(g.raw)) continue;
    entries.push({ scope: g.raw, parsed: g, side: 'granted', classification: 'added', grantedAs: [g.raw] });
  }
  const counts = emptyCounts();
  for (const e of entries) counts[e.classification]++;
  return { requested: [...requested], granted: [...granted], entries, duplicates, counts };
}

export { scopeFindings, type ScopeFindingOptions } from './findings.js';
