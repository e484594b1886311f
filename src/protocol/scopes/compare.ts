// Requested vs granted scopes. SMART lets a server grant other scopes than the app
// asked for (the token response's `scope` is what counts), so every requested scope
// is classified against what came back, and every granted scope nobody asked for is
// listed as added. Linear in the number of scopes: granted resource scopes are indexed
// by compartment, resource type and restriction, never compared pairwise.
// Loops over scope lists are indexed: a for-of allocates an iterator result per step
// until the code is optimized, and most of a 10 000-scope comparison runs before that.
// SMART App Launch 2.x, "Scopes and Launch Context".
import type { Compartment, ResourceScope, Scope } from './parse.js';
import { maskLetters, NO_TYPE, permissionMask, ScopeIndex, type Slot } from './scope-index.js';

export { maskLetters, permissionMask } from './scope-index.js';

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
  /** As parsed, in order, duplicates included: the lists compareScopes was given (not copied). */
  requested: readonly Scope[];
  granted: readonly Scope[];
  /** One per distinct requested scope in order, then one per added granted scope in order. */
  entries: ScopeComparisonEntry[];
  duplicates: ScopeDuplicate[];
  counts: Record<ScopeClassification, number>;
}

export const GRANTED_AS_LIMIT = 10;

const UNRESTRICTED: readonly string[] = Object.freeze(['']);

// ---- helpers ------------------------------------------------------------------

/** Every proper sub-list of sorted pairs (all of them up to 6 pairs; else only the empty one). */
function properSubsets(pairs: readonly string[]): string[] {
  if (pairs.length > 6) return [''];
  const out: string[] = [];
  const all = (1 << pairs.length) - 1;
  for (let bits = 0; bits < all; bits++) out.push(pairs.filter((_p, i) => (bits & (1 << i)) !== 0).join('&'));
  return out;
}

function emptyCounts(): Record<ScopeClassification, number> {
  return { 'granted-as-asked': 0, 'granted-equivalent': 0, narrowed: 0, widened: 0, dropped: 0, added: 0 };
}

/**
 * Distinct scopes in order, and the set of raw strings. One Set.add per scope (a new raw
 * string grows the set); counts are kept only for repeated ones. Without repeats the list
 * is `scopes` itself: it is only read.
 */
function distinct(scopes: readonly Scope[], side: 'requested', duplicates: ScopeDuplicate[]): { list: readonly Scope[]; seen: Set<string>; at?: number[] } {
  const seen = new Set<string>();
  let list: Scope[] | undefined;
  /** With repeats: where each scope of the list stands in `scopes`. */
  let at: number[] | undefined;
  let repeats: Map<string, number> | undefined;
  for (let i = 0; i < scopes.length; i++) {
    const s = scopes[i] as Scope;
    const size = seen.size;
    seen.add(s.raw);
    if (seen.size !== size) {
      list?.push(s);
      at?.push(i);
    } else {
      // The first repeat: every scope before it was distinct.
      if (list === undefined) {
        list = scopes.slice(0, i);
        at = Array.from({ length: i }, (_unused, k) => k);
      }
      repeats ??= new Map();
      repeats.set(s.raw, (repeats.get(s.raw) ?? 1) + 1);
    }
  }
  if (list === undefined) return { list: scopes, seen };
  // In order of first appearance.
  if (repeats !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const s = list[i] as Scope;
      const count = repeats.get(s.raw);
      if (count !== undefined) duplicates.push({ side, scope: s.raw, count });
    }
  }
  return { list, seen, at };
}

function quoteList(raws: readonly string[]): string {
  return raws.map((r) => `"${r}"`).join(', ');
}

function rawsNeeded(scopes: readonly ResourceScope[], need: number, out: string[]): void {
  for (let i = 0; i < scopes.length; i++) {
    const s = scopes[i] as ResourceScope;
    if ((permissionMask(s.permissions) & need) !== 0) out.push(s.raw);
  }
}

