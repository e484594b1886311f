// The steps of a run for --json: one entry per step name, in the order the run reached
// them, with the exchanges that make it up. Derived from the trace, like everything else.
import { isExchange, type TraceEntry } from './trace.js';

export type StepStatus = 'ok' | 'failed' | 'skipped';

export interface Step {
  name: string;
  status: StepStatus;
  /** ISO time of the step's first request; null for a step with no exchange (skipped, or failed before sending). */
  startedAt: string | null;
  /** From the first request's start to the end of the last exchange, in ms. */
  durationMs: number;
  /** Trace ids of the step's exchanges. */
  exchanges: number[];
}

export interface StepsOptions {
  /** The stage the run stopped at ("discovery", "token" ...): its last step failed. */
  stoppedAt?: string | undefined;
  /** The stages in the order the flow runs them: those after stoppedAt are skipped. */
  stages?: readonly string[] | undefined;
}

const inStage = (name: string, stage: string): boolean => name === stage || name.startsWith(`${stage}.`);

/** An exchange failed when no answer came or the answer is an HTTP error status. */
function exchangeFailed(e: { error?: unknown; response?: { status: number } | undefined }): boolean {
  return e.error !== undefined || e.response === undefined || e.response.status >= 400;
}

export function stepsFromTrace(entries: readonly TraceEntry[], options: StepsOptions = {}): Step[] {
  const steps: Step[] = [];
  const ends = new Map<Step, number>();
  for (const e of entries.filter(isExchange)) {
    let step = steps.find((s) => s.name === e.step);
    const start = Date.parse(e.startedAt);
    if (step === undefined) {
      step = { name: e.step, status: 'ok', startedAt: e.startedAt, durationMs: 0, exchanges: [] };
      steps.push(step);
    }
    step.exchanges.push(e.id);
    if (exchangeFailed(e)) step.status = 'failed';
    const end = Math.max(ends.get(step) ?? 0, start + e.durationMs);
    ends.set(step, end);
    step.durationMs = Math.max(0, Math.round(end - Date.parse(step.startedAt ?? e.startedAt)));
  }
  const stop = options.stoppedAt;
  if (stop === undefined) return steps;
  const last = [...steps].reverse().find((s) => inStage(s.name, stop));
  if (last !== undefined) last.status = 'failed';
  else steps.push({ name: stop, status: 'failed', startedAt: null, durationMs: 0, exchanges: [] });
  const stages = options.stages ?? [];
  const at = stages.indexOf(stop);
  if (at !== -1) {
    for (const stage of stages.slice(at + 1)) {
      if (!steps.some((s) => inStage(s.name, stage))) steps.push({ name: stage, status: 'skipped', startedAt: null, durationMs: 0, exchanges: [] });
    }
  }
  return steps;
}
