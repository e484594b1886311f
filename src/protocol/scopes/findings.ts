// Findings from a scope comparison: what was dropped and what that costs, plus lints
// of the requested scopes on their own (malformed, duplicates, mixed v1/v2 syntax,
// system/ scopes in a user-facing request). One small function per rule. Loops over
// whole scope lists are indexed, not for-of: see compare.ts.
// SMART App Launch 2.x, "Scopes and Launch Context".
import { makeFinding, type Finding } from '../../report/finding.js';
import type { ScopeComparison, ScopeComparisonEntry } from './compare.js';
import { launchContextConsequence, resourceConsequence, SIMPLE_CONSEQUENCE } from './consequences.js';
import type { MalformedScope, ResourceScope, Scope } from './parse.js';

export interface ScopeFindingOptions {
  /**
   * Whether the request is made on behalf of a user (an app launch) rather than a
   * backend service. Omitted: user-facing when it asks for any patient/, user/,
   * identity or launch scope.
   */
  userFacing?: boolean | undefined;
}

/** Details list at most this many scopes, then say how many more. */
const LIST_LIMIT = 20;
/** Quoted scope strings are cut at this many characters. */
const QUOTE_LIMIT = 300;

/** A bulleted list of the first LIST_LIMIT items (only those are formatted), then how many more. */
function bulleted<T>(items: readonly T[], format: (item: T) => string): string {
  const shown: string[] = [];
  for (let i = 0; i < items.length && i < LIST_LIMIT; i++) shown.push(`- ${format(items[i] as T)}`);
  if (items.length > LIST_LIMIT) shown.push(`- … and ${items.length - LIST_LIMIT} more (see the scope table, or --json)`);
  return shown.join('\n');
}

function quoteScopeString(scopes: readonly Scope[]): string {
  let text = '';
  for (const s of scopes) {
    text = text === '' ? s.raw : `${text} ${s.raw}`;
    if (text.length > QUOTE_LIMIT) return `"${text.slice(0, QUOTE_LIMIT)}…" (${scopes.length} scopes)`;
  }
  return `"${text}"`;
}