// ---- comparison -----------------------------------------------------------------

function asAsked(r: Scope): ScopeComparisonEntry {
  return { scope: r.raw, parsed: r, side: 'requested', classification: 'granted-as-asked', grantedAs: [r.raw] };
}

class Comparer {
  private readonly index = new ScopeIndex();
  private requestedIndex: ScopeIndex | undefined;
  private readonly grantedLaunchContexts = new Map<string, string>();
  /**
   * Granted scopes that answer a requested scope in another form (so they are not "added"),
   * added to the set of requested ones: one lookup tells whether a granted scope was asked for.
   */
  readonly accounted: Set<string>;
  /** Groups of narrower grants shared by many requested scopes, built once each. */
  private readonly groupMemo = new Map<string, Group>();
  /** group|need pairs already marked as accounted. */
  private readonly markedGroups = new Set<string>();
  private nextGroupId = 0;

  /**
   * Raws of the granted scopes: every one the general way; with `own`, those other than
   * resource scopes (a granted resource scope is then found in its slot of the index).
   */
  private readonly grantedRaw = new Set<string>();
  private readonly everyRaw: boolean;
  /** The distinct granted scopes in order (`granted` itself when none repeats). */
  readonly grantedList: readonly Scope[];

  /** Set when `own` was given but the grant is not of its shape: compare the general way. */
  readonly general: boolean = false;

