// The check report's human sections and JSON data, from the results. One line per test
// (✔ pass, ✖ fail, ▲ warn, ○ skip) under its group; a failing or warning test names its
// findings, which the report's Findings block then expands. Pure: no clock, no I/O.
import { mergeFindings } from '../diagnose/index.js';
import type { Finding } from '../report/finding.js';
import type { ReportSection } from '../report/report.js';
import { GROUPS, GROUP_TITLES, type CheckSummary, type Outcome, type TestResult } from './types.js';

export const MARKS: Record<Outcome, string> = { pass: '✔', fail: '✖', warn: '▲', skip: '○' };

export function testLine(r: TestResult): string {
  const ids = r.findings.filter((f) => f.severity !== 'info').map((f) => f.id);
  const tail = r.result === 'skip' ? ` — skipped: ${r.reason ?? ''}` : (r.result === 'fail' || r.result === 'warn') && ids.length > 0 ? ` → ${[...new Set(ids)].join(', ')}` : r.reason !== undefined ? ` (${r.reason})` : '';
  return `${MARKS[r.result]} ${r.id}  ${r.title}${tail}`;
}

export function checkSections(results: readonly TestResult[]): ReportSection[] {
  return GROUPS.map((g) => ({ group: g, tests: results.filter((r) => r.group === g) }))
    .filter((s) => s.tests.length > 0)
    .map((s) => ({ title: GROUP_TITLES[s.group], lines: s.tests.map(testLine) }));
}

export function summaryLine(summary: CheckSummary, durationMs: number): string {
  return `check: ${summary.passed} passed, ${summary.failed} failed, ${summary.warned} warned, ${summary.skipped} skipped in ${(durationMs / 1000).toFixed(1)} s`;
}

/** The report's findings: those of the failing and warning tests, one per problem. */
export function reportFindings(results: readonly TestResult[]): Finding[] {
  return mergeFindings(...results.filter((r) => r.result === 'fail' || r.result === 'warn').map((r) => r.findings.map((f) => ({ ...f, title: `${r.id}: ${f.title}` }))));
}
