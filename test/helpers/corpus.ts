// The diagnosis corpus: cases written from the failure catalog's public signatures, each in
// the input form a user has (status + body + headers, a curl line, an authorize URL, a token
// response, an app message, a HAR), with the finding id that must come first, or that the
// engine must abstain, or ids that must not appear. Read by test/diagnose/corpus.test.ts and
// by `npm run corpus` (scripts/corpus.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { explainCommand } from '../../src/commands/explain.js';
import type { CommandContext } from '../../src/commands/context.js';
import type { Finding } from '../../src/report/finding.js';
import { isSmartctlError } from '../../src/errors.js';
import { REPO_ROOT } from './run-cli.js';

/** Every corpus case is judged at this instant, so tokens in cases keep their meaning (epoch 1796126400). */
export const CORPUS_NOW = new Date('2026-12-01T12:00:00Z');
export const CORPUS_DIR = path.join(REPO_ROOT, 'test', 'diagnose', 'corpus');
/** The held-out folder: failures people posted (issues, forums), written by others than the rules' authors. */
export const REAL_WORLD = 'real-world';

/** A case of the held-out real-world folder (its figures are reported apart). */
export function isRealWorld(c: { file: string }): boolean {
  return c.file.split(path.sep)[0] === REAL_WORLD;
}

export interface CorpusExpectation {
  /** The id report.findings[0] must have. */
  top?: string | undefined;
  /** The engine must not name a cause: the top finding is unknown-failure, or no error-severity root cause leads. */
  abstain?: boolean | undefined;
  /** Ids that must not appear anywhere in the findings. */
  absent?: string[] | undefined;
}

export interface CorpusCase {
  name: string;
  source: string;
  /** Real-world cases: what the thread says the cause was (or "unconfirmed"). */
  cause?: string | undefined;
  /** Real-world cases: how the evidence was taken from the post (redactions, reformatting). */
  note?: string | undefined;
  /** Real-world cases the engine still gets wrong, with the reason: reported, not failed. */
  knownMiss?: string | undefined;
  /** Real-world cases whose expectation was changed after a held-out round was scored: what it was, and why it changed. */
  expectChanged?: string | undefined;
  explain: Record<string, unknown>;
  expect: CorpusExpectation;
}

export interface CorpusFile {
  catalog: string;
  cases: CorpusCase[];
}

export interface LoadedCase extends CorpusCase {
  catalog: string;
  file: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : name.endsWith('.json') ? [full] : [];
  });
}

export function loadCorpus(dir = CORPUS_DIR): LoadedCase[] {
  return walk(dir)
    .sort()
    .flatMap((file) => {
      const json = JSON.parse(readFileSync(file, 'utf8')) as CorpusFile;
      if (typeof json.catalog !== 'string' || !Array.isArray(json.cases)) throw new Error(`${file}: expected { catalog, cases: [...] }`);
      return json.cases.map((c) => ({ ...c, catalog: json.catalog, file: path.relative(dir, file) }));
    });
}

function corpusContext(): CommandContext {
  return {
    globals: { json: true, color: false, verbose: false, quiet: false, debug: false, showSecrets: false, timeoutMs: 5000, insecure: false, noInput: true },
    env: {},
    cwd: CORPUS_DIR,
    // Explain writes nothing to a cache; a path no run creates.
    cacheDir: path.join(CORPUS_DIR, '.no-cache'),
    narrate: { step: () => undefined, info: () => undefined, warn: () => undefined, action: () => undefined },
    now: () => CORPUS_NOW,
    interactive: false,
    stdinIsTTY: true,
    readStdin: () => Promise.resolve(''),
    print: () => undefined,
    untilInterrupted: () => Promise.resolve(),
  };
}

export interface CaseResult {
  case: LoadedCase;
  findings: Finding[];
  top: Finding | undefined;
  /** Input error (exit 2) instead of a report. */
  inputError?: string | undefined;
  pass: boolean;
  /** The engine abstained (top is unknown-failure, or no error-severity root cause leads). */
  abstained: boolean;
  /** A confident wrong answer: an error-severity top finding other than the expected one. */
  wrongError: boolean;
  why: string;
}

export function abstained(top: Finding | undefined): boolean {
  return top === undefined || top.id === 'unknown-failure' || top.id === 'nothing-recognised' || !(top.role === 'root-cause' && top.severity === 'error');
}

export async function runCase(c: LoadedCase): Promise<CaseResult> {
  const options = { ...c.explain };
  // A HAR in a case is a path relative to the corpus folder.
  if (typeof options['har'] === 'string') options['har'] = path.join(CORPUS_DIR, path.dirname(c.file), options['har']);
  let findings: Finding[];
  try {
    findings = (await explainCommand(corpusContext(), options)).findings;
  } catch (error) {
    const message = isSmartctlError(error) ? `${error.code}: ${error.message}` : `internal error: ${String(error)}`;
    return { case: c, findings: [], top: undefined, inputError: message, pass: false, abstained: false, wrongError: false, why: message };
  }
  const [top] = findings;
  const ids = findings.map((f) => f.id);
  const abst = abstained(top);
  const problems: string[] = [];
  if (c.expect.top !== undefined && top?.id !== c.expect.top) problems.push(`top: expected ${c.expect.top}, got ${top?.id ?? 'nothing'} (${ids.join(', ')})`);
  if (c.expect.abstain === true && !abst) problems.push(`expected to abstain, got ${top?.id ?? ''} (${top?.severity ?? ''}, ${top?.role ?? ''})`);
  for (const id of c.expect.absent ?? []) if (ids.includes(id)) problems.push(`${id} must not appear`);
  const wrongError = top !== undefined && top.severity === 'error' && top.role === 'root-cause' && c.expect.top !== top.id && (c.expect.top !== undefined || c.expect.abstain === true || (c.expect.absent ?? []).includes(top.id));
  return { case: c, findings, top, pass: problems.length === 0, abstained: abst, wrongError, why: problems.join('; ') };
}

export interface CorpusSummary {
  cases: number;
  withTop: number;
  topCorrect: number;
  abstainCases: number;
  abstainCorrect: number;
  abstentions: number;
  wrongErrors: CaseResult[];
  failures: CaseResult[];
  catalogIds: string[];
}

export function summarise(results: readonly CaseResult[]): CorpusSummary {
  const withTop = results.filter((r) => r.case.expect.top !== undefined);
  const abst = results.filter((r) => r.case.expect.abstain === true);
  return {
    cases: results.length,
    withTop: withTop.length,
    topCorrect: withTop.filter((r) => r.top?.id === r.case.expect.top).length,
    abstainCases: abst.length,
    abstainCorrect: abst.filter((r) => r.abstained).length,
    abstentions: results.filter((r) => r.abstained).length,
    wrongErrors: results.filter((r) => r.wrongError),
    failures: results.filter((r) => !r.pass),
    catalogIds: [...new Set(results.map((r) => r.case.catalog))].sort(),
  };
}