  /**
   * Indexes the granted scopes, each distinct one once (grantedRaw tells the repeats);
   * repeats go to `duplicates`.
   * With `own` (the request's scopes by type, see ownTypes), a resource scope granted at its
   * requested scope's place is not indexed: no other requested scope names its type, so no
   * lookup would find it, and it repeats no other granted scope unless one has its string
   * (then `general` is set and nothing is kept); any other granted resource scope is told
   * a repeat by its slot of the index, without a set of every granted string.
   */
  constructor(
    private readonly requested: readonly Scope[],
    granted: readonly Scope[],
    /** The requested raws (or, with `own`, an empty set); the comparer adds the granted scopes that answer them. */
    requestedRaw: Set<string>,
    duplicates: ScopeDuplicate[],
    own?: OwnTypes,
  ) {
    this.accounted = requestedRaw;
    this.grantedList = granted;
    this.everyRaw = own === undefined;
    let list: Scope[] | undefined;
    let repeats: Map<string, number> | undefined;
    for (let i = 0; i < granted.length; i++) {
      const g = granted[i] as Scope;
      let fresh: boolean;
      if (g.kind !== 'resource') fresh = this.addOther(g);
      else if (own === undefined) {
        fresh = this.addRaw(g.raw);
        if (fresh) this.index.addDistinct(g);
      } else if (requested[i] === g) fresh = true;
      else {
        // Usually the scope in that place names the same type (the grant rewrote it): then it is the one.
        const there = requested[i];
        const at = there?.kind === 'resource' && there.resourceType === g.resourceType ? i : own.byType.get(g.resourceType);
        if (at !== undefined && granted[at] === requested[at] && (requested[at] as Scope).raw === g.raw) {
          this.general = true;
          return;
        }
        fresh = this.index.add(g);
      }
      if (fresh) list?.push(g);
      else {
        // The first repeat: every scope before it was distinct.
        list ??= granted.slice(0, i);
        repeats ??= new Map();
        repeats.set(g.raw, (repeats.get(g.raw) ?? 1) + 1);
      }
    }
    this.grantedList = list ?? granted;
    // In order of first appearance.
    if (list !== undefined && repeats !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const g = list[i] as Scope;
        const count = repeats.get(g.raw);
        if (count !== undefined) duplicates.push({ side: 'granted', scope: g.raw, count });
      }
    }
  }

  /** false when the string came before. */
  private addRaw(raw: string): boolean {
    const size = this.grantedRaw.size;
    this.grantedRaw.add(raw);
    return this.grantedRaw.size !== size;
  }

  /** A granted scope other than a resource one; false when its string came before. */
  private addOther(g: Exclude<Scope, ResourceScope>): boolean {
    const fresh = this.addRaw(g.raw);
    if (fresh && g.kind === 'launch-context' && !this.grantedLaunchContexts.has(g.context)) this.grantedLaunchContexts.set(g.context, g.raw);
    return fresh;
  }

  /** Permissions requested for this compartment, type and restriction (index built on first use). */
  private requestedMask(compartment: Compartment, type: string, restriction: string): number {
    if (this.requestedIndex === undefined) {
      this.requestedIndex = new ScopeIndex();
      for (const r of this.requested) if (r.kind === 'resource') this.requestedIndex.addDistinct(r);
    }
    return this.requestedIndex.slot(compartment, type, restriction)?.mask ?? 0;
  }

  /** `answering` becomes the entry's own grantedAs: pass a fresh array. */
  private entry(scope: Scope, classification: ScopeClassification, answering: string[]): ScopeComparisonEntry {
    for (let i = 0; i < answering.length; i++) this.accounted.add(answering[i] as string);
    const e: ScopeComparisonEntry = {
      scope: scope.raw,
      parsed: scope,
      side: 'requested',
      classification,
      grantedAs: answering.length > GRANTED_AS_LIMIT ? answering.slice(0, GRANTED_AS_LIMIT) : answering,
    };
    if (answering.length > GRANTED_AS_LIMIT) e.grantedAsMore = answering.length - GRANTED_AS_LIMIT;
    return e;
  }

  classify(r: Scope): ScopeComparisonEntry {
    if ((this.everyRaw || r.kind !== 'resource') && this.grantedRaw.has(r.raw)) return asAsked(r);
    switch (r.kind) {
      case 'resource':
        return this.classifyResource(r);
      case 'offline_access':
        if (this.grantedRaw.has('online_access')) {
          const e = this.entry(r, 'narrowed', ['online_access']);
          e.note = 'online_access instead: the refresh token works only while the user stays online';
          return e;
        }
        return this.entry(r, 'dropped', []);
      case 'online_access':
        if (this.grantedRaw.has('offline_access')) {
          const e = this.entry(r, 'widened', ['offline_access']);
          e.note = 'offline_access instead: the refresh token outlives the user session';
          return e;
        }
        return this.entry(r, 'dropped', []);
      case 'launch-context': {
        const same = this.grantedLaunchContexts.get(r.context);
        return same === undefined ? this.entry(r, 'dropped', []) : this.entry(r, 'granted-equivalent', [same]);
      }
      default:
        return this.entry(r, 'dropped', []);
    }
  }

  private classifyResource(r: ResourceScope): ScopeComparisonEntry {
    const need = permissionMask(r.permissions);
    const pairs = this.index.pairs(r);
    const restriction = this.index.restriction(r);
    const found = this.index.exact(r.compartment, r.resourceType, restriction);
    const exactMask = found === NO_TYPE ? 0 : found.mask;
    const exactScopes = found === NO_TYPE ? [] : found.raws;
    // The same string parses to the same scope: if it was granted, it is in this slot (how a request of
    // OwnTypes' shape finds it; the general way found it in grantedRaw already).
    if (exactScopes.includes(r.raw)) return asAsked(r);

    // Answered by grants for the same type and restriction alone: equivalent, or widened if they give more.
    if ((need & ~exactMask) === 0) {
      // More than this scope asks is still no widening when the request asks it elsewhere (.read + .write).
      const beyond = exactMask === need ? 0 : exactMask & ~this.requestedMask(r.compartment, r.resourceType, restriction);
      if (beyond === 0) return this.entry(r, 'granted-equivalent', exactScopes);
      const e = this.entry(r, 'widened', exactScopes);
      e.extra = maskLetters(beyond);
      e.note = `granted ${quoteList(exactScopes)}`;
      return e;
    }
    // Without a '*' grant, a scope naming one type is answered only by grants of that type,
    // and an unrestricted one by none broader: the usual large grant is decided here.
    if (!this.index.hasWildcardType && r.resourceType !== '*') {
      if (found === NO_TYPE) return this.entry(r, 'dropped', exactScopes);
      if (pairs.length === 0) return this.narrowerOrDropped(r, need, pairs, restriction, exactMask, exactScopes, []);
    }
    return this.broaderOrNarrower(r, need, pairs, restriction, exactMask, exactScopes);
  }

  // classifyResource continues in two steps, each its own function: small functions are
  // optimized sooner and at less cost than one that holds every case.

  /** Broader grants: the '*' type and/or a restriction with fewer pairs. */
  private broaderOrNarrower(r: ResourceScope, need: number, pairs: readonly string[], restriction: string, exactMask: number, exactScopes: string[]): ScopeComparisonEntry {
    const wide: Wide[] = [];
    const restrictions = pairs.length === 0 ? UNRESTRICTED : [...properSubsets(pairs), restriction];
    // The type itself, then '*' (only '*' for a '*' scope).
    for (let t = r.resourceType === '*' ? 1 : 0; t < 2; t++) {
      const type = t === 0 ? r.resourceType : '*';
      for (let k = 0; k < restrictions.length; k++) {
        const sub = restrictions[k] as string;
        if (type === r.resourceType && sub === restriction) continue;
        const slot = this.index.slot(r.compartment, type, sub);
        if (slot !== undefined && (slot.mask & need) !== 0) wide.push({ type, restriction: sub, slot });
      }
    }
    let wideMask = 0;
    const wideScopes: string[] = [];
    for (let k = 0; k < wide.length; k++) {
      const w = wide[k] as Wide;
      wideMask |= w.slot.mask;
      rawsNeeded(w.slot.scopes, need, wideScopes);
    }
    const covered = exactMask | wideMask;

    if ((need & ~covered) === 0) {
      // Equivalent when the broader scope answers a requested broader scope; else widened.
      let requestedWide = 0;
      for (let k = 0; k < wide.length; k++) {
        const w = wide[k] as Wide;
        requestedWide |= w.slot.mask & this.requestedMask(r.compartment, w.type, w.restriction);
      }
      const answering = [...exactScopes, ...wideScopes];
      if ((need & ~(exactMask | requestedWide)) === 0) {
        const e = this.entry(r, 'granted-equivalent', answering);
        e.note = `covered by ${quoteList(wideScopes)}, granted for a broader requested scope`;
        return e;
      }
      const e = this.entry(r, 'widened', answering);
      e.note = `covered by the broader ${quoteList(wideScopes)}`;
      return e;
    }
    return this.narrowerOrDropped(r, need, pairs, restriction, covered, exactScopes, wideScopes);
  }

  /**
   * Not fully granted: look for narrower grants (specific types under a '*', added restrictions).
   * Groups may be shared by many requested scopes: read their permission histograms, list at most
   * GRANTED_AS_LIMIT of their scopes, and mark them accounted once per permission set.
   */
  private narrowerOrDropped(r: ResourceScope, need: number, pairs: readonly string[], restriction: string, covered: number, exactScopes: string[], wideScopes: string[]): ScopeComparisonEntry {
    let partialMask = 0;
    let partialCount = 0;
    const partial: string[] = [];
    const groups = this.narrowerGroups(r, pairs, restriction);
    for (let k = 0; k < groups.length; k++) {
      const group = groups[k] as Group;
      const scopes = group.scopes;
      let count = 0;
      if (group.hist === undefined) {
        for (let i = 0; i < scopes.length; i++) {
          const m = permissionMask((scopes[i] as ResourceScope).permissions);
          if ((m & need) === 0) continue;
          partialMask |= m;
          count++;
        }
      } else {
        for (let m = 1; m < 32; m++) {
          const n = group.hist[m] ?? 0;
          if (n === 0 || (m & need) === 0) continue;
          partialMask |= m;
          count += n;
        }
      }
      if (count === 0) continue;
      partialCount += count;
      for (let i = 0; i < scopes.length && partial.length < GRANTED_AS_LIMIT; i++) {
        const s = scopes[i] as ResourceScope;
        if ((permissionMask(s.permissions) & need) !== 0) partial.push(s.raw);
      }
      // A shared group is marked once per permission set; any other group is seen only here.
      const mark = group.hist === undefined ? undefined : `${group.id}|${need}`;
      if (mark === undefined || !this.markedGroups.has(mark)) {
        if (mark !== undefined) this.markedGroups.add(mark);
        for (let i = 0; i < scopes.length; i++) {
          const s = scopes[i] as ResourceScope;
          if ((permissionMask(s.permissions) & need) !== 0) this.accounted.add(s.raw);
        }
      }
    }
    if (((covered | partialMask) & need) === 0) return this.entry(r, 'dropped', []);
    const answering = [...exactScopes, ...wideScopes, ...partial];
    const e = this.entry(r, 'narrowed', answering.slice(0, GRANTED_AS_LIMIT));
    const more = exactScopes.length + wideScopes.length + partialCount - e.grantedAs.length;
    if (more > 0) e.grantedAsMore = more;
    e.missing = maskLetters(need & ~covered);
    const notes: string[] = [];
    if ((covered & need) !== 0) notes.push(`"${maskLetters(covered & need)}" granted`);
    if (partialCount > 0) {
      const shown = partial.slice(0, 3).map((raw) => `"${raw}"`);
      notes.push(`only narrower ${shown.join(', ')}${partialCount > 3 ? ` and ${partialCount - 3} more` : ''}`);
    }
    e.note = notes.join('; ');
    return e;
  }

  /** A group of scopes; with a key it is shared (memoized, with a permission histogram), else used once. */
  private group(key: string | undefined, build: () => readonly ResourceScope[]): Group {
    if (key === undefined) return { id: this.nextGroupId++, scopes: build() };
    const memo = this.groupMemo.get(key);
    if (memo !== undefined) return memo;
    const scopes = build();
    const hist: number[] = new Array<number>(32).fill(0);
    for (const s of scopes) {
      const m = permissionMask(s.permissions);
      hist[m] = (hist[m] ?? 0) + 1;
    }
    const group: Group = { id: this.nextGroupId++, scopes, hist };
    this.groupMemo.set(key, group);
    return group;
  }

  /**
   * Granted scopes that cover only part of what `r` names. Under a '*' type: scopes naming
   * one type whose restriction is absent, looser or tighter. For any type: the same type with
   * more restriction pairs.
   */
  private narrowerGroups(r: ResourceScope, pairs: readonly string[], restriction: string): Group[] {
    const c = r.compartment;
    const out: Group[] = [];
    if (r.resourceType === '*') {
      if (pairs.length === 0) out.push(this.group(`all:${c}`, () => this.index.specificAll(c)));
      else {
        out.push(this.group(`unrestricted:${c}`, () => this.index.specificUnrestricted(c)));
        for (const sub of properSubsets(pairs)) {
          if (sub !== '') out.push(this.group(`restricted:${c}?${sub}`, () => this.index.specificWithRestriction(c, sub)));
        }
        out.push(this.group(`restricted:${c}?${restriction}`, () => this.index.specificWithRestriction(c, restriction)));
        out.push(this.group(undefined, () => this.index.specificHoldingMore(c, pairs)));
      }
    }
    const narrower = this.index.narrowerRestrictions(c, r.resourceType, pairs);
    if (narrower.length > 0) out.push({ id: this.nextGroupId++, scopes: narrower });
    return out;
  }
}

