// The --report renderer: a Markdown document to paste into a vendor's forum or support
// ticket. A summary first (verdict, root cause, its fix), then the identifiers the vendor
// asks for, the environment, servers and client, findings, scopes, tokens, and the steps
// with their exchanges in collapsible <details> blocks, so it reads well on GitHub and in
// forums. Pure: the (redacted) report and the environment come in, text goes out.
//
// Server text is data. Outside code blocks every Markdown and HTML special character is
// backslash-escaped and newlines are shown as \n; inside <summary> (raw HTML) it is
// HTML-escaped; code blocks use a fence longer than any backtick run in their content.
// So no server string can open an HTML element, close a <details>, or end a table cell.
import type { Finding, FindingBasis, FindingRole } from '../finding.js';
import { asObject } from '../json-object.js';
import { compareScopes, type ScopeComparisonEntry } from '../../protocol/scopes/compare.js';
import { parseScopes } from '../../protocol/scopes/parse.js';
import { isoTime, relativeTime } from '../../protocol/jwt/time-claims.js';
import { reportCorrelationIds, type CorrelationId } from '../correlation.js';
import type { Report, ReportSection } from '../report.js';
import { stepsFromTrace, type Step } from '../steps.js';
import type { TokenView } from '../token-views.js';
import { headerValue, isExchange, type HeaderMap, type HttpExchange, type TraceEntry, type TraceEvent } from '../trace.js';
import { clip, groupDigits, safeLine, safeText } from './terminal-text.js';
import { REPORT_EXCHANGES_SHOWN } from '../view-limits.js';

export interface ReportEnvironment {
  smartctl: string;
  node: string;
  platform: string;
  release: string;
  arch: string;
  /** ISO time (UTC) the report was written. */
  generatedAt: string;
}

export interface MarkdownOptions {
  environment: ReportEnvironment;
  /** --show-secrets: the report says so at the top. */
  showSecrets: boolean;
  /** Decoded tokens (src/report/token-views.ts), already redacted unless showSecrets. */
  tokens?: readonly TokenView[] | undefined;
}

/** Characters of a body shown before it is cut. */
export const BODY_LIMIT = 4096;
const MAX_CELL = 500;
const MAX_TEXT = 4000;
const MAX_FINDINGS = 100;
const MAX_EXCHANGES = REPORT_EXCHANGES_SHOWN;
const MAX_ROWS = 200;

const ROLE_LABEL: Record<FindingRole, string> = { 'root-cause': 'root cause', contributing: 'contributing', 'also-noticed': 'also noticed', unexplained: 'cannot tell' };
const BASIS_LABEL: Record<FindingBasis, string> = { 'server-words': "the server's own words", 'request-shape': 'the shape of the request', circumstance: 'circumstance' };

// ---- escaping ------------------------------------------------------------------

/**
 * Markdown and HTML specials anywhere in a line ($ is math on GitHub; @ starts a mention
 * there, so a server's "@someone" pasted into an issue must not notify that person).
 */
const MD_SPECIAL = /[\\`*_[\]<>|~&#!$@]/g;

function escapeMd(line: string): string {
  const escaped = line.trimStart().replace(MD_SPECIAL, (c) => `\\${c}`);
  // What would open a list, a thematic break or a heading underline, or an ordered list, at the start of a line.
  return escaped.replace(/^([-+=])/, '\\$1').replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** One line of server or user text for a paragraph, a list item, a heading or a table cell. */
export function mdInline(text: string, max = MAX_CELL): string {
  return escapeMd(safeLine(clip(text, max)));
}

/** Text that may span lines (a finding's detail): each line escaped, lines kept as hard breaks, blank lines as paragraphs. */
export function mdText(text: string, max = MAX_TEXT): string {
  const paragraphs = safeText(clip(text, max))
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => escapeMd(l.trim()))
        .filter((l) => l !== '')
        .join('  \n'),
    )
    .filter((p) => p !== '');
  return paragraphs.join('\n\n');
}

/** For raw HTML (the <summary> line): entities, one line. */
export function htmlText(text: string, max = 300): string {
  return safeLine(clip(text, max)).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A fenced code block no content can close: the fence is longer than any backtick run inside. */
export function fence(content: string, info = ''): string {
  const text = safeText(content);
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const f = '`'.repeat(Math.max(3, longest + 1));
  return `${f}${info}\n${text}${text.endsWith('\n') ? '' : '\n'}${f}`;
}

