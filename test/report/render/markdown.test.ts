// The Markdown report read back with a real parser (markdown-it): headings in order, the
// summary before any detail, <details> balanced, tables that are tables, code blocks whole,
// and server text that cannot open an HTML element, close a <details> or split a cell.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeFinding } from '../../../src/report/finding.js';
import { makeReport, type Report } from '../../../src/report/report.js';
import { redactReport } from '../../../src/report/redact.js';
import { BODY_LIMIT, fence, mdInline, renderMarkdown, type ReportEnvironment } from '../../../src/report/render/markdown.js';
import { tokenViews } from '../../../src/report/token-views.js';
import { Trace } from '../../../src/report/trace.js';
import { unsignedJwt } from '../../helpers/jwt.js';
import { assertReportStructure, parseMarkdown } from '../../helpers/markdown.js';

const ENV: ReportEnvironment = { smartctl: '0.1.0', node: 'v20.20.0', platform: 'linux', release: '6.1.0', arch: 'x64', generatedAt: '2026-12-02T01:00:00.000Z' };
const HOSTILE = 'evil </details> </summary> <script>alert(1)</script> ``` ```` `x` | a|b \n- item\n# head <img src=x onerror=alert(1)> [l](javascript:alert(1)) $$x$$ <!-- c';
function hostileReport(text: string): Report {
  const trace = new Trace();
  trace.addExchange({
    step: `token ${text}`,
    request: { method: 'POST', url: `https://auth.example/token?x=${encodeURIComponent(text)}`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-note': text }, body: 'grant_type=client_credentials&scope=system%2F*.rs' },
    response: { status: 401, headers: { 'x-request-id': `id|with|pipes ${text}`, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'content-type': 'text/plain' }, body: text },
    startedAt: '2026-12-02T00:59:59.000Z',
    durationMs: 12,
  });
  trace.addExchange({
    step: 'token',
    request: { method: 'POST', url: 'https://auth.example/token', headers: {} },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: unsignedJwt({ iss: text, exp: 1_800_000_000, scope: 'system/*.rs' }), token_type: 'Bearer', scope: 'system/*.rs' }) },
    startedAt: '2026-12-02T01:00:00.000Z',
    durationMs: 3,
  });
  trace.addEvent({ at: '2026-12-02T01:00:00.500Z', name: 'callback', message: text });
  return makeReport({
    command: 'token',
    findings: [makeFinding({ id: 'token-request-failed', severity: 'error', role: 'root-cause', basis: 'server-words', title: `title ${text}`, detail: `detail ${text}`, fix: `fix ${text}`, causes: [`cause ${text}`], spec: 'rfc6749-token-error', exchanges: [1] })],
    data: { tokenEndpoint: `https://auth.example/token ${text}`, clientId: `client ${text}`, requestedScope: 'system/*.rs openid', tokenResponse: { scope: `system/*.rs ${text}` } },
    sections: [{ title: `section ${text}`, rows: [[`label ${text}`, `value ${text}`]], lines: [`line ${text}`], code: `code ${text}` }],
    summary: `summary ${text}`,
    trace: trace.entries,
  });
}

function render(report: Report): string {
  return renderMarkdown(redactReport(report, false), { environment: ENV, showSecrets: false, tokens: tokenViews(report, false) });
}

const assertSafe = (text: string, label: string): void => void assertReportStructure(text, label);

