// The human renderer: sections, findings, then a one-line verdict. It decides
// nothing: the colour choice and verbosity come in as arguments.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, FindingRole, Severity } from '../finding.js';
import type { Report, ReportSection } from '../report.js';
import { headerValue, type HttpExchange, type TraceEntry, type TraceEvent } from '../trace.js';

export interface HumanRenderOptions {
  color: boolean;
  verbose: boolean;
  quiet: boolean;
}

const MARK: Record<Severity, string> = { error: '✖', warning: '▲', info: 'ℹ' };
const ROLE_LABEL: Record<FindingRole, string> = { 'root-cause': 'root cause', contributing: 'contributing', 'also-noticed': 'also noticed', unexplained: 'cannot tell' };

function severityStyle(c: ChalkInstance, severity: Severity): (text: string) => string {
  if (severity === 'error') return c.red;
  if (severity === 'warning') return c.yellow;
  return c.cyan;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? prefix + line : line))
    .join('\n');
}

function renderSection(c: ChalkInstance, section: ReportSection): string {
  const out: string[] = [c.bold(section.title)];
  if (section.rows !== undefined && section.rows.length > 0) {
    const width = Math.min(40, Math.max(...section.rows.map(([label]) => label.length)));
    for (const [label, value] of section.rows) {
      const [first = '', ...rest] = value.split('\n');
      out.push(`  ${c.dim(label.padEnd(width))}  ${first}`);
      for (const line of rest) out.push(`  ${' '.repeat(width)}  ${line}`);
    }
  }
  for (const line of section.lines ?? []) out.push(`  ${line}`);
  if (section.code !== undefined) out.push(indent(section.code, '    '));
  return out.join('\n');
}

export function renderFinding(c: ChalkInstance, finding: Finding): string {
  const style = severityStyle(c, finding.severity);
  const role = finding.role === undefined ? '' : ` ${c.dim(`(${ROLE_LABEL[finding.role]})`)}`;
  const out = [`${style(`${MARK[finding.severity]} ${finding.severity}`)}${role} ${c.bold(finding.title)} ${c.dim(`[${finding.id}]`)}`];
  out.push(indent(finding.detail, '    '));
  if (finding.causes !== undefined && finding.causes.length > 0) {
    out.push('    Likely causes, most likely first:');
    finding.causes.forEach((cause, i) => out.push(indent(`${i + 1}. ${cause}`, '      ')));
  }
  if (finding.fix !== undefined) out.push(indent(`${c.green('fix:')} ${finding.fix}`, '    '));
  if (finding.spec !== undefined) out.push(`    ${c.dim(`spec: ${finding.spec}`)}`);
  if (finding.exchanges !== undefined && finding.exchanges.length > 0) {
    out.push(`    ${c.dim(`seen in: ${finding.exchanges.map((id) => `#${id}`).join(', ')}`)}`);
  }
  return out.join('\n');
}

function statusStyle(c: ChalkInstance, status: number): (text: string) => string {
  if (status >= 500) return c.red;
  if (status >= 400) return c.yellow;
  if (status >= 300) return c.cyan;
  return c.green;
}

function exchangeLine(c: ChalkInstance, e: HttpExchange): string {
  const result =
    e.error !== undefined
      ? c.red(`failed: ${e.error.code}`)
      : e.response !== undefined
        ? statusStyle(c, e.response.status)(String(e.response.status))
        : c.dim('no response');
  return `#${e.id} ${c.dim(e.step)} ${e.request.method} ${e.request.url} → ${result} ${c.dim(`(${Math.round(e.durationMs)} ms)`)}`;
}

function headerLines(headers: Record<string, string | string[]>): string[] {
  return Object.entries(headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
}

function prettyBody(body: string, headers: Record<string, string | string[]>): string {
  const type = headerValue(headers, 'content-type') ?? '';
  if (type.includes('json') || /^\s*[{[]/.test(body)) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      return body;
    }
  }
  return body;
}

const BODY_LIMIT = 4000;

function exchangeDetail(c: ChalkInstance, e: HttpExchange): string {
  const out = [exchangeLine(c, e)];
  out.push(indent(headerLines(e.request.headers).join('\n'), `    ${c.dim('>')} `));
  if (e.request.body !== undefined && e.request.body !== '') out.push(indent(e.request.body, '    '));
  if (e.response !== undefined) {
    out.push(indent(headerLines(e.response.headers).join('\n'), `    ${c.dim('<')} `));
    let body = prettyBody(e.response.body, e.response.headers);
    if (body.length > BODY_LIMIT) body = `${body.slice(0, BODY_LIMIT)}\n… (${body.length - BODY_LIMIT} more characters)`;
    if (body !== '') out.push(indent(body, '    '));
  }
  if (e.error !== undefined) out.push(`    ${c.red(e.error.message)}`);
  return out.join('\n');
}

function eventLine(c: ChalkInstance, e: TraceEvent): string {
  return `#${e.id} ${c.dim(e.name)} ${e.message}`;
}

function renderTrace(c: ChalkInstance, trace: readonly TraceEntry[], verbose: boolean): string {
  const lines = trace.map((entry) => {
    if (entry.type === 'event') return eventLine(c, entry);
    return verbose ? exchangeDetail(c, entry) : exchangeLine(c, entry);
  });
  return `${c.bold('Trace')}\n${indent(lines.join('\n'), '  ')}`;
}

export function renderHuman(report: Report, options: HumanRenderOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const blocks: string[] = [];
  if (!options.quiet) {
    for (const section of report.sections) blocks.push(renderSection(c, section));
    if (report.trace !== undefined && report.trace.length > 0) blocks.push(renderTrace(c, report.trace, options.verbose));
  }
  const shown = options.quiet ? report.findings.filter((f) => f.severity !== 'info') : report.findings;
  if (shown.length > 0) {
    blocks.push(`${c.bold(`Findings (${shown.length})`)}\n${shown.map((f) => indent(renderFinding(c, f), '  ')).join('\n\n')}`);
  }
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const verdict = report.ok ? c.green(`✔ ${report.summary ?? 'done'} (${counts})`) : c.red(`✖ ${report.summary ?? 'problems found'} (${counts})`);
  blocks.push(verdict);
  return `${blocks.join('\n\n')}\n`;
}