/** An inline code span for our own short values (ids, names). */
function code(text: string): string {
  const value = safeLine(clip(text, 200));
  let longest = 0;
  for (const m of value.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const ticks = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${value.replace(/\|/g, '\\|')}${pad}${ticks}`;
}

/** A URL from our own tables (spec links) as an autolink; anything else as escaped text. */
function link(url: string): string {
  return /^https?:\/\/[^\s<>"`\\|]+$/.test(url) && url.length <= 500 ? `<${url}>` : mdInline(url);
}

function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
  const shown = rows.slice(0, MAX_ROWS);
  const out = [line(head), line(head.map(() => '---')), ...shown.map(line)];
  if (rows.length > shown.length) out.push('', `… and ${groupDigits(rows.length - shown.length)} more rows`);
  return out.join('\n');
}

/** A collapsible block GitHub renders: blank lines around the inner Markdown. */
function details(summary: string, body: string): string {
  return `<details>\n<summary>${htmlText(summary)}</summary>\n\n${body}\n\n</details>`;
}

// ---- facts from the report -----------------------------------------------------

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

interface TestLike {
  id: string;
  group: string;
  title: string;
  result: string;
  reason?: string | undefined;
  exchanges: HttpExchange[];
}

function checkTests(report: Report): TestLike[] {
  const tests = report.data['tests'];
  if (report.command !== 'check' || !Array.isArray(tests)) return [];
  return tests.flatMap((t) => {
    const r = asObject(t);
    if (r === undefined || typeof r['id'] !== 'string') return [];
    return [{ id: r['id'], group: String(r['group'] ?? ''), title: String(r['title'] ?? ''), result: String(r['result'] ?? ''), reason: str(r['reason']), exchanges: Array.isArray(r['exchanges']) ? (r['exchanges'] as HttpExchange[]) : [] }];
  });
}

/** The trace to show: the run's own, for check the exchanges of its failed and warned tests, else the report's exchange groups (explain --har). */
function runTrace(report: Report): TraceEntry[] {
  if (report.trace !== undefined) return report.trace;
  if (report.command !== 'check') return (report.exchangeGroups ?? []).flatMap((g) => g.exchanges);
  return checkTests(report)
    .filter((t) => t.result === 'fail' || t.result === 'warn')
    .flatMap((t) => t.exchanges.map((e) => ({ ...e, step: `${t.id}: ${e.step}` })));
}

