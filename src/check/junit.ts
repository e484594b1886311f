// JUnit XML for CI (GitHub Actions, GitLab, Jenkins): one testsuite per group, one
// testcase per test; a failure carries the finding's title and detail, a skip its
// reason, system-out the test's (already redacted) exchanges. Pure: the time comes in.
import { GROUPS, GROUP_TITLES, type TestResult } from './types.js';
import type { HttpExchange } from '../report/trace.js';

/** XML 1.0 text: escaped, and without the control characters XML cannot carry. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlText(String(v))}"`)
    .join('');
}

function exchangeText(e: HttpExchange): string {
  const lines = [`#${e.id} ${e.step} ${e.request.method} ${e.request.url} → ${e.response?.status ?? e.error?.code ?? 'no response'} (${Math.round(e.durationMs)} ms)`];
  for (const [k, v] of Object.entries(e.request.headers)) lines.push(`  > ${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
  if (e.request.body !== undefined && e.request.body !== '') lines.push(`  > ${e.request.body}`);
  if (e.response !== undefined) {
    for (const [k, v] of Object.entries(e.response.headers)) lines.push(`  < ${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
    if (e.response.body !== '') lines.push(`  < ${e.response.body.slice(0, 2000)}${e.response.body.length > 2000 ? ' …' : ''}`);
  }
  if (e.error !== undefined) lines.push(`  ! ${e.error.message}`);
  return lines.join('\n');
}

function testcase(r: TestResult): string {
  const head = `    <testcase${attrs({ name: `${r.id}: ${r.title}`, classname: `smartctl.check.${r.group}`, time: (r.durationMs / 1000).toFixed(3) })}`;
  const body: string[] = [];
  if (r.result === 'fail') {
    const first = r.findings.find((f) => f.severity === 'error') ?? r.findings[0];
    const message = first === undefined ? 'failed' : `${first.id}: ${first.title}`;
    const detail = r.findings.map((f) => `[${f.id}] ${f.title}\n${f.detail}${f.fix !== undefined ? `\nfix: ${f.fix}` : ''}${f.spec !== undefined ? `\nspec: ${f.spec}` : ''}`).join('\n\n');
    body.push(`      <failure${attrs({ message, type: first?.id ?? 'fail' })}>${xmlText(detail)}</failure>`);
  } else if (r.result === 'skip') {
    body.push(`      <skipped${attrs({ message: r.reason ?? 'skipped' })}/>`);
  }
  const out = [r.result === 'warn' ? `result: warn\n${r.findings.map((f) => `[${f.id}] ${f.title}: ${f.detail}`).join('\n')}` : '', ...r.exchanges.map(exchangeText)].filter((s) => s !== '').join('\n');
  if (out !== '') body.push(`      <system-out>${xmlText(out)}</system-out>`);
  return body.length === 0 ? `${head}/>` : `${head}>\n${body.join('\n')}\n    </testcase>`;
}

export function renderJunit(results: readonly TestResult[], o: { name: string; now: Date }): string {
  const suites = GROUPS.map((g) => ({ g, tests: results.filter((r) => r.group === g) })).filter((s) => s.tests.length > 0);
  const count = (rs: readonly TestResult[], k: TestResult['result']): number => rs.filter((r) => r.result === k).length;
  const time = (rs: readonly TestResult[]): string => (rs.reduce((t, r) => t + r.durationMs, 0) / 1000).toFixed(3);
  const timestamp = o.now.toISOString().replace(/\.\d{3}Z$/, '');
  const lines = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites${attrs({ name: o.name, tests: results.length, failures: count(results, 'fail'), errors: 0, skipped: count(results, 'skip'), time: time(results) })}>`];
  suites.forEach((s, i) => {
    lines.push(`  <testsuite${attrs({ name: `${s.g}: ${GROUP_TITLES[s.g]}`, tests: s.tests.length, failures: count(s.tests, 'fail'), errors: 0, skipped: count(s.tests, 'skip'), time: time(s.tests), timestamp, hostname: 'smartctl', id: i, package: 'smartctl.check' })}>`);
    lines.push('    <properties/>');
    for (const r of s.tests) lines.push(testcase(r));
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
