// The bench harness: times whole processes against `node -e 0` in the same run,
// interleaved so both see the same machine load, and prints medians and ratios.
// Suites get a BenchContext (see scripts/bench.ts for how a suite is shaped).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface ProcessCase {
  /** Row label, e.g. "smartctl --version". */
  label: string;
  /** Arguments to node, e.g. ctx.smartctl('--version') or ['-e', '0']. */
  args: string[];
  /** Written to the child's stdin. */
  stdin?: string | undefined;
  cwd?: string | undefined;
  env?: Record<string, string> | undefined;
  /** Exit codes that mean the case ran as intended (default [0]). Others: the row says so and is not timed. */
  expectExit?: number[] | undefined;
  /** Target: median at most this many times the `node -e 0` median. */
  target?: number | undefined;
  /** Rounds for this case (default: the run's --runs). */
  runs?: number | undefined;
  /**
   * Reads one run's stdout into named phase durations (ms), given when the child was
   * spawned and when it exited (epoch ms); the row is followed by each phase's median
   * and min-max over the timed runs.
   */
  phases?: ((stdout: string, spawnedAt: number, exitedAt: number) => Record<string, number> | undefined) | undefined;
}

export interface CaseResult {
  label: string;
  /** Median wall time of the whole process, ms. */
  medianMs: number;
  /** Median of the `node -e 0` runs interleaved with this case, ms. */
  baselineMs: number;
  /** Median of the per-pair ratios (each run over the node -e 0 run just before it). */
  ratio: number;
  /** Smallest and largest per-pair ratio. */
  ratioMin: number;
  ratioMax: number;
  minMs: number;
  maxMs: number;
  runs: number;
  target?: number | undefined;
  /** Peak resident set size of one separate run, MB. */
  peakRssMb?: number | undefined;
  /** Set when the case could not run as intended (then no timing). */
  skipped?: string | undefined;
  /** Median, min and max of each phase (ProcessCase.phases), in the order first seen. */
  phases?: Array<{ name: string; medianMs: number; minMs: number; maxMs: number }> | undefined;
}

export interface AsyncResult {
  label: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

/** A free-form row (for suites that measure something other than a process). */
export interface BenchRow {
  label: string;
  medianMs?: number | undefined;
  ratio?: number | undefined;
  ratioMin?: number | undefined;
  ratioMax?: number | undefined;
  target?: number | undefined;
  peakRssMb?: number | undefined;
  note?: string | undefined;
}

export interface BenchContext {
  readonly repoRoot: string;
  /** bin/smartctl.js (the built CLI). */
  readonly bin: string;
  /** Scratch directory for this run, removed at the end. */
  readonly tmpDir: string;
  /** Rounds per case (--runs). */
  readonly runs: number;
  /** node args that run the built CLI: [bin, ...args]. */
  smartctl(...args: string[]): string[];
  /** Writes a scratch file and returns its absolute path. */
  scratch(name: string, content: string, mode?: number): string;
  /** False when --case filters leave this label out (a suite may skip its own extra work). */
  wants(label: string): boolean;
  /** Times a whole process, interleaved with `node -e 0`; prints and returns the row (skipped, unprinted, when --case leaves it out). */
  measureProcess(c: ProcessCase): Promise<CaseResult>;
  /** Times an in-process async function (for servers a suite starts itself); prints and returns the row. */
  measureAsync(label: string, fn: () => Promise<unknown>, options?: { runs?: number; warmup?: number; note?: string }): Promise<AsyncResult>;
  /** Runs node once with these args and returns its output (for a child that measures itself). */
  exec(args: string[], options?: { stdin?: string; cwd?: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string; ms: number }>;
  /** Prints a free-form row. */
  row(row: BenchRow): void;
  /** Prints an indented note line under the suite. */
  note(text: string): void;
}

export interface BenchSuite {
  /** Short kebab-case name, used by --suite. */
  name: string;
  /** One line printed above the suite's rows. */
  description: string;
  run(ctx: BenchContext): Promise<void>;
}

interface RunResult {
  ms: number;
  code: number;
  stderr: string;
  stdout: string;
  spawnedAt: number;
  exitedAt: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function runOnce(args: readonly string[], options: { stdin?: string | undefined; cwd?: string | undefined; env?: Record<string, string> | undefined; stdout?: boolean | undefined }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', options.stdout === true ? 'pipe' : 'ignore', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code: code ?? -1, stderr, stdout, spawnedAt, exitedAt: Date.now() }));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.stdin ?? '');
  });
}

function execOnce(args: readonly string[], options: { stdin?: string | undefined; cwd?: string | undefined; env?: Record<string, string> | undefined }): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

const RSS_HOOK = `import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  const file = process.env.SMARTCTL_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
`;

function formatMs(ms: number | undefined): string {
  return ms === undefined || Number.isNaN(ms) ? '' : `${ms.toFixed(1)} ms`;
}

function formatRatio(ratio: number | undefined, min?: number, max?: number): string {
  if (ratio === undefined || Number.isNaN(ratio)) return '';
  return min === undefined || max === undefined ? `${ratio.toFixed(2)}x` : `${ratio.toFixed(2)}x (${min.toFixed(2)}-${max.toFixed(2)})`;
}

function verdict(ratio: number | undefined, target: number | undefined): string {
  if (target === undefined) return '';
  const goal = `<= ${target}x`;
  if (ratio === undefined || Number.isNaN(ratio)) return goal;
  // Judged on the ratio as printed (2 decimals), so the verdict never contradicts the figure beside it.
  return `${goal} ${Number(ratio.toFixed(2)) <= target ? 'met' : 'MISSED'}`;
}

export interface HarnessOptions {
  repoRoot: string;
  runs: number;
  warmup: number;
  /** --case filters: when any, only process cases whose label contains one of them run. */
  cases?: string[];
  /** Rows are also collected here (for --json). */
  rows: Array<BenchRow & { suite: string; skipped?: string | undefined; baselineMs?: number | undefined }>;
  print(line: string): void;
}

export class Harness {
  readonly tmpDir: string;
  private readonly rssHook: string;