function counts(report: Report): string {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

function runError(report: Report): { code: string; message: string; hint?: string | undefined } | undefined {
  const e = asObject(report.data['error']);
  return e === undefined ? undefined : { code: String(e['code'] ?? ''), message: String(e['message'] ?? ''), hint: str(e['hint']) };
}

/** The identifiers to name in the summary: those of the exchanges the top finding cites, else of the failed ones. */
function keyIdentifiers(ids: readonly CorrelationId[], top: Finding | undefined, trace: readonly TraceEntry[]): CorrelationId[] {
  const cited = new Set(top?.exchanges ?? []);
  const failed = new Set(trace.filter(isExchange).filter((e) => e.error !== undefined || (e.response?.status ?? 0) >= 400).map((e) => e.id));
  const pick = ids.filter((i) => i.exchange !== undefined && cited.has(i.exchange));
  const chosen = pick.length > 0 ? pick : ids.filter((i) => (i.status ?? 0) >= 400 || (i.exchange !== undefined && failed.has(i.exchange)));
  return (chosen.length > 0 ? chosen : ids).slice(0, 5);
}

function idWhere(id: CorrelationId): string {
  const where = [id.exchange !== undefined ? `exchange ${id.exchange}` : '', id.step ?? ''].filter((s) => s !== '').join(' ');
  return [where, id.at ?? (id.serverTime !== undefined ? `server time ${id.serverTime}` : '')].filter((s) => s !== '').join(', ');
}

// ---- sections ------------------------------------------------------------------

function summarySection(report: Report, o: MarkdownOptions, ids: readonly CorrelationId[], trace: readonly TraceEntry[]): string {
  const top = report.findings[0];
  const error = runError(report);
  const lines = [`- **Command:** ${code(`smartctl ${report.command}`)}`, `- **Verdict:** ${report.ok ? '**ok**' : '**failed**'} (${counts(report)})`];
  if (report.summary !== undefined) lines.push(`- **Result:** ${mdInline(report.summary)}`);
  if (error !== undefined) lines.push(`- **Error:** ${mdInline(error.message)} (${code(error.code)})${error.hint !== undefined ? ` — ${mdInline(error.hint)}` : ''}`);
  if (top !== undefined) {
    const label = top.role === 'root-cause' ? 'Root cause' : top.role === 'unexplained' ? 'Cannot tell' : 'Top finding';
    lines.push(`- **${label}:** ${mdInline(top.title)} (${code(top.id)}, ${top.severity})`);
    if (top.fix !== undefined) lines.push(`- **Fix:** ${mdInline(top.fix)}`);
  } else lines.push('- **Findings:** none');
  const key = keyIdentifiers(ids, top, trace);
  if (key.length > 0) lines.push(`- **Identifiers for the vendor:** ${key.map((i) => `${mdInline(i.name)} ${mdInline(i.value)} (${mdInline(idWhere(i))})`).join('; ')}${ids.length > key.length ? ` — all ${ids.length} below` : ''}`);
  lines.push(`- **Written:** ${mdInline(o.environment.generatedAt)} (UTC) by smartctl ${mdInline(o.environment.smartctl)}; ${o.showSecrets ? '**secrets NOT redacted (--show-secrets): do not post this publicly**' : 'tokens, codes, secrets and cookies redacted'}`);
  return `## Summary\n\n${lines.join('\n')}`;
}

function identifiersSection(ids: readonly CorrelationId[]): string {
  if (ids.length === 0) {
    return '## Identifiers for the vendor\n\nNo request or correlation id was found in the responses (looked for X-Request-Id, Cerner-Correlation-Id, X-Correlation-Id, Request-Id, X-Amzn-RequestId, x-ms-request-id, client-request-id, traceparent, an Oracle Health error\\_uri instance and Entra Trace ID / Correlation ID lines).';
  }
  const rows = ids.map((i) => [mdInline(i.name), mdInline(i.value), i.exchange !== undefined ? `${i.exchange} ${mdInline(i.step ?? '')}` : 'saved evidence', i.status !== undefined ? String(i.status) : '', mdInline(i.at ?? 'not recorded'), mdInline(i.serverTime ?? ''), mdInline([i.source, i.note].filter((s) => s !== undefined).join('; '))]);
  return `## Identifiers for the vendor\n\nQuote these with the time when you contact the vendor: they find the request in their logs with them.\n\n${table(['Identifier', 'Value', 'Exchange', 'Status', 'Time (UTC)', 'Server time', 'Where / more'], rows)}`;
}

function environmentSection(o: MarkdownOptions, trace: readonly TraceEntry[]): string {
  const e = o.environment;
  const first = trace[0];
  const started = first === undefined ? undefined : first.type === 'exchange' ? first.startedAt : first.at;
  const rows: string[][] = [
    ['smartctl', mdInline(e.smartctl)],
    ['Node.js', mdInline(e.node)],
    ['OS', mdInline(`${e.platform} ${e.release} (${e.arch})`)],
    ['Report written (UTC)', mdInline(e.generatedAt)],
  ];
  if (started !== undefined) rows.push(['Run started (UTC)', mdInline(started)]);
  rows.push(['Secrets', o.showSecrets ? '**not redacted** (--show-secrets)' : 'redacted']);
  return `## Environment\n\n${table(['Item', 'Value'], rows)}`;
}

const DATA_ROWS: ReadonlyArray<[key: string, label: string]> = [
  ['fhirBaseUrl', 'FHIR base (iss)'],
  ['issuer', 'issuer'],
  ['tokenEndpoint', 'token endpoint'],
  ['authorizeUrl', 'authorize request'],
  ['authorizeMethod', 'authorize method'],
  ['redirectUri', 'redirect URI'],
  ['clientId', 'client id'],
  ['authMethod', 'client authentication'],
  ['grant', 'grant'],
  ['harFile', 'HAR file of the run'],
];

function serverSection(report: Report, trace: readonly TraceEntry[]): string | undefined {
  const rows: string[][] = [];
  for (const [key, label] of DATA_ROWS) {
    const v = str(report.data[key]);
    if (v !== undefined) rows.push([label, mdInline(v, 2000)]);
  }
  const endpoints = asObject(report.data['endpoints']);
  for (const [name, url] of Object.entries(endpoints ?? {})) if (typeof url === 'string') rows.push([`endpoint ${mdInline(name)}`, mdInline(url, 2000)]);
  const evidence = asObject(report.data['evidence']);
  if (evidence !== undefined) {
    for (const [key, label] of [['endpoint', 'endpoint (saved evidence)'], ['method', 'method (saved evidence)'], ['url', 'URL (saved evidence)'], ['status', 'status (saved evidence)']] as const) {
      const v = evidence[key];
      if (typeof v === 'string' || typeof v === 'number') rows.push([label, mdInline(String(v), 2000)]);
    }
  }
  const used = new Map<string, Set<string>>();
  for (const e of trace.filter(isExchange)) {
    const url = URL.canParse(e.request.url) ? (({ origin, pathname }) => `${origin}${pathname}`)(new URL(e.request.url)) : e.request.url;
    const steps = used.get(url) ?? new Set<string>();
    steps.add(e.step);
    used.set(url, steps);
  }
  if (rows.length === 0 && used.size === 0) return undefined;
  const parts = ['## Server and client'];
  if (rows.length > 0) parts.push(table(['What', 'Value'], rows));
  if (used.size > 0) parts.push(`Endpoints the run called:\n\n${table(['URL (without query)', 'Steps'], [...used].map(([url, steps]) => [mdInline(url, 2000), mdInline([...steps].join(', '))]))}`);
  return parts.join('\n\n');
}

function findingBlock(f: Finding, n: number): string {
  const meta = [`**Finding id:** ${code(f.id)}`, `**Severity:** ${f.severity}`];
  if (f.role !== undefined) meta.push(`**Role:** ${ROLE_LABEL[f.role]}`);
  if (f.basis !== undefined) meta.push(`**Basis:** ${BASIS_LABEL[f.basis]}`);
  const out = [`### ${n}. ${mdInline(f.title)}`, meta.join(' · '), mdText(f.detail)];
  if (f.causes !== undefined && f.causes.length > 0) out.push(`**Likely causes, most likely first:**\n\n${f.causes.slice(0, MAX_ROWS).map((c, i) => `${i + 1}. ${mdInline(c, MAX_TEXT)}`).join('\n')}`);
  if (f.fix !== undefined) out.push(`**Fix:** ${mdText(f.fix)}`);
  if (f.spec !== undefined) out.push(`**Spec:** ${link(f.spec)}`);
  if (f.exchanges !== undefined && f.exchanges.length > 0) out.push(`**Seen in exchanges:** ${f.exchanges.slice(0, MAX_ROWS).join(', ')}`);
  return out.filter((s) => s !== '').join('\n\n');
}

function findingsSection(report: Report): string {
  if (report.findings.length === 0) return '## Findings\n\nNo findings.';
  const shown = report.findings.slice(0, MAX_FINDINGS).map((f, i) => findingBlock(f, i + 1));
  if (report.findings.length > MAX_FINDINGS) shown.push(`… and ${report.findings.length - MAX_FINDINGS} more findings`);
  return `## Findings (${report.findings.length})\n\n${shown.join('\n\n')}`;
}

/** Requested and granted scopes, wherever the command keeps them. */
function scopePair(report: Report): { requested: string; granted: string } | undefined {
  const d = report.data;
  const join = (v: unknown): string | undefined => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? v.join(' ') : undefined);
  const scopes = asObject(d['scopes']);
  const evidence = asObject(d['evidence']);
  const candidates: Array<[unknown, unknown]> = [
    [join(d['requested']), join(d['granted'])],
    [scopes?.['requested'], scopes?.['granted']],
    [d['requestedScope'], asObject(d['tokenResponse'])?.['scope']],
    [evidence?.['requestedScope'], evidence?.['grantedScope']],
  ];
  for (const [requested, granted] of candidates) if (typeof requested === 'string' && typeof granted === 'string') return { requested, granted };
  return undefined;
}

