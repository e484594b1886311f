// Resource scopes indexed by resource type, then by compartment and restriction, so
// a lookup touches only the scopes of one type: comparing n requested with n granted
// scopes stays linear. Small buckets (the usual case: one scope per type) are scanned;
// a big bucket gets keyed maps on its first lookup. Loops are indexed, not for-of: see
// compare.ts.
import { normalisedPairs, type Compartment, type ResourceScope } from './parse.js';

const LETTERS = ['c', 'r', 'u', 'd', 's'] as const;

/** Permission letters -> bit mask (c = 1, r = 2, u = 4, d = 8, s = 16). */
export function permissionMask(letters: string): number {
  let mask = 0;
  for (let i = 0; i < letters.length; i++) {
    switch (letters.charCodeAt(i)) {
      case 99: mask |= 1; break; // c
      case 114: mask |= 2; break; // r
      case 117: mask |= 4; break; // u
      case 100: mask |= 8; break; // d
      case 115: mask |= 16; break; // s
    }
  }
  return mask;
}

/** Bit mask -> permission letters in cruds order. */
export function maskLetters(mask: number): string {
  let out = '';
  for (let i = 0; i < LETTERS.length; i++) if ((mask & (1 << i)) !== 0) out += LETTERS[i];
  return out;
}

/** Scopes of one compartment, type and restriction, with their permissions united. */
export interface Slot {
  mask: number;
  scopes: ResourceScope[];
}

const SCAN_LIMIT = 8;
/** exact(): no scope names the type. */
export const NO_TYPE = null;

/** exact()'s answer: the scopes' raws and their united permissions. */
export interface Exact {
  mask: number;
  raws: string[];
}
const NO_PAIRS: readonly string[] = Object.freeze([]);

const UNRESTRICTED_KEY: Readonly<Record<Compartment, string>> = { patient: 'patient?', user: 'user?', system: 'system?' };

/** A keyed slot's key: compartment?restriction (one string per compartment for unrestricted slots, not one per lookup). */
function slotKey(compartment: Compartment, restriction: string): string {
  return restriction === '' ? UNRESTRICTED_KEY[compartment] : `${compartment}?${restriction}`;
}

/** The scopes of one type: most types have one, held without an array. */
type Bucket = ResourceScope | ResourceScope[];

function bucketList(bucket: Bucket): readonly ResourceScope[] {
  return Array.isArray(bucket) ? bucket : [bucket];
}

export class ScopeIndex {
  private readonly byType = new Map<string, Bucket>();
  /** Whether any scope names the '*' type (without one, only a scope's own type can answer it). */
  hasWildcardType = false;
  /** type -> compartment?restriction -> slot, built for big buckets on first lookup. */
  private readonly keyed = new Map<string, Map<string, Slot>>();
  /** type -> compartment|pair -> restricted scopes holding that pair, built for big buckets on first lookup. */
  private readonly byPair = new Map<string, Map<string, ResourceScope[]>>();
  private readonly pairsCache = new Map<string, readonly string[]>();
  /** The strings of the scopes in buckets of SCAN_LIMIT or more (add() tells repeats with it). */
  private readonly bigBucketRaws = new Set<string>();

  /**
   * Adds a scope, unless one with the same string is already in (false then): a repeat
   * parses alike, so it can only be in the same bucket.
   */
  add(scope: ResourceScope): boolean {
    const type = scope.resourceType;
    if (type === '*') this.hasWildcardType = true;
    const bucket = this.byType.get(type);
    if (bucket === undefined) {
      this.byType.set(type, scope);
      return true;
    }
    if (!Array.isArray(bucket)) {
      if (bucket.raw === scope.raw) return false;
      this.byType.set(type, [bucket, scope]);
      return true;
    }
    if (bucket.length < SCAN_LIMIT) {
      for (let i = 0; i < bucket.length; i++) if ((bucket[i] as ResourceScope).raw === scope.raw) return false;
      // A bucket reaching the limit puts its (distinct) strings in the set of big buckets' strings.
      if (bucket.length === SCAN_LIMIT - 1) for (let i = 0; i < bucket.length; i++) this.bigBucketRaws.add((bucket[i] as ResourceScope).raw);
    }
    if (bucket.length >= SCAN_LIMIT - 1) {
      // One set for every big bucket: a string belongs to one type, so a string already in is a repeat.
      const size = this.bigBucketRaws.size;
      this.bigBucketRaws.add(scope.raw);
      if (this.bigBucketRaws.size === size) return false;
    }
    bucket.push(scope);
    return true;
  }

