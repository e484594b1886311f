// Strings from servers are data: no control character a server can send reaches the
// terminal raw, in any field of the human view, in the narration or in an error line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { formatError } from '../../../src/cli/main.js';
import { makeNarrator } from '../../../src/cli/program.js';
import type { GlobalOptions } from '../../../src/commands/context.js';
import { networkError } from '../../../src/errors.js';
import { makeFinding } from '../../../src/report/finding.js';
import { makeReport, type Report } from '../../../src/report/report.js';
import { renderHuman } from '../../../src/report/render/human.js';
import { renderJson } from '../../../src/report/render/json.js';
import { safeLine, safeText } from '../../../src/report/render/terminal-text.js';

/** Every C0 control, DEL and every C1 control. */
const CONTROLS = [...Array.from({ length: 0x20 }, (_, i) => i), ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i)].map((c) => String.fromCharCode(c));
/** What must never be in the output: every control but the line feed of our own layout. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** chalk's own colour codes, which the renderer writes itself when colour is on. */
const OWN_SGR = /\u001b\[\d+(?:;\d+)*m/g;

/** A report with the given server string in every field the human view renders. */
function hostileReport(s: string): Report {
  return makeReport({
    command: `decode${s}`,
    summary: `summary ${s}`,
    sections: [{ title: `title ${s}`, rows: [[`label ${s}`, `value ${s}\nsecond ${s}`]], lines: [`line ${s}`], code: `{"code": "${s}"}` }],
    findings: [
      makeFinding({ id: `id-${s}`, severity: 'error', title: `title ${s}`, detail: `detail ${s}\nmore ${s}`, causes: [`cause ${s}`], fix: `fix ${s}`, exchanges: [1] }),
      { id: 'spec', severity: 'warning', title: 't', detail: 'd', spec: `https://spec.example/${s}` },
    ],
    trace: [
      {
        type: 'exchange',
        id: 1,
        step: `step ${s}`,
        request: { method: `GET${s}`, url: `https://ehr.example/${s}`, headers: { [`x-req${s}`]: `v ${s}`, multi: [`a ${s}`, `b ${s}`] }, body: `grant_type=${s}` },
        response: { status: 400, headers: { 'content-type': 'application/json', [`x-res${s}`]: `v ${s}` }, body: JSON.stringify({ error: s, error_description: `desc ${s}` }) },
        startedAt: '2026-01-01T00:00:00.000Z',
        durationMs: 3,
        error: { code: 'network-failure', message: `failed ${s}` },
      },
      { type: 'exchange', id: 2, step: 'page', request: { method: 'GET', url: 'https://ehr.example/page', headers: {} }, response: { status: 200, headers: { 'content-type': 'text/html' }, body: `<h1>${s}</h1>\r\n<p>${s}</p>` }, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1 },
      { type: 'event', id: 3, at: '2026-01-01T00:00:00.000Z', name: `callback${s}`, message: `error=${s}` },
    ],
  });
}

function renderAllWays(report: Report): string[] {
  const out: string[] = [];
  for (const verbose of [false, true]) {
    for (const quiet of [false, true]) {
      out.push(renderHuman(report, { color: false, verbose, quiet }));
      out.push(renderHuman(report, { color: true, verbose, quiet }).replace(OWN_SGR, ''));
    }
  }
  return out;
}

function assertNoRawControl(text: string, what: string): void {
  const m = RAW_CONTROL.exec(text);
  assert.equal(m, null, `${what}: raw control U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m?.index} in:\n${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 60), (m?.index ?? 0) + 20))}`);
}

test('every C0/C1 control character, in every rendered field, reaches the human view escaped', () => {
  for (const ch of CONTROLS) {
    const outputs = renderAllWays(hostileReport(`<${ch}>`));
    for (const text of outputs) assertNoRawControl(text, `U+${ch.charCodeAt(0).toString(16)}`);
    // And it is shown, not dropped: the verbose view holds the escaped form.
    const verbose = outputs[2] ?? '';
    const shown = ch === '\n' ? '\\n' : ch === '\t' ? '\\t' : ch === '\r' ? '\\r' : ch.charCodeAt(0) < 0x80 ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    if (ch !== '\n') assert.ok(verbose.includes(`<${shown}>`), `U+${ch.charCodeAt(0).toString(16)} should be shown as ${shown}`);
  }
});

test('property: random text mixed with control characters never puts a raw control byte in the human view', () => {
  const hostile = fc.array(fc.oneof(fc.constantFrom(...CONTROLS), fc.string({ maxLength: 6 }), fc.constantFrom('\u001b]52;c;aGk=\u0007', '\u001b]0;pwned\u0007', '\u001b[2J\u001b[H', '\u009b31m', '\r\n')), { maxLength: 12 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(hostile, (s) => {
      for (const text of renderAllWays(hostileReport(s))) assertNoRawControl(text, JSON.stringify(s));
    }),
    { numRuns: 300 },
  );
});

test('OSC 52, OSC 0 and clear-screen sequences from a server are shown as text', () => {
  const report = makeReport({ command: 'discover', sections: [{ title: 'Server', rows: [['issuer', 'https://evil.example\u001b]52;c;aGVsbG8=\u0007\u001b]0;owned\u0007\u001b[2J']] }] });
  const text = renderHuman(report, { color: false, verbose: false, quiet: false });
  assert.match(text, /issuer {2}https:\/\/evil\.example\\x1b\]52;c;aGVsbG8=\\x07\\x1b\]0;owned\\x07\\x1b\[2J/);
});

test('the JSON view escapes DEL and C1 too, and stays the same JSON', () => {
  const s = CONTROLS.join('');
  const text = renderJson(hostileReport(s));
  assertNoRawControl(text, 'json');
  const doc = JSON.parse(text) as { findings: Array<{ detail: string }> };
  assert.equal(doc.findings[0]?.detail, `detail ${s}\nmore ${s}`);
});

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

test('narration lines and error lines quoting server text escape control characters', () => {
  const s = CONTROLS.join('');
  const stderr = new Collect();
  const globals = { json: false, color: false, verbose: true, quiet: false } as GlobalOptions;
  const narrate = makeNarrator(globals, { stderr });
  narrate.step(`discovering ${s}`);
  narrate.info(`issuer ${s}`);
  narrate.warn(`odd ${s}`);
  narrate.action(`open this URL:\nhttps://x/${s}`);
  assertNoRawControl(stderr.text, 'narration');
  assert.match(stderr.text, /discovering \\x00\\x01/);
  assert.match(stderr.text, /open this URL:\nhttps:\/\/x\//, 'our own line break is kept');
  const line = formatError(networkError('not-json', `token: https://x did not return JSON (body starts "${s}")`, `hint ${s}`), true);
  assertNoRawControl(line, 'error line');
  assert.match(line, /body starts "\\x00/);
});

test('safeLine escapes the line feed too; safeText keeps it and reads CRLF as LF', () => {
  assert.equal(safeLine('a\nb\u001b'), 'a\\nb\\x1b');
  assert.equal(safeText('a\r\nb\rc\u009b'), 'a\nb\\rc\\u009b');
});

/** Bidi formatting characters (Trojan Source) and the line/paragraph separators. */
const BIDI = ['\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const RAW_BIDI = /[\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

test('bidi overrides and isolates from a server are shown escaped in the human view, the JSON view, narration and errors', () => {
  for (const ch of BIDI) {
    const code = `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    const outputs = renderAllWays(hostileReport(`<${ch}>`));
    for (const text of outputs) assert.equal(RAW_BIDI.exec(text), null, `${code} raw in the human view`);
    assert.ok((outputs[2] ?? '').includes(`<${code}>`), `${code} is shown, not dropped`);
    const json = renderJson(hostileReport(`<${ch}>`));
    assert.equal(RAW_BIDI.exec(json), null, `${code} raw in --json`);
    assert.equal((JSON.parse(json) as { summary?: string; findings: Array<{ fix: string }> }).findings[0]?.fix, `fix <${ch}>`, 'the JSON still carries the character');
  }
  // "https://evil.example/\u202Eelpmaxe.ko//:sptth" would read as ending in https://ok.example.
  const stderr = new Collect();
  makeNarrator({ json: false, color: false, verbose: true, quiet: false } as GlobalOptions, { stderr }).step('issuer https://evil.example/\u202eelpmaxe.ko//:sptth');
  assert.match(stderr.text, /evil\.example\/\\u202eelpmaxe/);
  assert.match(formatError(networkError('not-json', 'token: \u2066x\u2069', undefined), false), /\\u2066x\\u2069/);
});
