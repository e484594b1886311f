// The runner: picks the tests (--only groups, --skip ids), skips those whose needs are
// not met (with the reason), runs the rest with bounded concurrency, each with its own
// trace and client, and turns a failure's trace into findings through the diagnosis
// engine. A network error inside a test fails that test; it never ends the run.
import { isSmartctlError, type SmartctlError } from '../errors.js';
import { HttpClient } from '../http/client.js';
import { diagnose, evidenceFromTrace } from '../diagnose/index.js';
import { makeFinding, type Finding } from '../report/finding.js';
import { specUrl } from '../report/spec-links.js';
import { Trace, type HttpExchange } from '../report/trace.js';
import { GROUPS, NEED_REASONS, type CheckInputs, type CheckSummary, type CheckTest, type LoginRunner, type Need, type TestContext, type TestResult, type Verdict } from './types.js';
import type { DiscoveryResult } from '../protocol/discovery/types.js';

export interface RunOptions {
  inputs: CheckInputs;
  /** Needs the inputs meet. */
  available: ReadonlySet<Need>;
  discovery?: DiscoveryResult | undefined;
  /** Why discovery stopped, when the server answered but a source it names could not be read. */
  discoveryError?: SmartctlError | undefined;
  discoveryExchanges?: readonly HttpExchange[] | undefined;
  /** Tests at once (bounded: a server under test is not a load test). */
  concurrency: number;
  timeoutMs: number;
  insecure: boolean;
  now(): Date;
  /** performance.now-like clock for durations (passed in: the runner keeps no clock of its own). */
  clock(): number;
  login?: LoginRunner | undefined;
  loginByPerson?: boolean | undefined;
  /** Called as each test that runs (is not skipped) starts (live progress). */
  onStart?: ((test: CheckTest) => void) | undefined;
  /** Called as each test ends (progress narration). */
  onResult?: ((result: TestResult) => void) | undefined;
}

/** --only and --skip: groups to keep (empty: all) and test ids to leave out. */
export function selectTests(tests: readonly CheckTest[], only: readonly string[], skip: readonly string[]): CheckTest[] {
  return tests.filter((t) => (only.length === 0 || only.includes(t.group)) && !skip.includes(t.id));
}

function skipped(test: CheckTest, reason: string): TestResult {
  return { id: test.id, group: test.group, title: test.title, result: 'skip', reason, spec: specUrl(test.spec), durationMs: 0, findings: [], evidence: [], exchanges: [] };
}

function crashFinding(test: CheckTest, error: unknown): Finding {
  if (isSmartctlError(error)) {
    return makeFinding({ id: error.kind === 'network' ? 'check-request-failed' : 'check-input-error', severity: 'error', title: `${test.id}: ${error.message}`, detail: error.hint ?? error.message, fix: error.kind === 'network' ? 'Check that the server is up and answers this endpoint; rerun with --verbose.' : 'Check the inputs this test uses.' });
  }
  const message = error instanceof Error ? error.message : String(error);
  return makeFinding({ id: 'check-internal-error', severity: 'error', title: `${test.id} stopped with an internal error: ${message}`, detail: 'This is a bug in smartctl, not in the server; rerun with --debug and report it.' });
}

async function runOne(test: CheckTest, o: RunOptions): Promise<TestResult> {
  const missing = test.needs.filter((n) => !o.available.has(n));
  if (missing.length > 0) return skipped(test, missing.map((n) => NEED_REASONS[n]).join('; '));
  o.onStart?.(test);
  const trace = new Trace();
  const http = new HttpClient({ trace, timeoutMs: o.timeoutMs, insecure: o.insecure });
  const ctx: TestContext = { http, trace, inputs: o.inputs, discovery: o.discovery, discoveryError: o.discoveryError, discoveryExchanges: o.discoveryExchanges ?? [], now: o.now, login: o.login, loginByPerson: o.loginByPerson };
  const started = o.clock();
  let verdict: Verdict;
  try {
    verdict = await test.run(ctx);
  } catch (error) {
    verdict = { outcome: 'fail', findings: [crashFinding(test, error)] };
  } finally {
    await http.close();
  }
  const durationMs = Math.round(o.clock() - started);
  const exchanges = [...(verdict.shared ?? []), ...trace.exchanges()];
  let findings = verdict.findings ?? [];
  if (verdict.outcome === 'fail') {
    // The test's own errors say what failed; the rules may name a deeper cause, ranked above them.
    findings = findings.map((f) => (f.role === undefined && f.severity === 'error' ? { ...f, role: 'root-cause' as const, basis: f.basis ?? ('circumstance' as const) } : f));
    // The diagnosis engine over this test's own trace explains the failure.
    findings = diagnose(evidenceFromTrace([...(verdict.shared ?? []), ...trace.entries], verdict.context ?? {}), { now: o.now() }, findings);
  }
  const evidence = verdict.evidence ?? exchanges.map((e) => e.id);
  return { id: test.id, group: test.group, title: test.title, result: verdict.outcome, reason: verdict.reason, spec: specUrl(test.spec), durationMs, findings, evidence, exchanges };
}

/** Runs the tests, at most `concurrency` at once; results come back in the tests' order. */
export async function runTests(tests: readonly CheckTest[], o: RunOptions): Promise<TestResult[]> {
  const results: Array<TestResult | undefined> = new Array(tests.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tests.length) {
      const index = next++;
      const test = tests[index] as CheckTest;
      const result = await runOne(test, o);
      results[index] = result;
      o.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, tests.length)) }, worker));
  const order = (t: TestResult): number => GROUPS.indexOf(t.group);
  return results.filter((r): r is TestResult => r !== undefined).sort((a, b) => order(a) - order(b));
}

export function summarize(results: readonly TestResult[]): CheckSummary {
  const count = (o: TestResult['result']): number => results.filter((r) => r.result === o).length;
  return { passed: count('pass'), failed: count('fail'), warned: count('warn'), skipped: count('skip') };
}
