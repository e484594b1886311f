// Live progress on a terminal, as oauth2c shows it: each step of a run as it starts
// ("→ discovery …") and as it ends ("✓ discovery 62 ms", "✗ token HTTP 401, 7 ms"), on
// stderr. A step of a trace is its stage, the step name's first part (discovery.jwks is
// discovery): one start and one end line per stage, however many exchanges it takes.
import type { StepProgress } from '../commands/context.js';
import { safeLine } from '../report/render/terminal-text.js';
import type { Trace, TraceEntry } from '../report/trace.js';

export interface ProgressTerminal {
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  json: boolean;
  quiet: boolean;
  ci: boolean;
}

/** Only where a person watches a terminal: both streams TTYs, no CI, no --json, no --quiet. */
export function progressWanted(t: ProgressTerminal): boolean {
  return t.stdoutIsTTY && t.stderrIsTTY && !t.json && !t.quiet && !t.ci;
}

function stageOf(step: string): string {
  return step.split('.')[0] ?? step;
}

interface Active {
  started: number;
  ended: number;
  inFlight: number;
  failure?: string | undefined;
}

/** The narrator's side: step lines, trace watching, and settling before other narration. */
export interface LiveProgress extends StepProgress {
  /** Ends the stages with no request in flight: the run moved on (a narration line is about to be written). */
  settle(): void;
}

/**
 * Turns a trace's exchanges into step lines. A stage ends when another one starts, when
 * an event is recorded (the callback arrived, the sandbox started) while none of its
 * requests is in flight, or when the run ends.
 */
export function makeLiveProgress(write: (text: string) => void, clock: () => number, dim: (text: string) => string = (t) => t): LiveProgress {
  const line = {
    start: (name: string): void => write(`${dim('→')} ${safeLine(name)} …\n`),
    end: (name: string, r: { ok: boolean; durationMs: number; detail?: string | undefined }): void => {
      const ms = `${Math.max(0, Math.round(r.durationMs))} ms`;
      write(r.ok ? `✓ ${safeLine(name)} ${dim(ms)}\n` : `✗ ${safeLine(name)}${r.detail === undefined ? '' : ` ${safeLine(r.detail)}`}, ${dim(ms)}\n`);
    },
  };
  const active = new Map<string, Active>();
  const end = (stage: string, a: Active): void => {
    active.delete(stage);
    line.end(stage, { ok: a.failure === undefined, durationMs: a.ended - a.started, detail: a.failure });
  };
  const endIdle = (except?: string): void => {
    for (const [stage, a] of [...active]) if (stage !== except && a.inFlight === 0) end(stage, a);
  };
  return {
    start: (name) => {
      endIdle();
      line.start(name);
    },
    end: (name, r) => line.end(name, r),
    settle: () => endIdle(),
    watch: (trace) =>
      trace.observe({
        exchangeStarting: (step) => {
          const stage = stageOf(step);
          const a = active.get(stage);
          if (a !== undefined) {
            a.inFlight += 1;
            return;
          }
          endIdle(stage);
          const now = clock();
          active.set(stage, { started: now, ended: now, inFlight: 1 });
          line.start(stage);
        },
        added: (entry: TraceEntry) => {
          if (entry.type === 'event') {
            endIdle();
            return;
          }
          const a = active.get(stageOf(entry.step));
          if (a === undefined) return;
          a.inFlight = Math.max(0, a.inFlight - 1);
          a.ended = clock();
          if (a.failure === undefined) {
            if (entry.error !== undefined) a.failure = entry.error.code;
            else if (entry.response !== undefined && entry.response.status >= 400) a.failure = `HTTP ${entry.response.status}`;
          }
        },
      }),
    finish: () => {
      for (const [stage, a] of [...active]) end(stage, a);
    },
  };
}
