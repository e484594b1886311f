// Shared pieces of the fuzz tests: hostile text generators, the in-process context, and
// the properties every rendering must hold (no raw control or bidi character in the
// human view, JSON that parses back, no planted secret in either).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { CommandContext } from '../../src/commands/context.js';
import { isSmartctlError } from '../../src/errors.js';
import { reportMarkdown } from '../../src/commands/report-export.js';
import { redactReport } from '../../src/report/redact.js';
import { renderHuman } from '../../src/report/render/human.js';
import { renderJson } from '../../src/report/render/json.js';
import type { Report } from '../../src/report/report.js';
import { leakedSlices } from '../helpers/secrets.js';

// One fixed seed by default, so `npm test` (and CI) explores the same generated cases each
// run and a failure is one that reproduces; FUZZ_SEED=random (or a number) explores others.
// Every fuzz test file imports this kit, so the setting reaches all of them.
const seedSetting = process.env['FUZZ_SEED'];
if (seedSetting !== 'random') fc.configureGlobal({ seed: seedSetting === undefined ? 20261202 : Number(seedSetting) });

/** A folder no file of a run is in (explain reads @file arguments relative to it). */
export const FUZZ_DIR = mkdtempSync(path.join(os.tmpdir(), 'smartctl-fuzz-'));
export const FUZZ_NOW = new Date('2026-12-01T12:00:00Z');

export function fuzzContext(stdin = ''): CommandContext {
  return {
    globals: { json: false, color: false, verbose: false, quiet: false, debug: false, showSecrets: false, timeoutMs: 2000, insecure: false, noInput: true },
    env: {},
    cwd: FUZZ_DIR,
    cacheDir: path.join(FUZZ_DIR, '.no-cache'),
    narrate: { step: () => undefined, info: () => undefined, warn: () => undefined, action: () => undefined },
    now: () => FUZZ_NOW,
    interactive: false,
    stdinIsTTY: stdin === '',
    readStdin: () => Promise.resolve(stdin),
    print: () => undefined,
    untilInterrupted: () => Promise.resolve(),
  };
}

/** C0 (but \n), DEL, C1, and the bidi / line-separator characters the terminal-text module escapes. */
export const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

const CONTROL_CHARS = ['\u0000', '\u0007', '\b', '\t', '\n', '\r', '\u000b', '\u001b', '\u001b[2J', '\u001b]52;c;aGk=\u0007', '\u007f', '\u0085', '\u009b31m', '\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069', '\ud800', '\udfff', '\ud83d', '\ufeff'];
/** One hostile character or escape sequence. */
export const hostileChar = fc.constantFrom(...CONTROL_CHARS);
/** Strings with control, bidi and lone-surrogate characters mixed in (fast-check 4 strings are ASCII by default). */
export const hostileString = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 10 }) }, { weight: 2, arbitrary: hostileChar }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '%00', '%zz', '\\u0000', '"', "'", '\\', '{', '}', '=', '&', '?', '#') }), { maxLength: 10 })
  .map((p) => p.join(''));
/** Object keys that name Object.prototype members, or hostile text. */
export const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'length', '__defineGetter__', 'then', 'toJSON'), hostileString, fc.string({ maxLength: 8 }));

/** JSON values whose keys are often prototype names, with hostile strings. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(hostileString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 5 }).map((pairs) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of pairs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      return o;
    }),
  ),
})).value;

/** Deeply nested JSON text (arrays or objects), 1 to 5 000 deep. */
export const deepJsonText = fc.record({ depth: fc.integer({ min: 1, max: 5000 }), object: fc.boolean(), key: fc.constantFrom('a', '__proto__', 'error'), leaf: hostileString }).map(({ depth, object, key, leaf }) => {
  const open = object ? `{"${key}":` : '[';
  const close = object ? '}' : ']';
  return `${open.repeat(depth)}${JSON.stringify(leaf)}${close.repeat(depth)}`;
});

/** A long run of one piece (a huge string or query). */
export const longText = fc.record({ piece: fc.oneof(hostileString, fc.constantFrom('a', '\u001b[31m', 'x=1&', '%', '\u202e')), times: fc.integer({ min: 1000, max: 60_000 }) }).map(({ piece, times }) => piece.repeat(times).slice(0, 300_000));

