// diagnose(evidence): runs the catalog, merges findings by id (a run never reports one
// problem twice; the richer finding — more causes, longer detail — wins, keeping the
// strongest role either had), then ranks them by what explains the failure (rank.ts).
import type { Finding, FindingRole } from '../report/finding.js';
import { CATALOG } from './catalog.js';
import type { Evidence } from './evidence.js';
import { rank } from './rank.js';
import type { RuleOptions } from './rule.js';

export { evidenceFromSaved, evidenceFromTrace, type Evidence, type RunContext, type SavedInput } from './evidence.js';

function richness(f: Finding): number {
  return (f.causes?.length ?? 0) * 1000 + f.detail.length;
}

const ROLE_STRENGTH: Record<FindingRole, number> = { 'root-cause': 3, contributing: 2, unexplained: 1, 'also-noticed': 0 };

function strongerRole(a: Finding, b: Finding): Pick<Finding, 'role' | 'basis'> {
  const sa = a.role === undefined ? -1 : ROLE_STRENGTH[a.role];
  const sb = b.role === undefined ? -1 : ROLE_STRENGTH[b.role];
  const w = sb > sa ? b : a;
  return { role: w.role, basis: w.basis };
}

/** Findings from several sources, one per id (first position kept, richer content wins, stronger role kept). */
export function mergeFindings(...lists: ReadonlyArray<readonly Finding[]>): Finding[] {
  const byId = new Map<string, Finding>();
  const order: string[] = [];
  for (const f of lists.flat()) {
    const key = `${f.id}\u0000${f.id.startsWith('fhir-403') ? f.title : ''}`;
    const seen = byId.get(key);
    if (seen === undefined) {
      byId.set(key, f);
      order.push(key);
    } else {
      const content = richness(f) > richness(seen) ? f : seen;
      const role = strongerRole(seen, f);
      byId.set(key, role.role === undefined ? content : { ...content, ...role });
    }
  }
  return order.map((k) => byId.get(k)).filter((f): f is Finding => f !== undefined);
}

/**
 * Every rule over the evidence, plus findings the caller already has (protocol lints of the
 * run, a scope diff), merged and ranked. The first finding explains the failure or says it cannot.
 */
export function diagnose(evidence: Evidence, options: RuleOptions, extra: readonly Finding[] = []): Finding[] {
  let lints = extra;
  const found: Finding[] = [];
  for (const rule of CATALOG) {
    let findings = rule.diagnose(evidence, options);
    const replaces = rule.replaces;
    if (findings.length > 0 && replaces !== undefined) {
      // The rule's finding takes the place of the lint, and the stronger role of the two (check makes a failed test's error its root cause).
      const replaced = lints.filter((f) => replaces(f));
      lints = lints.filter((f) => !replaces(f));
      findings = findings.map((f, i) => (i > 0 ? f : replaced.reduce<Finding>((acc, lint) => ({ ...acc, ...strongerRole(acc, lint) }), f)));
    }
    found.push(...findings);
  }
  return rank(mergeFindings(lints, found), evidence);
}
