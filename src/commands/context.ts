// What a command receives from the CLI instead of touching process itself.
import type { Report } from '../report/report.js';
import type { Trace } from '../report/trace.js';

export interface GlobalOptions {
  json: boolean;
  color: boolean;
  verbose: boolean;
  quiet: boolean;
  debug: boolean;
  showSecrets: boolean;
  /** Per-request network timeout in ms. */
  timeoutMs: number;
  /** Skip TLS verification (explicit --insecure only). */
  insecure: boolean;
  /** Never prompt (--no-input, CI, or no TTY). */
  noInput: boolean;
}

/** Progress lines on stderr; silent with --quiet or --json. */
export interface Narrator {
  step(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  /** Something the user must act on (open this URL, register that one): shown even with --quiet. */
  action(message: string): void;
  /**
   * On a terminal, one line counting down the seconds left ("waiting for the callback:
   * 287 s left"), rewritten in place; elsewhere nothing. Returns the function that stops it.
   */
  countdown?(message: string, ms: number): () => void;
  /**
   * Live progress, only on a terminal (stdout and stderr), outside CI, without --json or
   * --quiet: a line as a step starts ("→ discovery …") and one as it ends ("✓ discovery
   * 62 ms", "✗ token HTTP 401, 7 ms"). Absent elsewhere. Steps of a trace are reported by
   * the CLI itself (it watches the trace); commands call it for steps that are not
   * exchanges (check's tests).
   */
  progress?: StepProgress | undefined;
}

export interface StepProgress {
  start(name: string): void;
  end(name: string, result: { ok: boolean; durationMs: number; detail?: string | undefined }): void;
  /** Shows the trace's steps as they start and end (the CLI calls it as a command makes its trace). */
  watch(trace: Trace): void;
  /** Ends the steps still open: the run is over. */
  finish(): void;
}

export interface CommandContext {
  globals: GlobalOptions;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The user's cache folder for smartctl (may not exist yet): the sandbox caches its signing key there. */
  cacheDir: string;
  narrate: Narrator;
  now(): Date;
  /** True only on a TTY, outside CI and without --no-input: prompts are allowed. */
  interactive: boolean;
  /** Whether stdin is a terminal (then there is nothing piped to read). */
  stdinIsTTY: boolean;
  /** Reads all of stdin as text. */
  readStdin(): Promise<string>;
  /** Renders a report at once (for long-running commands that report on start-up, like sandbox). */
  print(report: Report, options?: { compactJson?: boolean }): void;
  /** Resolves on Ctrl-C / SIGTERM (long-running commands wait on it). */
  untilInterrupted(): Promise<void>;
  /** Told the run's trace as soon as a command makes it, so --har can write it even when the run ends in an error. */
  traceStarted?(trace: Trace): void;
}

/** The sandbox's id_token signing key, kept between starts (see src/sandbox/keys.ts). */
export function sandboxKeyCacheFile(ctx: Pick<CommandContext, 'cacheDir'>): string {
  return `${ctx.cacheDir}/sandbox-id-token-key.json`;
}