function quoteAll(raws: readonly string[]): string {
  const q = raws.map((r) => `"${r}"`);
  if (q.length <= 2) return q.join(' and ');
  return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1] ?? ''}`;
}

function plainAll(raws: readonly string[]): string {
  if (raws.length <= 2) return raws.join(' and ');
  return `${raws.slice(0, -1).join(', ')} and ${raws[raws.length - 1] ?? ''}`;
}

/** Entries by classification, and dropped ones by scope kind: one pass, cached per comparison. */
const grouped = new WeakMap<ScopeComparison, Map<string, ScopeComparisonEntry[]>>();

// The group keys of dropped entries by kind, written once rather than built per entry.
const DROPPED_KEY: Readonly<Record<Scope['kind'], string>> = {
  resource: 'dropped:resource',
  openid: 'dropped:openid',
  fhirUser: 'dropped:fhirUser',
  profile: 'dropped:profile',
  launch: 'dropped:launch',
  offline_access: 'dropped:offline_access',
  online_access: 'dropped:online_access',
  'launch-context': 'dropped:launch-context',
  other: 'dropped:other',
  malformed: 'dropped:malformed',
};

function push(map: Map<string, ScopeComparisonEntry[]>, key: string, e: ScopeComparisonEntry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [e]);
  else list.push(e);
}

function groups(c: ScopeComparison): Map<string, ScopeComparisonEntry[]> {
  let g = grouped.get(c);
  if (g === undefined) {
    g = new Map();
    const entries = c.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as ScopeComparisonEntry;
      if (e.classification === 'granted-as-asked') continue;
      push(g, e.classification, e);
      if (e.classification === 'dropped') push(g, DROPPED_KEY[e.parsed.kind], e);
    }
    grouped.set(c, g);
  }
  return g;
}

function classified(c: ScopeComparison, classification: ScopeComparisonEntry['classification']): ScopeComparisonEntry[] {
  return groups(c).get(classification) ?? [];
}

function droppedKinds(c: ScopeComparison, kinds: readonly Scope['kind'][]): ScopeComparisonEntry[] {
  return kinds.flatMap((k) => groups(c).get(`dropped:${k}`) ?? []);
}

function grantedHas(c: ScopeComparison, raw: string): boolean {
  return c.granted.some((s) => s.raw === raw);
}

/** Up to three examples of one syntax, and how many there are. */
interface SyntaxSample {
  n: number;
  sample: string[];
}

/**
 * What the lints of a scope list read, gathered in one pass (a 40 000-scope list is walked
 * once, not once per lint). Lists keep order and repeats; each lint removes repeats itself.
 */
interface ScopeCensus {
  malformed: MalformedScope[];
  v1: SyntaxSample;
  v2: SyntaxSample;
  /** Raws of system/ resource scopes. */
  system: string[];
  /** fhirUser and profile scopes. */
  identity: Scope[];
  openid: boolean;
  /** Asks for a patient/ or user/ resource, identity, launch or online_access scope. */
  userFacing: boolean;
}

function censusOf(scopes: readonly Scope[]): ScopeCensus {
  const census: ScopeCensus = { malformed: [], v1: { n: 0, sample: [] }, v2: { n: 0, sample: [] }, system: [], identity: [], openid: false, userFacing: false };
  for (let i = 0; i < scopes.length; i++) {
    const s = scopes[i] as Scope;
    switch (s.kind) {
      case 'resource': {
        const side = s.syntax === 'v1' ? census.v1 : census.v2;
        side.n++;
        if (side.sample.length < 3) side.sample.push(s.raw);
        if (s.compartment === 'system') census.system.push(s.raw);
        else census.userFacing = true;
        break;
      }
      case 'malformed':
        census.malformed.push(s);
        break;
      case 'openid':
        census.openid = true;
        census.userFacing = true;
        break;
      case 'fhirUser':
      case 'profile':
        census.identity.push(s);
        census.userFacing = true;
        break;
      case 'launch':
      case 'launch-context':
      case 'online_access':
        census.userFacing = true;
        break;
      default:
        break;
    }
  }
  return census;
}

// ---- what was dropped ----------------------------------------------------------

/** openid not granted: no id_token. The same id as the launch/explain diagnosis. */
export function openidScopeDropped(c: ScopeComparison): Finding | undefined {
  const openid = droppedKinds(c, ['openid']);
  if (openid.length === 0) return undefined;
  const identity = droppedKinds(c, ['fhirUser', 'profile']);
  const names = [...openid, ...identity].map((e) => e.scope);
  const lines = [
    `requested ${quoteAll(names)}, ${names.length === 1 ? 'which is not' : 'none of which is'} in the granted scope: expected "openid" in it, got ${quoteScopeString(c.granted)}.`,
    `So: ${SIMPLE_CONSEQUENCE.openid}.`,
  ];
  if (identity.length > 0) lines.push(`And ${SIMPLE_CONSEQUENCE.fhirUser.replace(/^no fhirUser claim/, `no ${plainAll(identity.map((e) => e.scope))} claim`)}.`);
  return makeFinding({
    id: 'openid-scope-dropped',
    severity: 'error',
    title: `${plainAll(names)} ${names.length === 1 ? 'was' : 'were'} requested but not granted: no id_token will come`,
    detail: lines.join('\n'),
    fix: 'Enable OpenID Connect (the openid and fhirUser/profile scopes) in the app\'s registration for this environment and make sure the user consents to them; confirm by requesting "openid fhirUser" alone.',
    causes: [
      'the app registration in this environment lacks OpenID Connect or the profile/fhirUser scope',
      'the user (or test persona) did not consent to the identity scopes',
      'a sandbox configured differently from production',
    ],
    spec: 'smart-identity-scopes',
  });
}

/** fhirUser/profile not granted while openid was (or was not asked): no user identity claim. */
export function identityScopeDropped(c: ScopeComparison): Finding | undefined {
  if (droppedKinds(c, ['openid']).length > 0) return undefined; // said by openid-scope-dropped
  const dropped = droppedKinds(c, ['fhirUser', 'profile']);
  if (dropped.length === 0) return undefined;
  const stillGranted = ['fhirUser', 'profile'].filter((s) => grantedHas(c, s));
  const names = dropped.map((e) => e.scope);
  const consequence = stillGranted.length > 0
    ? `"${stillGranted.join('" and "')}" was granted, so the id_token still names the user through that claim; code reading the ${plainAll(names)} claim will find nothing.`
    : `So: ${SIMPLE_CONSEQUENCE.fhirUser}.`;
  return makeFinding({
    id: 'identity-scope-dropped',
    severity: stillGranted.length > 0 ? 'warning' : 'error',
    title: `${plainAll(names)} ${names.length === 1 ? 'was' : 'were'} requested but not granted: no user identity claim`,
    detail: `requested ${quoteAll(names)}; expected in the granted scope, got ${quoteScopeString(c.granted)}.\n${consequence}`,
    fix: 'Allow the fhirUser (SMART v2) or profile (v1) scope in the app\'s registration, and make sure the user consents to it.',
    spec: 'smart-fhiruser',
  });
}

/** fhirUser/profile requested without openid: the claim travels in an id_token that will not come. */
export function identityScopeWithoutOpenid(c: ScopeComparison, census: ScopeCensus = censusOf(c.requested)): Finding | undefined {
  const requested = census.identity;
  if (requested.length === 0 || census.openid) return undefined;
  const names = [...new Set(requested.map((s) => s.raw))];
  return makeFinding({
    id: 'identity-scope-without-openid',
    severity: 'warning',
    title: `${plainAll(names)} requested without openid: the identity claim has no id_token to travel in`,
    detail: `requested ${quoteAll(names)} but not "openid"; the ${plainAll(names)} claim is only sent inside an id_token, which needs "openid".`,
    fix: 'Add "openid" to the requested scope.',
    spec: 'smart-identity-scopes',
  });
}

/** launch, launch/patient, launch/encounter not granted: no context. */
export function launchContextScopeDropped(c: ScopeComparison): Finding | undefined {
  const dropped = droppedKinds(c, ['launch', 'launch-context']);
  if (dropped.length === 0) return undefined;
  const line = (e: ScopeComparisonEntry): string =>
    e.parsed.kind === 'launch-context' ? `"${e.scope}": ${launchContextConsequence(e.parsed.context)}` : `"${e.scope}": ${SIMPLE_CONSEQUENCE.launch}`;
  const names = dropped.map((e) => e.scope);
  return makeFinding({
    id: 'launch-context-scope-dropped',
    severity: 'error',
    title: `${plainAll(names)} ${names.length === 1 ? 'was' : 'were'} requested but not granted: no launch context`,
    detail: `expected ${quoteAll(names)} in the granted scope, got ${quoteScopeString(c.granted)}:\n${bulleted(dropped, line)}`,
    fix: 'Allow the launch scopes in the app\'s registration. EHR launch: request "launch" and send the launch parameter the EHR gave you. Standalone: request "launch/patient" so the server runs a patient picker.',
    spec: 'smart-launch-context',
  });
}

/** Neither offline_access nor online_access granted: no refresh token. */
export function refreshScopeDropped(c: ScopeComparison): Finding | undefined {
  const dropped = droppedKinds(c, ['offline_access', 'online_access']);
  if (dropped.length === 0) return undefined;
  const names = dropped.map((e) => e.scope);
  return makeFinding({
    id: 'refresh-scope-dropped',
    severity: 'warning',
    title: `${plainAll(names)} ${names.length === 1 ? 'was' : 'were'} requested but not granted: no refresh token`,
    detail: `expected ${quoteAll(names)} in the granted scope, got ${quoteScopeString(c.granted)}.\nSo: ${SIMPLE_CONSEQUENCE.offline_access}.`,
    fix: 'Allow offline_access (or online_access) in the app\'s registration; some servers also require the app to be registered as confidential to receive refresh tokens.',
    spec: 'smart-refresh-scopes',
  });
}

/** Resource scopes not granted at all: name the calls that will fail. */
export function resourceScopeDropped(c: ScopeComparison): Finding | undefined {
  const dropped = droppedKinds(c, ['resource']);
  if (dropped.length === 0) return undefined;
  const line = (e: ScopeComparisonEntry): string => `"${e.scope}": ${resourceConsequence(e.parsed as ResourceScope, (e.parsed as ResourceScope).permissions)}`;
  return makeFinding({
    id: 'scope-dropped',
    severity: 'error',
    title: `${dropped.length} requested resource scope${dropped.length === 1 ? ' was' : 's were'} not granted: those FHIR calls will be refused`,
    detail: `requested but absent from the granted scope (nothing granted covers them):\n${bulleted(dropped, line)}`,
    fix: 'Allow these scopes in the app\'s registration (and check the user consented to them), or make the app cope without them: SMART lets a server grant less than asked, and the granted scope is the one to trust.',
    spec: 'smart-scopes-v2',
  });
}

/** Resource scopes granted only in part: name the calls that will fail. */
export function resourceScopeNarrowed(c: ScopeComparison): Finding | undefined {
  const narrowed = classified(c, 'narrowed');
  if (narrowed.length === 0) return undefined;
  const line = (e: ScopeComparisonEntry): string => {
    const granted = e.grantedAs.length > 0 ? ` (granted ${e.grantedAs.map((g) => `"${g}"`).join(', ')}${e.grantedAsMore !== undefined ? ` and ${e.grantedAsMore} more` : ''})` : '';
    if (e.parsed.kind === 'resource') {
      const missing = e.missing ?? '';
      const cost = missing !== '' ? resourceConsequence(e.parsed, missing) : 'calls outside the narrower grant will get 403 (some servers answer 401)';
      const partly = e.note !== undefined && e.note.includes('only narrower') ? ' outside the narrower grant' : '';
      return `"${e.scope}"${granted}: ${cost}${partly}`;
    }
    return `"${e.scope}"${granted}: ${e.note ?? 'granted in a narrower form'}`;
  };
  return makeFinding({
    id: 'scope-narrowed',
    severity: 'warning',
    title: `${narrowed.length} requested scope${narrowed.length === 1 ? ' was' : 's were'} granted only in part`,
    detail: `expected the requested permissions, got fewer:\n${bulleted(narrowed, line)}`,
    fix: 'Make the app read the granted scope and skip what it does not allow, or ask the server administrator to allow the full scope for this app.',
    spec: 'smart-scopes-v2',
  });
}

/** Granted more than asked for a requested scope. */
export function resourceScopeWidened(c: ScopeComparison): Finding | undefined {
  const widened = classified(c, 'widened');
  if (widened.length === 0) return undefined;
  const line = (e: ScopeComparisonEntry): string =>
    `"${e.scope}": ${e.note ?? `granted as ${e.grantedAs.map((g) => `"${g}"`).join(', ')}`}${e.extra !== undefined ? ` (extra permissions "${e.extra}")` : ''}`;
  return makeFinding({
    id: 'scope-widened',
    severity: 'warning',
    title: `${widened.length} requested scope${widened.length === 1 ? ' was' : 's were'} granted more widely than asked`,
    detail: `expected the requested permissions, got more:\n${bulleted(widened, line)}`,
    fix: 'Nothing breaks, but the token can do more than the app needs: if that is not intended, narrow the scopes allowed for the app in its registration (least privilege).',
    spec: 'smart-scopes-v2',
  });
}

/** Granted scopes nobody asked for. */
export function scopeAdded(c: ScopeComparison): Finding | undefined {
  const added = classified(c, 'added');
  if (added.length === 0) return undefined;
  return makeFinding({
    id: 'scope-added',
    severity: 'info',
    title: `${added.length} scope${added.length === 1 ? ' was' : 's were'} granted without being requested`,
    detail: `not in the requested scope, but granted:\n${bulleted(added, (e) => `"${e.scope}"`)}`,
    fix: 'Usually harmless (servers may add scopes from the registration); if the token should not carry them, remove them from the app\'s registration.',
    spec: 'smart-scopes',
  });
}

// ---- lints of the scopes themselves ---------------------------------------------

function malformedOn(side: 'requested' | 'granted', census: ScopeCensus): Finding | undefined {
  const seen = new Set<string>();
  const bad: MalformedScope[] = [];
  for (const s of census.malformed) {
    if (seen.has(s.raw)) continue;
    seen.add(s.raw);
    bad.push(s);
  }
  if (bad.length === 0) return undefined;
  return makeFinding({
    id: 'scope-malformed',
    severity: side === 'requested' ? 'error' : 'warning',
    title: `${bad.length} ${side} scope${bad.length === 1 ? ' is' : 's are'} not valid SMART scope syntax`,
    detail: bulleted(bad, (m) => `"${m.raw}": ${m.reason}`),
    fix: side === 'requested'
      ? 'Correct the scope: servers answer invalid_scope (or silently drop it). SMART v1: patient/Observation.read; v2: patient/Observation.rs.'
      : 'The server granted a scope that is not valid SMART syntax; report it to the server\'s maintainers and do not rely on it.',
    spec: 'smart-scopes-v2',
  });
}

/** Requested scopes that are not valid SMART syntax. */
export function requestedScopeMalformed(requested: readonly Scope[], census: ScopeCensus = censusOf(requested)): Finding | undefined {
  return malformedOn('requested', census);
}

/** Scopes written more than once, with their counts. */
function duplicatesOf(scopes: readonly Scope[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const s of scopes) counts.set(s.raw, (counts.get(s.raw) ?? 0) + 1);
  if (counts.size === scopes.length) return [];
  return [...counts].filter(([, n]) => n > 1);
}

/** The same scope written more than once (`dups` when already counted, as compareScopes does). */
export function scopeDuplicate(requested: readonly Scope[], dups: ReadonlyArray<[string, number]> = duplicatesOf(requested)): Finding | undefined {
  if (dups.length === 0) return undefined;
  return makeFinding({
    id: 'scope-duplicate',
    severity: 'warning',
    title: `${dups.length} requested scope${dups.length === 1 ? ' is' : 's are'} repeated`,
    detail: `expected each scope once, got:\n${bulleted(dups, ([raw, n]) => `"${raw}" ${n} times`)}`,
    fix: 'Remove the repeats; some servers reject a scope parameter with duplicates, and long scope strings push the authorize URL towards length limits.',
    spec: 'smart-scopes',
  });
}

/** v1 (.read/.write/.*) and v2 (cruds letters) in the same request. */
export function scopeSyntaxMixed(requested: readonly Scope[], census: ScopeCensus = censusOf(requested)): Finding | undefined {
  // Counts, and the first three of each as samples.
  const { v1, v2 } = census;
  if (v1.n === 0 || v2.n === 0) return undefined;
  const sample = (list: SyntaxSample): string => `${list.sample.map((r) => `"${r}"`).join(', ')}${list.n > 3 ? ` and ${list.n - 3} more` : ''}`;
  return makeFinding({
    id: 'scope-syntax-mixed',
    severity: 'warning',
    title: 'the request mixes SMART v1 and v2 scope syntax',
    detail: `${v1.n} v1 scope${v1.n === 1 ? '' : 's'} (${sample(v1)}) and ${v2.n} v2 scope${v2.n === 1 ? '' : 's'} (${sample(v2)}); a v1-only server rejects the v2 ones (invalid_scope), and some v2 servers reject v1.`,
    fix: 'Use one syntax: v2 (.rs, .cud, .cruds) when the server\'s smart-configuration lists the "permission-v2" capability, else v1 (.read, .write, .*).',
    spec: 'smart-scopes-v1-v2',
  });
}

/** system/ scopes belong to backend services, not to a user's launch. */
export function systemScopeInUserRequest(requested: readonly Scope[], options: ScopeFindingOptions = {}, census: ScopeCensus = censusOf(requested)): Finding | undefined {
  const userFacing = options.userFacing ?? census.userFacing;
  if (!userFacing) return undefined;
  const system = [...new Set(census.system)];
  if (system.length === 0) return undefined;
  return makeFinding({
    id: 'system-scope-in-user-request',
    severity: 'error',
    title: 'system/ scopes in a user-facing request',
    detail: `expected patient/ or user/ scopes in an app launch, got ${system.length} system/ scope${system.length === 1 ? '' : 's'}:\n${bulleted(system, (r) => `"${r}"`)}\nsystem/ scopes are for backend services (client_credentials); servers answer invalid_scope or drop them.`,
    fix: 'Replace system/ with user/ (what the signed-in user may see) or patient/ (the launch patient), or move this access to a backend-services client.',
    spec: 'smart-backend-services',
  });
}

/** Lints of a requested scope list on its own (before any grant): for `launch` and `explain --url` too. */
export function lintRequestedScopes(requested: readonly Scope[], options: ScopeFindingOptions = {}, dups?: ReadonlyArray<[string, number]>): Finding[] {
  return lintsOf(requested, options, dups, censusOf(requested));
}

function lintsOf(requested: readonly Scope[], options: ScopeFindingOptions, dups: ReadonlyArray<[string, number]> | undefined, census: ScopeCensus): Finding[] {
  return [requestedScopeMalformed(requested, census), scopeDuplicate(requested, dups), scopeSyntaxMixed(requested, census), systemScopeInUserRequest(requested, options, census)].filter(
    (f): f is Finding => f !== undefined,
  );
}

/** Every finding from a requested vs granted comparison, including the requested-scope lints. */
export function scopeFindings(comparison: ScopeComparison, options: ScopeFindingOptions = {}): Finding[] {
  const requested = censusOf(comparison.requested);
  return [
    openidScopeDropped(comparison),
    identityScopeDropped(comparison),
    launchContextScopeDropped(comparison),
    resourceScopeDropped(comparison),
    refreshScopeDropped(comparison),
    resourceScopeNarrowed(comparison),
    resourceScopeWidened(comparison),
    identityScopeWithoutOpenid(comparison, requested),
    scopeAdded(comparison),
    malformedOn('granted', censusOf(comparison.granted)),
    ...lintsOf(
      comparison.requested,
      options,
      comparison.duplicates.filter((d) => d.side === 'requested').map((d): [string, number] => [d.scope, d.count]),
      requested,
    ),
  ].filter((f): f is Finding => f !== undefined);
}