  /** Adds a scope known to be distinct from those in (a list without repeats): no repeat check. */
  addDistinct(scope: ResourceScope): void {
    const type = scope.resourceType;
    if (type === '*') this.hasWildcardType = true;
    const bucket = this.byType.get(type);
    if (bucket === undefined) this.byType.set(type, scope);
    else if (Array.isArray(bucket)) bucket.push(scope);
    else this.byType.set(type, [bucket, scope]);
  }

  /** The restriction's sorted, distinct, encoded pairs (cached per query string). */
  pairs(scope: ResourceScope): readonly string[] {
    const query = scope.query;
    if (query === undefined) return NO_PAIRS;
    let pairs = this.pairsCache.get(query);
    if (pairs === undefined) {
      pairs = normalisedPairs(query);
      this.pairsCache.set(query, pairs);
    }
    return pairs;
  }

  /** The restriction as one comparable string ('' when unrestricted). */
  restriction(scope: ResourceScope): string {
    if (scope.query === undefined) return '';
    const pairs = this.pairs(scope);
    return pairs.length === 1 ? (pairs[0] ?? '') : pairs.join('&');
  }

  /**
   * The raws of the scopes of exactly this compartment, type and restriction and their united
   * permissions (mask 0 and no raws when none), or NO_TYPE when no scope names the type at
   * all. Like slot(), without a Slot for the usual one-scope bucket; the raws array is the
   * caller's, sized to fit (it is kept as an entry's grantedAs).
   */
  exact(compartment: Compartment, type: string, restriction: string): Exact | typeof NO_TYPE {
    const bucket = this.byType.get(type);
    if (bucket === undefined) return NO_TYPE;
    if (!Array.isArray(bucket)) {
      if (bucket.compartment !== compartment || this.restriction(bucket) !== restriction) return { mask: 0, raws: [] };
      return { mask: permissionMask(bucket.permissions), raws: [bucket.raw] };
    }
    const slot = this.slot(compartment, type, restriction);
    if (slot === undefined) return { mask: 0, raws: [] };
    return { mask: slot.mask, raws: slot.scopes.map((s) => s.raw) };
  }

  /** Scopes of exactly this compartment, type and restriction. */
  slot(compartment: Compartment, type: string, restriction: string): Slot | undefined {
    const bucket = this.byType.get(type);
    if (bucket === undefined) return undefined;
    if (!Array.isArray(bucket)) {
      return bucket.compartment === compartment && this.restriction(bucket) === restriction ? { mask: permissionMask(bucket.permissions), scopes: [bucket] } : undefined;
    }
    const list = bucket;
    if (list.length <= SCAN_LIMIT) {
      let slot: Slot | undefined;
      for (let i = 0; i < list.length; i++) {
        const s = list[i] as ResourceScope;
        if (s.compartment !== compartment || this.restriction(s) !== restriction) continue;
        if (slot === undefined) slot = { mask: permissionMask(s.permissions), scopes: [s] };
        else {
          slot.mask |= permissionMask(s.permissions);
          slot.scopes.push(s);
        }
      }
      return slot;
    }
    let keyed = this.keyed.get(type);
    if (keyed === undefined) {
      keyed = new Map();
      for (let i = 0; i < list.length; i++) {
        const s = list[i] as ResourceScope;
        const key = slotKey(s.compartment, this.restriction(s));
        const slot = keyed.get(key);
        if (slot === undefined) keyed.set(key, { mask: permissionMask(s.permissions), scopes: [s] });
        else {
          slot.mask |= permissionMask(s.permissions);
          slot.scopes.push(s);
        }
      }
      this.keyed.set(type, keyed);
    }
    return keyed.get(slotKey(compartment, restriction));
  }

