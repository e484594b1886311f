// The human renderer: sections, findings, then a one-line verdict. It decides
// nothing: the colour choice and verbosity come in as arguments.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, FindingRole, Severity } from '../finding.js';
import type { Report, ReportSection } from '../report.js';
import { SECTION_LINES_SHOWN } from '../view-limits.js';
import { headerValue, type HttpExchange, type TraceEntry, type TraceEvent } from '../trace.js';
import { clip, groupDigits, safeLine, safeText } from './terminal-text.js';

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

/** Long lists (a document with 400 000 capabilities) are shown in part, with a count. */
const MAX_ITEMS = 200;
/** Characters of one value, one line or one finding text shown before it is cut. */
const MAX_VALUE = 4000;
/** Characters of a verbatim block (a pretty-printed document, an assertion). */
const MAX_CODE = 100_000;

function moreLine(total: number, shown: number): string {
  return `… and ${groupDigits(total - shown)} more`;
}

/** Server and user text as it may be shown: control characters escaped, length bounded. */
function text(value: string, max = MAX_VALUE): string {
  return safeText(clip(value, max));
}

function line(value: string, max = MAX_VALUE): string {
  return safeLine(clip(value, max));
}

function renderSection(c: ChalkInstance, section: ReportSection): string {
  const out: string[] = [c.bold(line(section.title))];
  const rows = section.rows ?? [];
  if (rows.length > 0) {
    const shown = rows.slice(0, MAX_ITEMS).map(([label, value]): [string, string] => [line(label, 200), text(value)]);
    // A loop, not Math.max(...rows): spreading 400 000 rows overflows the stack.
    let width = 0;
    for (const [label] of shown) width = Math.max(width, label.length);
    width = Math.min(40, width);
    for (const [label, value] of shown) {
      const [first = '', ...rest] = value.split('\n');
      out.push(`  ${c.dim(label.padEnd(width))}  ${first}`);
      for (const l of rest) out.push(`  ${' '.repeat(width)}  ${l}`);
    }
    if (rows.length > shown.length) out.push(`  ${c.dim(moreLine(rows.length, shown.length))}`);
  }
  const lines = section.lines ?? [];
  const shownLines = lines.slice(0, SECTION_LINES_SHOWN);
  for (const l of shownLines) out.push(indent(text(l), '  '));
  const lineCount = Math.max(lines.length, section.lineCount ?? 0);
  if (lineCount > shownLines.length) out.push(`  ${c.dim(moreLine(lineCount, shownLines.length))}`);
  if (section.code !== undefined) out.push(indent(text(section.code, MAX_CODE), '    '));
  return out.join('\n');
}