/** A broader slot answering part of a requested scope. */
interface Wide {
  type: string;
  restriction: string;
  slot: Slot;
}

interface Group {
  id: number;
  scopes: readonly ResourceScope[];
  /** Shared groups: how many scopes have each permission mask (index 0-31). */
  hist?: number[];
}

/**
 * The request by type, when each of its resource scopes names a type of its own (so none
 * repeats, and none is '*') and no other scope repeats either: undefined for any other.
 * One map insertion per scope, as the set of raws would take.
 */
interface OwnTypes {
  /** Resource type -> the index of the requested scope naming it. */
  byType: Map<string, number>;
  /** The raws of the other requested scopes. */
  other: Set<string>;
}

function ownTypes(requested: readonly Scope[]): OwnTypes | undefined {
  const byType = new Map<string, number>();
  const other = new Set<string>();
  for (let i = 0; i < requested.length; i++) {
    const s = requested[i] as Scope;
    if (s.kind === 'resource') {
      if (s.resourceType === '*') return undefined;
      const size = byType.size;
      byType.set(s.resourceType, i);
      if (byType.size === size) return undefined;
    } else {
      const size = other.size;
      other.add(s.raw);
      if (other.size === size) return undefined;
    }
  }
  return { byType, other };
}

/** Whether a granted scope's string was requested (in a request of OwnTypes' shape). */
function requestedIn(own: OwnTypes, requested: readonly Scope[], g: Scope): boolean {
  if (g.kind !== 'resource') return own.other.has(g.raw);
  const at = own.byType.get(g.resourceType);
  return at !== undefined && (requested[at] as Scope).raw === g.raw;
}