export const jsonText = fc.oneof(
  { weight: 4, arbitrary: hostileJson.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: deepJsonText },
  { weight: 1, arbitrary: fc.constantFrom('{', '[]', 'null', '{"access_token":', '1e400', '"\\ud800"', '{"__proto__":{"error":"invalid_grant"}}', '{"error":{"__proto__":null}}', '{"error":"invalid_client","error_description":{"toString":1}}', '{"error":["invalid_grant"],"error_uri":{}}') },
);

/** A distinctive secret (a token, a client secret): never in any output, not even 16 characters of it. */
export const secret = fc.stringMatching(/^[A-Za-z0-9_-]{24,40}$/).map((s) => `Zk9q${s}`);

export interface Rendered {
  human: string;
  verbose: string;
  quiet: string;
  json: string;
  /** --report <file.md>, as the CLI writes it (its own redaction, unredacted sections included). */
  markdown: string;
}

const ENVIRONMENT = { smartctl: '0.0.0-fuzz', node: 'v20', platform: 'linux', release: 'x', arch: 'x64', generatedAt: FUZZ_NOW.toISOString() };

/** The report rendered as the CLI does it (redacted, colour off): human, --verbose and --json. */
export function renderAll(report: Report): Rendered {
  const redacted = redactReport(report, false);
  return {
    human: renderHuman(redacted, { color: false, verbose: false, quiet: false }),
    verbose: renderHuman(redacted, { color: false, verbose: true, quiet: false }),
    quiet: renderHuman(redacted, { color: false, verbose: false, quiet: true }),
    json: renderJson(redacted),
    markdown: reportMarkdown(report, { environment: ENVIRONMENT, showSecrets: false }),
  };
}

/** The message of a thrown error, as a one-line description for assertions. */
export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
}

/**
 * Runs one command: a report (whose renderings hold the properties) or a typed error
 * (whose message holds them too: the CLI prints it on stderr, with control characters
 * escaped but without redaction). Anything else fails with the exception.
 */
export async function expectReportOrTypedError(what: string, run: () => Promise<Report>, secrets: readonly string[] = []): Promise<Report | undefined> {
  let report: Report;
  try {
    report = await run();
  } catch (error) {
    // FUZZ_TRACE=1 lists the refusals, to see whether generated input gets past them.
    if (process.env['FUZZ_TRACE'] !== undefined) console.log('REFUSED', isSmartctlError(error) ? `${error.code}: ${error.message.slice(0, 150)}` : '?');
    assert.ok(isSmartctlError(error), `${what}: threw an untyped exception (exit 70)\n${describe(error).slice(0, 3000)}`);
    const text = `${error.message}\n${error.hint ?? ''}`;
    assert.deepEqual(leakedSlices(text, secrets), [], `${what}: a planted secret is in the error message ${error.code}`);
    return undefined;
  }
  const out = renderAll(report);
  for (const [name, text] of Object.entries(out)) {
    const m = name === 'json' ? null : RAW_CONTROL.exec(text);
    assert.equal(m, null, `${what}: raw control U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0') ?? ''} in the ${name} view near ${JSON.stringify(m === null ? '' : text.slice(Math.max(0, m.index - 60), m.index + 20))}`);
    assert.deepEqual(leakedSlices(text, secrets), [], `${what}: a planted secret is in the ${name} rendering`);
  }
  const jm = RAW_CONTROL.exec(out.json.replace(/\n/g, ''));
  assert.equal(jm, null, `${what}: raw control in the JSON text`);
  let parsed: unknown;
  assert.doesNotThrow(() => (parsed = JSON.parse(out.json)), `${what}: --json does not parse`);
  assert.equal((parsed as { command?: unknown }).command, report.command);
  return report;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** encodeURIComponent that never throws: a lone surrogate becomes %ED%A0%80 (bytes no UTF-8 decoder accepts, hostile in their own way). */
export function encodeParam(s: string): string {
  return s.split(LONE_SURROGATE).map(encodeURIComponent).join('%ED%A0%80');
}

/** How an argument is shown in a failure message. */
export function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 400 ? `${s.slice(0, 400)}… (${s.length} chars)` : s;
}