  /** Restricted scopes of this compartment and type whose restriction holds every one of `pairs` and more. */
  narrowerRestrictions(compartment: Compartment, type: string, pairs: readonly string[]): ResourceScope[] {
    const bucket = this.byType.get(type);
    if (bucket === undefined) return [];
    // One scope with no restriction, or one no longer than `pairs`, holds nothing narrower.
    if (!Array.isArray(bucket) && (bucket.query === undefined || this.pairs(bucket).length <= pairs.length)) return [];
    const list = bucketList(bucket);
    let candidates: readonly ResourceScope[] = list;
    if (list.length > SCAN_LIMIT && pairs.length > 0) {
      let byPair = this.byPair.get(type);
      if (byPair === undefined) {
        byPair = new Map();
        for (const s of list) {
          for (const p of this.pairs(s)) {
            const key = `${s.compartment}|${p}`;
            const l = byPair.get(key);
            if (l === undefined) byPair.set(key, [s]);
            else l.push(s);
          }
        }
        this.byPair.set(type, byPair);
      }
      // Every match holds all of `pairs`: scan the shortest of their lists.
      candidates = [];
      let first = true;
      for (const p of pairs) {
        const l = byPair.get(`${compartment}|${p}`) ?? [];
        if (first || l.length < candidates.length) candidates = l;
        first = false;
      }
    }
    const out: ResourceScope[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const s = candidates[i] as ResourceScope;
      if (s.compartment !== compartment || s.query === undefined) continue;
      const own = this.pairs(s);
      if (own.length <= pairs.length) continue;
      let holds = true;
      for (const p of pairs) if (!own.includes(p)) holds = false;
      if (holds) out.push(s);
    }
    return out;
  }

  /** Scopes naming one resource type (not '*'), by compartment: built once, on first use. */
  private specific: SpecificIndex | undefined;

  private specificIndex(): SpecificIndex {
    if (this.specific !== undefined) return this.specific;
    const index: SpecificIndex = { all: new Map(), unrestricted: new Map(), byRestriction: new Map(), byPair: new Map() };
    const push = (map: Map<string, ResourceScope[]>, key: string, s: ResourceScope): void => {
      const l = map.get(key);
      if (l === undefined) map.set(key, [s]);
      else l.push(s);
    };
    for (const [type, bucket] of this.byType) {
      if (type === '*') continue;
      for (const s of bucketList(bucket)) {
        push(index.all, s.compartment, s);
        if (s.query === undefined) {
          push(index.unrestricted, s.compartment, s);
          continue;
        }
        push(index.byRestriction, `${s.compartment}?${this.restriction(s)}`, s);
        for (const p of this.pairs(s)) push(index.byPair, `${s.compartment}|${p}`, s);
      }
    }
    this.specific = index;
    return index;
  }

  /** Every scope of this compartment naming one resource type. */
  specificAll(compartment: Compartment): readonly ResourceScope[] {
    return this.specificIndex().all.get(compartment) ?? [];
  }

  /** Scopes of this compartment naming one resource type, without a restriction. */
  specificUnrestricted(compartment: Compartment): readonly ResourceScope[] {
    return this.specificIndex().unrestricted.get(compartment) ?? [];
  }

  /** Scopes of this compartment naming one resource type, with exactly this restriction. */
  specificWithRestriction(compartment: Compartment, restriction: string): readonly ResourceScope[] {
    return this.specificIndex().byRestriction.get(`${compartment}?${restriction}`) ?? [];
  }

  /** Scopes of this compartment naming one resource type whose restriction holds every one of `pairs` and more. */
  specificHoldingMore(compartment: Compartment, pairs: readonly string[]): ResourceScope[] {
    const byPair = this.specificIndex().byPair;
    let candidates: readonly ResourceScope[] = [];
    let first = true;
    for (const p of pairs) {
      const l = byPair.get(`${compartment}|${p}`) ?? [];
      if (first || l.length < candidates.length) candidates = l;
      first = false;
    }
    const out: ResourceScope[] = [];
    for (const s of candidates) {
      const own = this.pairs(s);
      if (own.length <= pairs.length) continue;
      let holds = true;
      for (const p of pairs) if (!own.includes(p)) holds = false;
      if (holds) out.push(s);
    }
    return out;
  }
}

interface SpecificIndex {
  all: Map<string, ResourceScope[]>;
  unrestricted: Map<string, ResourceScope[]>;
  byRestriction: Map<string, ResourceScope[]>;
  byPair: Map<string, ResourceScope[]>;
}