export function renderFinding(c: ChalkInstance, finding: Finding): string {
  const style = severityStyle(c, finding.severity);
  const role = finding.role === undefined ? '' : ` ${c.dim(`(${ROLE_LABEL[finding.role]})`)}`;
  const out = [`${style(`${MARK[finding.severity]} ${finding.severity}`)}${role} ${c.bold(line(finding.title))} ${c.dim(`[${line(finding.id, 200)}]`)}`];
  out.push(indent(text(finding.detail), '    '));
  if (finding.causes !== undefined && finding.causes.length > 0) {
    out.push('    Likely causes, most likely first:');
    finding.causes.slice(0, MAX_ITEMS).forEach((cause, i) => out.push(indent(`${i + 1}. ${text(cause)}`, '      ')));
    if (finding.causes.length > MAX_ITEMS) out.push(`      ${moreLine(finding.causes.length, MAX_ITEMS)}`);
  }
  if (finding.fix !== undefined) out.push(indent(`${c.green('fix:')} ${text(finding.fix)}`, '    '));
  if (finding.spec !== undefined) out.push(`    ${c.dim(`spec: ${line(finding.spec)}`)}`);
  if (finding.exchanges !== undefined && finding.exchanges.length > 0) {
    const ids = finding.exchanges.slice(0, MAX_ITEMS).map((id) => `#${id}`).join(', ');
    out.push(`    ${c.dim(`seen in: ${ids}${finding.exchanges.length > MAX_ITEMS ? ` ${moreLine(finding.exchanges.length, MAX_ITEMS)}` : ''}`)}`);
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
  return `#${e.id} ${c.dim(line(e.step))} ${line(e.request.method)} ${line(e.request.url)} → ${result} ${c.dim(`(${Math.round(e.durationMs)} ms)`)}`;
}

function headerLines(headers: Record<string, string | string[]>): string[] {
  return Object.entries(headers).map(([k, v]) => line(`${k}: ${Array.isArray(v) ? v.join(', ') : v}`));
}

function prettyBody(body: string, headers: Record<string, string | string[]>): string {
  const type = headerValue(headers, 'content-type') ?? '';
  if (body.length <= MAX_CODE && (type.includes('json') || /^\s*[{[]/.test(body))) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // not JSON, or nested too deep to print (RangeError): shown as received
      return body;
    }
  }
  return body;
}

const BODY_LIMIT = 4000;

function exchangeDetail(c: ChalkInstance, e: HttpExchange): string {
  const out = [exchangeLine(c, e)];
  out.push(indent(headerLines(e.request.headers).join('\n'), `    ${c.dim('>')} `));
  if (e.request.body !== undefined && e.request.body !== '') out.push(indent(text(e.request.body, BODY_LIMIT), '    '));
  if (e.response !== undefined) {
    out.push(indent(headerLines(e.response.headers).join('\n'), `    ${c.dim('<')} `));
    let body = prettyBody(e.response.body, e.response.headers);
    if (body.length > BODY_LIMIT) body = `${body.slice(0, BODY_LIMIT)}\n… (${groupDigits(body.length - BODY_LIMIT)} more characters)`;
    if (body !== '') out.push(indent(safeText(body), '    '));
    if (e.response.truncated === true) out.push(`    ${c.yellow('the body exceeded the 10 MB cap and was truncated there')}`);
  }
  if (e.error !== undefined) out.push(`    ${c.red(line(e.error.message))}`);
  return out.join('\n');
}

function eventLine(c: ChalkInstance, e: TraceEvent): string {
  return `#${e.id} ${c.dim(line(e.name))} ${line(e.message)}`;
}

function renderTrace(c: ChalkInstance, trace: readonly TraceEntry[]): string {
  const lines = trace.slice(0, MAX_ITEMS * 5).map((entry) => (entry.type === 'event' ? eventLine(c, entry) : exchangeDetail(c, entry)));
  if (trace.length > MAX_ITEMS * 5) lines.push(c.dim(moreLine(trace.length, MAX_ITEMS * 5)));
  return `${c.bold('Trace')}\n${indent(lines.join('\n'), '  ')}`;
}

export function renderHuman(report: Report, options: HumanRenderOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const blocks: string[] = [];
  if (!options.quiet) {
    for (const section of report.sections) blocks.push(renderSection(c, section));
    // The trace (every exchange, in full) only with --verbose; else one line says it is there.
    if (report.trace !== undefined && report.trace.length > 0 && options.verbose) blocks.push(renderTrace(c, report.trace));
  }
  const shown = options.quiet ? report.findings.filter((f) => f.severity !== 'info') : report.findings;
  if (shown.length > 0) {
    const rendered = shown.slice(0, MAX_ITEMS).map((f) => indent(renderFinding(c, f), '  '));
    if (shown.length > MAX_ITEMS) rendered.push(`  ${c.dim(moreLine(shown.length, MAX_ITEMS))}`);
    blocks.push(`${c.bold(`Findings (${shown.length})`)}\n${rendered.join('\n\n')}`);
  }
  const exchanges = (report.trace ?? []).filter((e) => e.type === 'exchange').length;
  if (!options.verbose && !options.quiet && exchanges > 0) blocks.push(c.dim(`${groupDigits(exchanges)} HTTP exchange${exchanges === 1 ? '' : 's'} in the trace: --verbose shows them in full`));
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const summary = report.summary === undefined ? undefined : line(report.summary);
  const verdict = report.ok ? c.green(`✔ ${summary ?? 'done'} (${counts})`) : c.red(`✖ ${summary ?? 'problems found'} (${counts})`);
  blocks.push(verdict);
  return `${blocks.join('\n\n')}\n`;
}