function scopeRow(e: ScopeComparisonEntry): string[] {
  const answered = e.grantedAs.filter((g) => g !== e.scope);
  const how = [answered.length > 0 ? `answered by ${answered.join(' ')}${e.grantedAsMore !== undefined ? ` (+${e.grantedAsMore} more)` : ''}` : '', e.missing !== undefined && e.missing !== '' ? `missing "${e.missing}"` : '', e.extra !== undefined && e.extra !== '' ? `extra "${e.extra}"` : '', e.note ?? ''].filter((s) => s !== '');
  return [mdInline(e.scope), e.side, e.classification, mdInline(how.join('; '))];
}

function scopesSection(report: Report): string | undefined {
  const pair = scopePair(report);
  if (pair === undefined) return undefined;
  const requested = parseScopes(pair.requested);
  const c = compareScopes(requested, parseScopes(pair.granted, requested));
  const tally = Object.entries(c.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const body = [`- **Requested:** ${mdInline(pair.requested, 2000)}`, `- **Granted:** ${mdInline(pair.granted, 2000)}`, `- **Diff:** ${tally === '' ? 'no scopes on either side' : tally}`].join('\n');
  const rows = c.entries.map(scopeRow);
  const tableText = rows.length > 0 ? table(['Scope', 'Side', 'Classification', 'How'], rows) : '';
  return `## Scopes\n\n${body}${tableText === '' ? '' : `\n\n${rows.length > 30 ? details(`Scope table (${rows.length} scopes)`, tableText) : tableText}`}`;
}

const TIME_CLAIMS = ['iat', 'nbf', 'exp', 'auth_time'];

function tokenBlock(t: TokenView, now: Date): string {
  const parts: string[] = [];
  const times = TIME_CLAIMS.flatMap((name) => {
    const v = t.claims?.[name];
    if (typeof v !== 'number') return [];
    const when = isoTime(v);
    return [[code(name), String(v), when === undefined ? 'outside the range of dates' : `${when} (${relativeTime(v, now)})`]];
  });
  if (times.length > 0) parts.push(table(['Claim', 'Value', 'UTC (relative to the report time)'], times));
  if (t.header !== undefined) parts.push(`Header:\n\n${fence(JSON.stringify(t.header, null, 2), 'json')}`);
  if (t.claims !== undefined) parts.push(`Claims:\n\n${fence(JSON.stringify(t.claims, null, 2), 'json')}`);
  parts.push(t.kind === 'jwt' ? 'The signature is not shown.' : t.kind === 'jwe' ? 'Encrypted: only the recipient can read the claims.' : t.kind === 'opaque' ? 'Opaque: not a JWT; only the issuing server can read it (introspection, RFC 7662).' : 'Not a readable token.');
  return details(`${t.name} — ${t.kind}${t.length !== undefined ? `, ${t.length} characters` : ''} (${t.from})`, parts.join('\n\n'));
}

/**
 * A JWT header member as text. Its value is the server's JSON: String() of an object whose
 * own "toString" member is not a function ({"kid":{"toString":""}}) throws, so anything but
 * a string is shown as JSON.
 */
function memberText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

function tokensSection(tokens: readonly TokenView[], now: Date): string | undefined {
  if (tokens.length === 0) return undefined;
  const rows = tokens.map((t) => [mdInline(t.name), mdInline(t.from), t.kind, t.length === undefined ? '' : String(t.length), mdInline([t.header?.['alg'], t.header?.['kid']].filter((v) => v !== undefined).map(memberText).join(' / ')), mdInline(typeof t.claims?.['exp'] === 'number' ? (isoTime(t.claims['exp']) ?? String(t.claims['exp'])) : '')]);
  return `## Tokens\n\n${table(['Token', 'From', 'Kind', 'Length', 'alg / kid', 'exp (UTC)'], rows)}\n\n${tokens.map((t) => tokenBlock(t, now)).join('\n\n')}`;
}

function headerText(headers: HeaderMap): string {
  return Object.entries(headers)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join('\n');
}

/** A body as it matters: JSON pretty-printed, cut after BODY_LIMIT characters with how much was cut. */
export function trimBody(body: string, headers: HeaderMap): { text: string; note?: string | undefined } {
  let text = body;
  const type = headerValue(headers, 'content-type') ?? '';
  if (body.length <= 100_000 && (type.includes('json') || /^\s*[{[]/.test(body))) {
    try {
      text = JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // not JSON (or too deep to print): as received
    }
  }
  if (text.length <= BODY_LIMIT) return { text };
  return { text: text.slice(0, BODY_LIMIT), note: `cut: the first ${groupDigits(BODY_LIMIT)} of ${groupDigits(text.length)} characters (${groupDigits(text.length - BODY_LIMIT)} left out)` };
}

function bodyPart(title: string, body: string, headers: HeaderMap, truncatedByClient: boolean): string {
  const { text, note } = trimBody(body, headers);
  const notes = [note, truncatedByClient ? 'the body exceeded the 10 MB cap of the HTTP client and was recorded only in part' : undefined].filter((n) => n !== undefined);
  return `**${title}**${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n\n${fence(text, 'text')}`;
}

function exchangeBlock(e: HttpExchange): string {
  const result = e.error !== undefined ? `failed: ${e.error.code}` : e.response !== undefined ? String(e.response.status) : 'no response';
  const parts = [`**Started:** ${mdInline(e.startedAt)} · **Duration:** ${Math.round(e.durationMs)} ms · **Step:** ${mdInline(e.step)}`];
  parts.push(`**Request:** ${mdInline(`${e.request.method} ${e.request.url}`, 4000)}`);
  if (Object.keys(e.request.headers).length > 0) parts.push(`**Request headers**\n\n${fence(headerText(e.request.headers), 'http')}`);
  if (e.request.body !== undefined && e.request.body !== '') parts.push(bodyPart('Request body', e.request.body, e.request.headers, false));
  if (e.response !== undefined) {
    parts.push(`**Response headers** (HTTP ${e.response.status})\n\n${fence(headerText(e.response.headers), 'http')}`);
    if (e.response.body !== '') parts.push(bodyPart('Response body', e.response.body, e.response.headers, e.response.truncated === true));
  }
  if (e.error !== undefined) parts.push(`**Error:** ${mdInline(`${e.error.code}: ${e.error.message}`, MAX_TEXT)}`);
  return details(`${e.id} · ${e.step} — ${e.request.method} ${e.request.url} → ${result} (${Math.round(e.durationMs)} ms)`, parts.join('\n\n'));
}

function stepsOf(report: Report, trace: readonly TraceEntry[]): Step[] {
  const steps = report.data['steps'];
  if (Array.isArray(steps) && steps.every((s) => asObject(s) !== undefined && typeof (s as Step).name === 'string')) return steps as Step[];
  return stepsFromTrace(trace);
}

function stepsSection(report: Report, trace: readonly TraceEntry[]): string | undefined {
  const exchanges = trace.filter(isExchange);
  const events = trace.filter((e): e is TraceEvent => e.type === 'event');
  if (exchanges.length === 0 && events.length === 0) return undefined;
  const parts = ['## Steps and exchanges'];
  const steps = stepsOf(report, trace);
  if (steps.length > 0) parts.push(table(['Step', 'Status', 'Started (UTC)', 'Duration', 'Exchanges'], steps.map((s) => [mdInline(s.name), s.status, mdInline(s.startedAt ?? '—'), `${Math.round(s.durationMs)} ms`, s.exchanges.join(' ')])));
  if (events.length > 0) parts.push(details(`Events (${events.length})`, table(['Entry', 'Time (UTC)', 'Event', 'Message'], events.map((e) => [String(e.id), mdInline(e.at), mdInline(e.name), mdInline(e.message, 1000)]))));
  const shown = exchanges.slice(0, MAX_EXCHANGES);
  if (shown.length > 0) parts.push(`Each exchange, redacted${shown.length < exchanges.length ? ` (the first ${shown.length} of ${exchanges.length}; --har writes them all)` : ''}:`, ...shown.map(exchangeBlock));
  return parts.join('\n\n');
}

function testsSection(report: Report): string | undefined {
  const tests = checkTests(report);
  if (tests.length === 0) return undefined;
  const order: Record<string, number> = { fail: 0, warn: 1, pass: 2, skip: 3 };
  const sorted = [...tests].sort((a, b) => (order[a.result] ?? 4) - (order[b.result] ?? 4));
  return `## Tests\n\n${table(['Test', 'Group', 'Result', 'Title', 'Reason'], sorted.map((t) => [code(t.id), mdInline(t.group), t.result, mdInline(t.title), mdInline(t.reason ?? '')]))}`;
}

function sectionBody(s: ReportSection): string {
  const parts: string[] = [];
  if (s.rows !== undefined && s.rows.length > 0) parts.push(table(['Item', 'Value'], s.rows.map(([k, v]) => [mdInline(k), mdInline(v, 2000)])));
  if (s.lines !== undefined && s.lines.length > 0) parts.push(s.lines.slice(0, MAX_ROWS).map((l) => `- ${mdInline(l, 2000)}`).join('\n'));
  if (s.code !== undefined) parts.push(fence(clip(s.code, 20_000), 'text'));
  return parts.join('\n\n');
}

function commandSections(report: Report): string | undefined {
  const blocks = report.sections.map((s) => ({ title: s.title, body: sectionBody(s) })).filter((b) => b.body !== '');
  if (blocks.length === 0) return undefined;
  return `## What smartctl showed\n\n${blocks.map((b) => details(b.title, b.body)).join('\n\n')}`;
}

/** The report as one Markdown document. Give it the redacted report (src/report/redact.ts) unless --show-secrets. */
export function renderMarkdown(report: Report, o: MarkdownOptions): string {
  const trace = runTrace(report);
  const ids = reportCorrelationIds({ trace, data: report.data });
  const now = new Date(o.environment.generatedAt);
  const blocks = [
    `# smartctl ${mdInline(report.command)} report: ${report.ok ? 'ok' : 'failed'}`,
    summarySection(report, o, ids, trace),
    findingsSection(report),
    identifiersSection(ids),
    environmentSection(o, trace),
    serverSection(report, trace),
    scopesSection(report),
    tokensSection(o.tokens ?? [], Number.isNaN(now.getTime()) ? new Date(0) : now),
    testsSection(report),
    stepsSection(report, trace),
    commandSections(report),
  ].filter((b): b is string => b !== undefined);
  return `${blocks.join('\n\n')}\n`;
}
