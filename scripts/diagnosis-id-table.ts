// The README table of diagnosis ids by phase, from the rules' own metadata.
import { CATALOG } from '../src/diagnose/catalog.js';
import type { Phase } from '../src/diagnose/rule.js';

const PHASES: readonly Phase[] = ['discovery', 'authorize', 'token', 'client-assertion', 'id-token', 'refresh', 'fhir', 'scopes'];
const START = '<!-- diagnosis-ids -->';
const END = '<!-- /diagnosis-ids -->';

export function diagnosisIdTable(): string {
  const rows = ['| phase | finding ids | failure-catalog entries |', '| --- | --- | --- |'];
  for (const phase of PHASES) {
    for (const rule of CATALOG.filter((r) => r.phase === phase)) {
      const ids = [rule.id, ...(rule.siblings ?? [])].map((id) => `\`${id}\``).join(', ');
      rows.push(`| ${phase} | ${ids} | ${rule.catalog.length === 0 ? '—' : rule.catalog.join(', ')} |`);
    }
  }
  rows.push('| any | `unknown-failure` (something failed and no rule explains it), `nothing-recognised` (nothing failed, nothing matched) | — |');
  return `${rows.join('\n')}\n`;
}

export function replaceIdTable(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} block`);
  return `${readme.slice(0, a + START.length)}\n${diagnosisIdTable()}${readme.slice(b)}`;
}
