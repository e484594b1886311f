// diagnose(evidence): runs the catalog and merges findings by id, so a run never
// reports one problem twice (the richer finding — more causes, longer detail — wins).
import type { Finding } from '../report/finding.js';
import { CATALOG } from './catalog.js';
import type { Evidence } from './evidence.js';
import type { RuleOptions } from './rule.js';

export { evidenceFromSaved, evidenceFromTrace, type Evidence, type RunContext, type SavedInput } from './evidence.js';

function richness(f: Finding): number {
  return (f.causes?.length ?? 0) * 1000 + f.detail.length;
}

/** Findings from several sources, one per id (first position kept, richer content wins). */
export function mergeFindings(...lists: ReadonlyArray<readonly Finding[]>): Finding[] {
  const byId = new Map<string, Finding>();
  const order: string[] = [];
  for (const f of lists.flat()) {
    const key = `${f.id}\u0000${f.id.startsWith('fhir-403') ? f.title : ''}`;
    const seen = byId.get(key);
    if (seen === undefined) {
      byId.set(key, f);
      order.push(key);
    } else if (richness(f) > richness(seen)) byId.set(key, f);
  }
  return order.map((k) => byId.get(k)).filter((f): f is Finding => f !== undefined);
}

export function diagnose(evidence: Evidence, options: RuleOptions): Finding[] {
  return mergeFindings(CATALOG.flatMap((rule) => rule.diagnose(evidence, options)));
}