  constructor(private readonly options: HarnessOptions) {
    this.tmpDir = mkdtempSync(path.join(tmpdir(), 'smartctl-bench-'));
    this.rssHook = path.join(this.tmpDir, 'rss-hook.mjs');
    writeFileSync(this.rssHook, RSS_HOOK);
  }

  close(): void {
    rmSync(this.tmpDir, { recursive: true, force: true });
  }

  header(): void {
    this.options.print(`  ${'case'.padEnd(36)} ${'median'.padStart(10)} ${'node -e 0'.padStart(10)} ${'ratio (min-max)'.padStart(19)}  ${'target'.padEnd(14)} ${'peak RSS'.padStart(9)}`);
  }

  /** Peak RSS of one run of these node args, in MB (undefined if it could not be read). */
  async peakRss(args: readonly string[], c: { stdin?: string | undefined; cwd?: string | undefined; env?: Record<string, string> | undefined }): Promise<number | undefined> {
    const file = path.join(this.tmpDir, `rss-${Math.random().toString(36).slice(2)}.txt`);
    await runOnce(['--import', `file://${this.rssHook}`, ...args], { ...c, env: { ...c.env, SMARTCTL_BENCH_RSS_FILE: file } });
    if (!existsSync(file)) return undefined;
    const kb = Number(readFileSync(file, 'utf8'));
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  }

