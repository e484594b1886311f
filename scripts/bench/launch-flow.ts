// The whole launch flow as a user runs it in CI: `smartctl launch --sandbox --headless
// --json` (sandbox start, discovery, authorize, code exchange, id_token validation,
// FHIR probe), a whole process against `node -e 0`. Targets (issue 10): median <= 4x,
// peak RSS <= 100 MB. Phase times come from the report's own trace (each exchange's
// start and duration, the sandbox-started event), so they cost the run nothing.
import type { BenchSuite } from './harness.js';

interface Entry {
  type: string;
  name?: string;
  step?: string;
  at?: string;
  startedAt?: string;
  durationMs?: number;
  data?: { beganAt?: string };
}

/**
 * Contiguous phases, each ending where the next begins, so they add up to the wall time:
 * start-up (spawn to the command starting the sandbox), sandbox ready, discovery,
 * authorize (to the callback), token, validation (id_token: JWKS + signature, up to the
 * first FHIR read), probe, and report + exit.
 */
export function launchPhases(stdout: string, spawnedAt: number, exitedAt: number): Record<string, number> | undefined {
  let trace: Entry[];
  try {
    trace = (JSON.parse(stdout) as { trace: Entry[] }).trace;
  } catch {
    return undefined;
  }
  const time = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));
  const end = (e: Entry | undefined): number | undefined => {
    const start = time(e?.startedAt);
    return start === undefined ? undefined : start + (e?.durationMs ?? 0);
  };
  const steps = (prefix: string): Entry[] => trace.filter((e) => e.type === 'exchange' && (e.step === prefix || e.step?.startsWith(`${prefix}.`) === true));
  const sandbox = trace.find((e) => e.name === 'sandbox-started');
  const marks: Array<[string, number | undefined]> = [
    ['start-up', time(sandbox?.data?.beganAt)],
    ['sandbox ready', time(sandbox?.at)],
    ['discovery', end(steps('discovery').at(-1))],
    ['authorize', end(steps('callback').at(-1))],
    ['token', end(steps('token').at(-1))],
    ['validation', time(steps('fhir.probe')[0]?.startedAt)],
    ['probe', end(steps('fhir.probe').at(-1))],
    ['report + exit', exitedAt],
  ];
  const phases: Record<string, number> = {};
  let previous = spawnedAt;
  for (const [name, at] of marks) {
    if (at === undefined) return undefined;
    phases[name] = at - previous;
    previous = at;
  }
  return phases;
}

export const suite: BenchSuite = {
  name: 'launch',
  description: 'smartctl launch --sandbox --headless --json, whole process (targets: <= 4x node -e 0, peak RSS <= 100 MB), then its phases',
  async run(ctx) {
    // The sandbox's id_token key is cached per user; the first (unmeasured) run makes it in the bench's own cache folder.
    const env = { CI: '1', XDG_CACHE_HOME: ctx.tmpDir };
    const result = await ctx.measureProcess({ label: 'launch --sandbox --headless --json', args: ctx.smartctl('launch', '--sandbox', '--headless', '--json'), target: 4, env, phases: launchPhases });
    const rss = result.peakRssMb;
    if (rss !== undefined) ctx.note(`peak RSS ${rss.toFixed(1)} MB (target <= 100 MB: ${rss <= 100 ? 'met' : 'MISSED'})`);
    await ctx.measureProcess({ label: 'the same, key cache empty', args: ctx.smartctl('launch', '--sandbox', '--headless', '--json'), env: { CI: '1', XDG_CACHE_HOME: '/dev/null/smartctl-bench' }, runs: 3 });
    ctx.note('key cache empty: XDG_CACHE_HOME cannot be written, so every run generates the RSA-2048 id_token key, as every start did before the cache (and compiles without the code cache)');
  },
};