/** Classifies every distinct requested scope against the granted ones, and lists granted scopes nobody asked for. */
export function compareScopes(requested: readonly Scope[], granted: readonly Scope[]): ScopeComparison {
  // The usual large comparison (a grant that repeats the request in its order, with some
  // scopes in another form) takes the shape OwnTypes checks for; any other the general way.
  const own = ownTypes(requested);
  if (own !== undefined) {
    const duplicates: ScopeDuplicate[] = [];
    const comparer = new Comparer(requested, granted, new Set(), duplicates, own);
    if (!comparer.general) return classifyAll(requested, granted, requested, undefined, comparer, duplicates, own);
  }
  const duplicates: ScopeDuplicate[] = [];
  const req = distinct(requested, 'requested', duplicates);
  return classifyAll(requested, granted, req.list, req.at, new Comparer(req.list, granted, req.seen, duplicates), duplicates, undefined);
}

function classifyAll(
  requested: readonly Scope[],
  granted: readonly Scope[],
  distinctRequested: readonly Scope[],
  /** Where each distinct requested scope stands in `requested`, when they are not the same list. */
  at: readonly number[] | undefined,
  comparer: Comparer,
  duplicates: ScopeDuplicate[],
  own: OwnTypes | undefined,
): ScopeComparison {
  const grantedList = comparer.grantedList;
  const counts = emptyCounts();
  const entries: ScopeComparisonEntry[] = [];
  // Most grants repeat the request in its order, with the same Scope objects (parseScopes
  // with known): the object at the same index on the other side answers "is it there?"
  // without a string lookup. Only a shortcut: an object present there is present anywhere.
  for (let i = 0; i < distinctRequested.length; i++) {
    const r = distinctRequested[i] as Scope;
    const e = granted[at === undefined ? i : (at[i] as number)] === r ? asAsked(r) : comparer.classify(r);
    counts[e.classification]++;
    entries.push(e);
  }
  // Without `own`, accounted holds the requested raws too.
  for (let i = 0; i < grantedList.length; i++) {
    const g = grantedList[i] as Scope;
    if (requested[i] === g || comparer.accounted.has(g.raw) || (own !== undefined && requestedIn(own, requested, g))) continue;
    counts.added++;
    entries.push({ scope: g.raw, parsed: g, side: 'granted', classification: 'added', grantedAs: [g.raw] });
  }
  return { requested, granted, entries, duplicates, counts };
}

export { scopeFindings, type ScopeFindingOptions } from './findings.js';
