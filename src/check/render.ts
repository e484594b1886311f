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

/** The exchanges behind a failing or warning test, one line each, under its line. */
export function exchangeLines(r: TestResult): string[] {
  if (r.result !== 'fail' && r.result !== 'warn') return [];
  return r.exchanges.map((e) => `    #${e.id} ${e.step} ${e.request.method} ${e.request.url.length > 120 ? `${e.request.url.slice(0, 117)}...` : e.request.url} → ${e.response?.status ?? e.error?.code ?? 'no response'}`);
}

export function checkSections(results: readonly TestResult[]): ReportSection[] {
  return GROUPS.map((g) => ({ group: g, tests: results.filter((r) => r.group === g) }))
    .filter((s) => s.tests.length > 0)
    .map((s) => ({ title: GROUP_TITLES[s.group], lines: s.tests.flatMap((r) => [testLine(r), ...exchangeLines(r)]) }));
}

export function summaryLine(summary: CheckSummary, durationMs: number): string {
  return `check: ${summary.passed} passed, ${summary.failed} failed, ${summary.warned} warned, ${summary.skipped} skipped in ${(durationMs / 1000).toFixed(1)} s`;
}

/** The report's findings: those of the failing and warning tests, one per problem. */
export function reportFindings(results: readonly TestResult[]): Finding[] {
  return mergeFindings(...results.filter((r) => r.result === 'fail' || r.result === 'warn').map((r) => r.findings.map((f) => ({ ...f, title: `${r.id}: ${f.title}` }))));
}