  context(suite: BenchSuite): BenchContext {
    const { repoRoot, runs, warmup, print, rows } = this.options;
    const bin = path.join(repoRoot, 'bin', 'smartctl.js');
    const printRow = (r: BenchRow & { baselineMs?: number | undefined; skipped?: string | undefined }): void => {
      rows.push({ suite: suite.name, ...r });
      if (r.skipped !== undefined) {
        print(`  ${r.label.padEnd(36)} not run: ${r.skipped}`);
        return;
      }
      const rss = r.peakRssMb === undefined ? '' : `${r.peakRssMb.toFixed(1)} MB`;
      const line = `  ${r.label.padEnd(36)} ${formatMs(r.medianMs).padStart(10)} ${formatMs(r.baselineMs).padStart(10)} ${formatRatio(r.ratio, r.ratioMin, r.ratioMax).padStart(19)}  ${verdict(r.ratio, r.target).padEnd(14)} ${rss.padStart(9)}`;
      print(r.note === undefined ? line.trimEnd() : `${line.trimEnd()}  ${r.note}`);
    };
    const tmpDir = this.tmpDir;
    const cases = this.options.cases ?? [];
    const wants = (label: string): boolean => cases.length === 0 || cases.some((c) => label.includes(c));
    return {
      wants,
      repoRoot,
      bin,
      tmpDir,
      runs,
      smartctl: (...args) => [bin, ...args],
      scratch: (name, content, mode) => {
        const file = path.join(tmpDir, name);
        writeFileSync(file, content, mode === undefined ? undefined : { mode });
        return file;
      },
      row: (r) => printRow(r),
      exec: (args, options = {}) => execOnce(args, options),
      note: (text) => print(`  ${text}`),
      measureProcess: async (c) => {
        if (!wants(c.label)) {
          return { label: c.label, medianMs: Number.NaN, baselineMs: Number.NaN, ratio: Number.NaN, ratioMin: Number.NaN, ratioMax: Number.NaN, minMs: Number.NaN, maxMs: Number.NaN, runs: 0, target: c.target, skipped: 'left out by --case' };
        }
        const expect = c.expectExit ?? [0];
        const rounds = c.runs ?? runs;
        const check = await runOnce(c.args, c);
        if (!expect.includes(check.code)) {
          const why = check.stderr.trim().split('\n')[0] ?? '';
          const result: CaseResult = { label: c.label, medianMs: Number.NaN, baselineMs: Number.NaN, ratio: Number.NaN, ratioMin: Number.NaN, ratioMax: Number.NaN, minMs: Number.NaN, maxMs: Number.NaN, runs: 0, target: c.target, skipped: `exit ${check.code}${why === '' ? '' : `: ${why}`}` };
          printRow({ label: c.label, target: c.target, skipped: result.skipped });
          return result;
        }
        for (let i = 0; i < warmup; i++) {
          await runOnce(['-e', '0'], {});
          await runOnce(c.args, c);
        }
        const base: number[] = [];
        const times: number[] = [];
        const ratios: number[] = [];
        const phaseRuns = new Map<string, number[]>();
        // Paired and interleaved: each run is divided by the node -e 0 run just before it,
        // so a burst of load on the shared machine hits both halves of a pair alike.
        for (let i = 0; i < rounds; i++) {
          const b = await runOnce(['-e', '0'], {});
          const r = await runOnce(c.args, { ...c, stdout: c.phases !== undefined });
          base.push(b.ms);
          times.push(r.ms);
          ratios.push(r.ms / b.ms);
          const phases = c.phases?.(r.stdout, r.spawnedAt, r.exitedAt);
          for (const [name, ms] of Object.entries(phases ?? {})) phaseRuns.set(name, [...(phaseRuns.get(name) ?? []), ms]);
        }
        const peakRssMb = await this.peakRss(c.args, c);
        const medianMs = median(times);
        const baselineMs = median(base);
        const result: CaseResult = {
          label: c.label,
          medianMs,
          baselineMs,
          ratio: median(ratios),
          ratioMin: Math.min(...ratios),
          ratioMax: Math.max(...ratios),
          minMs: Math.min(...times),
          maxMs: Math.max(...times),
          runs: rounds,
          target: c.target,
          peakRssMb,
          phases: [...phaseRuns].map(([name, ms]) => ({ name, medianMs: median(ms), minMs: Math.min(...ms), maxMs: Math.max(...ms) })),
        };
        printRow({ label: c.label, medianMs, baselineMs, ratio: result.ratio, ratioMin: result.ratioMin, ratioMax: result.ratioMax, target: c.target, peakRssMb });
        for (const p of result.phases ?? []) print(`      ${p.name.padEnd(32)} ${formatMs(p.medianMs).padStart(10)}  (${p.minMs.toFixed(1)}-${p.maxMs.toFixed(1)} ms)`);
        return result;
      },
      measureAsync: async (label, fn, options = {}) => {
        const rounds = options.runs ?? runs;
        for (let i = 0; i < (options.warmup ?? warmup); i++) await fn();
        const times: number[] = [];
        for (let i = 0; i < rounds; i++) {
          const started = performance.now();
          await fn();
          times.push(performance.now() - started);
        }
        const result: AsyncResult = { label, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), runs: rounds };
        printRow({ label, medianMs: result.medianMs, note: options.note });
        return result;
      },
    };
  }
}