describe('the Markdown report, parsed', () => {
  const text = render(hostileReport(HOSTILE));
  const doc = parseMarkdown(text);

  it('headings in order, the summary first and before any <details>', () => {
    const h2 = doc.headings.filter(([level]) => level === 2).map(([, t]) => t.replace(/ \(\d+\)$/, ''));
    assert.deepEqual(h2, ['Summary', 'Findings', 'Identifiers for the vendor', 'Environment', 'Server and client', 'Scopes', 'Tokens', 'Steps and exchanges', 'What smartctl showed']);
    assert.equal(doc.headings[0]?.[0], 1);
    assert.equal(doc.headings[0]?.[1], 'smartctl token report: failed');
    assert.ok(text.indexOf('## Summary') < text.indexOf('<details>'));
    const summary = text.slice(text.indexOf('## Summary'), text.indexOf('## Findings'));
    assert.match(summary, /\*\*Root cause:\*\* title /);
    assert.match(summary, /\*\*Fix:\*\* fix /);
    assert.match(summary, /\*\*Identifiers for the vendor:\*\* X-Request-Id id\\\|with\\\|pipes/);
  });

  it('hostile server text opened no element, closed no <details>, split no cell', () => {
    assertSafe(text, 'hostile');
    assert.doesNotMatch(doc.html, /<script|<img|href="javascript/i);
    // One <details> per exchange, the events, the token, the section; all balanced.
    assert.equal((doc.html.match(/<details>/g) ?? []).length, 2 + 1 + 1 + 1);
    // The identifier value with pipes stays in one cell of a 7-column table.
    assert.match(doc.html, /<td>id\|with\|pipes evil &lt;\/details&gt;/);
    const ids = doc.tableHeads.find((h) => h[0] === 'Identifier');
    assert.deepEqual(ids, ['Identifier', 'Value', 'Exchange', 'Status', 'Time (UTC)', 'Server time', 'Where / more']);
    assert.equal((doc.html.match(/<tr>/g) ?? []).length, (text.match(/^\| /gm) ?? []).length - doc.tables);
  });

  it('the response body is one code block, whole, whatever backticks it holds', () => {
    assert.ok(doc.fences.includes(`${HOSTILE}\n`), doc.fences.join('\n----\n'));
    assert.ok(doc.fences.some((f) => f.includes('x-note: evil </details>')), 'request headers block whole');
  });

  it('the identifiers table has the X-Request-Id and the traceparent trace id with the exchange time', () => {
    assert.match(doc.html, /<td>traceparent trace id<\/td>\s*<td>4bf92f3577b34da6a3ce929d0e0e4736<\/td>\s*<td>1 token [^<]*<\/td>\s*<td>401<\/td>\s*<td>2026-12-02T00:59:59.000Z<\/td>/);
  });

  it('the token is decoded (claims in a JSON block), its signature and the token itself are not shown', () => {
    const token = JSON.parse(hostileReport(HOSTILE).trace?.[1]?.type === 'exchange' ? ((hostileReport(HOSTILE).trace?.[1] as { response: { body: string } }).response.body) : '{}') as { access_token: string };
    assert.ok(!text.includes(token.access_token.slice(0, 30)));
    assert.ok(doc.fences.some((f) => f.includes('"scope": "system/*.rs"') && f.includes('"exp": 1800000000')));
    assert.match(doc.html, /<td>2027-01-15T08:00:00.000Z<\/td>/);
  });

  it('the scope diff is a table: openid requested and not granted', () => {
    assert.match(doc.html, /<td>openid<\/td>\s*<td>requested<\/td>\s*<td>dropped<\/td>/);
  });

  it('property: any server text keeps the structure (same headings, balanced details, only our HTML)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', '/', '`', '|', '\n', '\r', '-', '#', '*', '_', '[', ']', '(', ')', '!', '&', ';', '\\', 'a', ' ', '=', '1', '.', 'details', 'script', '\u001b', '$', '~') , maxLength: 80 }), (value) => {
        const out = render(hostileReport(value));
        const parsed = parseMarkdown(out);
        assert.deepEqual(parsed.headings.filter(([l]) => l === 2).map(([, t]) => t.replace(/ \(\d+\)$/, '')), ['Summary', 'Findings', 'Identifiers for the vendor', 'Environment', 'Server and client', 'Scopes', 'Tokens', 'Steps and exchanges', 'What smartctl showed']);
        assertSafe(out, JSON.stringify(value));
      }),
      { numRuns: 150 },
    );
  });
});

describe('markdown pieces', () => {
  it('fence: content with a run of n backticks gets a fence of n+1 (at least 3), and parses back whole', () => {
    assert.equal(fence('a'), '```\na\n```');
    assert.equal(fence('x ```` y').split('\n')[0], '`````');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('`', '~', '\n', 'a', ' ', '<', '/') }), (content) => {
        const parsed = parseMarkdown(fence(content));
        assert.equal(parsed.fences.length, 1);
        assert.equal(parsed.fences[0], content.endsWith('\n') ? content : `${content}\n`);
      }),
    );
  });

  it('mdInline: specials escaped so the text reads back as itself; a leading list marker or number is not a list', () => {
    for (const value of ['- item', '1. first', '# head', '> quote', '***', 'a|b', '<b>x</b>', '`code`', '[a](b)', '2026-12-02', '0.1.0']) {
      const parsed = parseMarkdown(mdInline(value));
      assert.equal(parsed.html, `<p>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>\n`, value);
    }
    assert.equal(mdInline('0.1.0'), '0.1.0');
  });

  it('a body over the limit is cut with a note of how much was cut', () => {
    const trace = new Trace();
    trace.addExchange({ step: 'fhir.read', request: { method: 'GET', url: 'https://fhir.example/Patient', headers: {} }, response: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(BODY_LIMIT + 1000) }, startedAt: '2026-12-02T01:00:00.000Z', durationMs: 1 });
    const text = render(makeReport({ command: 'discover', trace: trace.entries }));
    assert.match(text, /\*\*Response body\*\* \(cut: the first 4 096 of 5 096 characters \(1 000 left out\)\)/);
    assert.ok(parseMarkdown(text).fences.some((f) => f === `${'x'.repeat(BODY_LIMIT)}\n`));
  });

  it('--show-secrets says so in the summary and the environment', () => {
    const text = renderMarkdown(makeReport({ command: 'decode' }), { environment: ENV, showSecrets: true });
    assert.match(text, /secrets NOT redacted/);
    assert.match(text, /\| Secrets \| \*\*not redacted\*\*/);
    assert.doesNotMatch(renderMarkdown(makeReport({ command: 'decode' }), { environment: ENV, showSecrets: false }), /NOT redacted/);
  });
});

it('a server string with @name is escaped (no mention when pasted into a GitHub issue) and still reads as @name', () => {
  const escaped = mdInline('contact @octocat or admin@ehr.example');
  assert.equal(escaped, 'contact \\@octocat or admin\\@ehr.example');
  assert.match(parseMarkdown(escaped).html, /contact @octocat or admin@ehr\.example/);
});
