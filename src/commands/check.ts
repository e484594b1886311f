// smartctl check <fhir-base>: the conformance and smoke suite. Resolves the inputs
// (flags; the embedded sandbox with --sandbox), discovers once, runs the tests of
// src/check/ with bounded concurrency, and reports one line per test, --json, and
// --junit. Exit 0 all passed (warnings too, unless --fail-on warning), 1 a test failed,
// 2 usage/config, 3 the server could not be reached at all (the report is still printed).
import { chmod, writeFile } from 'node:fs/promises';
import { isSmartctlError, networkError, usageError, type SmartctlError } from '../errors.js';
import { makeFinding } from '../report/finding.js';
import { redactReport } from '../report/redact.js';
import { makeReport, type Report } from '../report/report.js';
import { Trace, type HttpExchange } from '../report/trace.js';
import type { SandboxHandle } from '../sandbox/types.js';
import { checkSections, reportFindings, summaryLine, testLine } from '../check/render.js';
import { GROUPS, type CheckInputs, type CheckTest, type LoginRunner, type Need, type OidcInputs, type TestResult } from '../check/types.js';
import type { CommandContext } from './context.js';
import { resolveClientAuth, type ClientAuthOptions } from './client-auth-options.js';

/** The app client's authentication flags are the ones launch and token take (ClientAuthOptions). */
export interface CheckOptions extends Omit<ClientAuthOptions, 'assertionInHeader'> {
  sandbox?: boolean;
  sandboxFault?: string[];
  scope?: string;
  redirectUri?: string;
  backendClientId?: string;
  backendKey?: string;
  backendKid?: string;
  backendScope?: string;
  ehrLaunchUrl?: string;
  otherPatient?: string;
  secondClientId?: string;
  secondClientSecretFile?: string;
  only?: string;
  skip?: string;
  junit?: string;
  failOn?: 'error' | 'warning';
  concurrency?: number;
  config?: string;
  profile?: string;
  login?: string;
  oidc?: string;
  oidcClientId?: string;
  oidcClientSecretFile?: string;
  /** Resolved from a profile's secret reference (never a flag). */
  oidcClientSecret?: string;
  oidcClaim?: string[];
  /** false with --no-auto-approve. */
  autoApprove?: boolean;
}

export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** --only groups and --skip ids must name real ones: a typo would silently test nothing. */
export function checkSelection(tests: readonly CheckTest[], only: readonly string[], skip: readonly string[]): void {
  const badGroups = only.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (badGroups.length > 0) throw usageError('check-unknown-group', `--only: unknown group ${badGroups.map((g) => `"${g}"`).join(', ')}`, `Groups: ${GROUPS.join(', ')}.`);
  const ids = new Set(tests.map((t) => t.id));
  const badIds = skip.filter((id) => !ids.has(id));
  if (badIds.length > 0) throw usageError('check-unknown-test', `--skip: unknown test id ${badIds.map((id) => `"${id}"`).join(', ')}`, 'Run `smartctl check --help` or see the README for every test id.');
}

async function loadKey(file: string, kid: string | undefined): Promise<import('../protocol/keys.js').LoadedKey> {
  const [{ loadPrivateKey }, { readTextFile }] = await Promise.all([import('../protocol/keys.js'), import('../flows/local-file.js')]);
  return loadPrivateKey(await readTextFile(file, 'key file'), { kid });
}

async function sandboxInputs(sandbox: SandboxHandle, o: CheckOptions): Promise<CheckInputs> {
  const backend = sandbox.clients.find((c) => c.client_id === sandbox.demoClients.backend);
  const confidential = sandbox.clients.find((c) => c.client_id === sandbox.demoClients.confidential);
  const key = backend?.private_key_file === undefined ? undefined : await loadKey(backend.private_key_file, undefined);
  return {
    fhirBaseUrl: sandbox.fhirBaseUrl,
    client: { auth: { method: 'none', clientId: sandbox.demoClients.public }, redirectUri: o.redirectUri ?? DEFAULT_REDIRECT_URI, scope: o.scope },
    backend: key === undefined ? undefined : { clientId: sandbox.demoClients.backend, key, scope: o.backendScope },
    ehrLaunchUrl: sandbox.ehrLaunchUrl,
    otherPatient: o.otherPatient,
    secondClient: confidential?.client_secret === undefined ? undefined : { method: 'client_secret_basic', clientId: confidential.client_id, clientSecret: confidential.client_secret },
  };
}

async function flagInputs(ctx: CommandContext, fhirBase: string | undefined, o: CheckOptions): Promise<CheckInputs> {
  if (o.ehrLaunchUrl !== undefined) (await import('../http/client.js')).parseHttpUrl(o.ehrLaunchUrl, '--ehr-launch-url');
  const inputs: CheckInputs = { fhirBaseUrl: fhirBase, ehrLaunchUrl: o.ehrLaunchUrl, otherPatient: o.otherPatient };
  if (o.clientId !== undefined) {
    // Never a prompt: check is for CI.
    const auth = await resolveClientAuth({ ...ctx, interactive: false }, o, o.clientId);
    inputs.client = { auth, redirectUri: o.redirectUri ?? DEFAULT_REDIRECT_URI, scope: o.scope };
  } else if (o.clientSecret !== undefined || o.clientSecretFile !== undefined || o.key !== undefined) {
    throw usageError('option-missing', 'a client secret or key was given without --client-id', 'Pass --client-id <id> with it.');
  }
  if (o.secondClientId !== undefined) {
    const secret = o.secondClientSecretFile === undefined ? undefined : (await (await import('../flows/local-file.js')).readTextFile(o.secondClientSecretFile, 'second client secret file')).trim();
    inputs.secondClient = { method: secret === undefined ? 'none' : 'client_secret_basic', clientId: o.secondClientId, clientSecret: secret };
  }
  if (o.backendClientId !== undefined || o.backendKey !== undefined) {
    if (o.backendClientId === undefined || o.backendKey === undefined) throw usageError('option-missing', 'backend services need both --backend-client-id and --backend-key', 'Pass the backend client id and its private key (PEM, JWK or JWKS).');
    inputs.backend = { clientId: o.backendClientId, key: await loadKey(o.backendKey, o.backendKid), scope: o.backendScope };
  }
  return inputs;
}

export function availableNeeds(inputs: CheckInputs): Set<Need> {
  const needs = new Set<Need>();
  if (inputs.fhirBaseUrl !== undefined) needs.add('fhir-base');
  if (inputs.client !== undefined) needs.add('client').add('refresh-client');
  if (inputs.backend !== undefined) needs.add('backend-client');
  if (inputs.ehrLaunchUrl !== undefined) needs.add('ehr-launcher');
  if (inputs.oidc !== undefined) needs.add('oidc-issuer');
  if (inputs.oidc?.client !== undefined) needs.add('oidc-client');
  return needs;
}

export interface CheckRun {
  results: TestResult[];
  durationMs: number;
  unreachable?: SmartctlError | undefined;
  fhirBaseUrl?: string | undefined;
  /** The shared discovery's exchanges (the discovery tests' evidence; --har lists them once). */
  discoveryExchanges?: readonly HttpExchange[] | undefined;
}

/** Builds the report: ok follows the tests and --fail-on, not the findings alone. */
export function checkReport(run: CheckRun, failOn: 'error' | 'warning'): Report {
  const { results } = run;
  const summary = { passed: 0, failed: 0, warned: 0, skipped: 0 };
  for (const r of results) {
    if (r.result === 'pass') summary.passed++;
    else if (r.result === 'fail') summary.failed++;
    else if (r.result === 'warn') summary.warned++;
    else summary.skipped++;
  }
  const findings = reportFindings(results);
  if (run.unreachable !== undefined) findings.unshift(makeFinding({ id: 'server-unreachable', severity: 'error', title: `the server could not be reached: ${run.unreachable.message}`, detail: run.unreachable.hint ?? run.unreachable.message, fix: 'Check the FHIR base URL and that the server is up; nothing was tested.' }));
  const report = makeReport({
    command: 'check',
    findings,
    data: { fhirBaseUrl: run.fhirBaseUrl ?? null, summary, durationMs: Math.round(run.durationMs), tests: results },
    sections: checkSections(results),
    summary: summaryLine(summary, run.durationMs),
    // For --har: every test's exchanges, on a page per test (the tests ran concurrently, each with its own trace).
    exchangeGroups: [{ id: 'discovery', title: 'the shared discovery', exchanges: run.discoveryExchanges ?? [] }, ...results.map((r) => ({ id: r.id, title: r.title, exchanges: r.exchanges }))],
  });
  const ok = run.unreachable === undefined && summary.failed === 0 && (failOn !== 'warning' || summary.warned === 0);
  return { ...report, ok };
}

export async function checkCommand(ctx: CommandContext, fhirBaseFlag: string | undefined, flags: CheckOptions): Promise<Report> {
  const started = performance.now();
  const { fhirBase: fhirBaseArg, options: o } = await withProfile(ctx, fhirBaseFlag, flags);
  const skip = list(o.skip);
  // check --oidc <issuer> alone checks the provider only.
  const only = o.only === undefined && fhirBaseArg === undefined && o.sandbox !== true && o.oidc !== undefined ? ['oidc'] : list(o.only);
  const failOn = o.failOn ?? 'error';
  const [{ SMART_TESTS }, { selectTests, runTests }] = await Promise.all([import('../check/suite.js'), import('../check/runner.js')]);
  checkSelection(SMART_TESTS, only, skip);
  if (o.sandbox === true && fhirBaseArg !== undefined) throw usageError('option-conflict', 'give either <fhir-base> or --sandbox, not both', 'Use --sandbox to check the embedded sandbox.');
  if (o.sandbox !== true && fhirBaseArg === undefined && o.oidc === undefined) throw usageError('option-missing', 'missing <fhir-base> (or --sandbox)', 'Run `smartctl check https://fhir.example.org/r4 --client-id my-app`, or `smartctl check --sandbox` for a self-test.');
  if (o.sandbox !== true && (o.sandboxFault ?? []).length > 0) throw usageError('option-conflict', '--sandbox-fault needs --sandbox', 'Add --sandbox.');

  let sandbox: SandboxHandle | undefined;
  try {
    let inputs: CheckInputs;
    if (o.sandbox === true) {
      const { startSandbox } = await import('../sandbox/index.js');
      sandbox = await startSandbox({ faults: o.sandboxFault ?? [] });
      ctx.narrate.step(`started the embedded sandbox at ${sandbox.fhirBaseUrl}${sandbox.faults.length > 0 ? ` with fault(s) ${sandbox.faults.join(', ')}` : ''}`);
      inputs = await sandboxInputs(sandbox, o);
    } else {
      const { parseHttpUrl } = await import('../http/client.js');
      inputs = await flagInputs(ctx, fhirBaseArg === undefined ? undefined : parseHttpUrl(fhirBaseArg, 'FHIR base URL').href.replace(/\/+$/, ''), o);
    }
    inputs.oidc = await oidcInputs(ctx, o);
    inputs.autoApprove = o.autoApprove !== false;
    let login = o.login === undefined ? undefined : await loginRunner(ctx, o.login);
    let loginByPerson = false;
    // On a terminal (never in CI), a page that needs a person opens in the system browser.
    if (login === undefined && ctx.interactive && inputs.client !== undefined) {
      const { personLogin, redirectHasPort } = await import('../check/person-login.js');
      if (redirectHasPort(inputs.client.redirectUri)) {
        login = personLogin({ action: (m) => ctx.narrate.action(m), now: () => ctx.now(), timeoutMs: 180_000 });
        loginByPerson = true;
      }
    }
    const tests = selectTests(SMART_TESTS, only, skip);
    const run = await runSuite(ctx, inputs, tests, o, started, runTests, login, loginByPerson);
    const report = checkReport(run, failOn);
    if (o.junit !== undefined) await writeJunit(ctx, report, o.junit);
    if (run.unreachable !== undefined) {
      // One document on stdout even so; the error then sets exit 3.
      ctx.print(report);
      throw run.unreachable;
    }
    return report;
  } finally {
    await sandbox?.close();
  }
}

async function runSuite(ctx: CommandContext, inputs: CheckInputs, tests: CheckTest[], o: CheckOptions, started: number, runTests: typeof import('../check/runner.js').runTests, login: LoginRunner | undefined, loginByPerson: boolean): Promise<CheckRun> {
  const [{ HttpClient }, { discover }] = await Promise.all([import('../http/client.js'), import('../flows/discovery.js')]);
  const base = inputs.fhirBaseUrl;
  let discovery;
  let discoveryError: SmartctlError | undefined;
  const trace = new Trace();
  // A server that cannot be reached ends the run in an error: --har and --report still show these exchanges.
  ctx.traceStarted?.(trace);
  if (base !== undefined) {
    ctx.narrate.step(`discovering ${base}`);
    const client = new HttpClient({ trace, timeoutMs: ctx.globals.timeoutMs, insecure: ctx.globals.insecure });
    try {
      discovery = await discover(client, base, { now: ctx.now() });
    } catch (error) {
      if (!isSmartctlError(error) || error.kind !== 'network') throw error;
      // Unreachable at all: neither smart-configuration nor metadata got an answer. Otherwise
      // a source discovery names could not be read: the discovery tests fail with it.
      const answered = trace.exchanges().some((e) => e.response !== undefined && (e.step === 'discovery.smart-configuration' || e.step === 'discovery.metadata'));
      if (!answered) return { results: [], durationMs: performance.now() - started, unreachable: networkError(error.code, error.message, error.hint, error), fhirBaseUrl: base };
      discoveryError = error;
    } finally {
      await client.close();
    }
  }
  ctx.narrate.step(`running ${tests.length} test(s)`);
  const results = await runTests(tests, {
    inputs,
    available: availableNeeds(inputs),
    discovery,
    discoveryError,
    discoveryExchanges: trace.exchanges(),
    concurrency: o.concurrency ?? 4,
    timeoutMs: ctx.globals.timeoutMs,
    insecure: ctx.globals.insecure,
    now: () => ctx.now(),
    clock: () => performance.now(),
    login,
    loginByPerson,
    onStart: (t) => ctx.narrate.progress?.start(t.id),
    onResult: (r) => {
      if (r.result !== 'skip') ctx.narrate.progress?.end(r.id, { ok: r.result !== 'fail', durationMs: r.durationMs, detail: r.result === 'fail' ? 'failed' : undefined });
      if (ctx.globals.verbose) ctx.narrate.info(testLine(r));
    },
  });
  return { results, durationMs: performance.now() - started, fhirBaseUrl: base, discoveryExchanges: trace.exchanges() };
}

async function writeJunit(ctx: CommandContext, report: Report, file: string): Promise<void> {
  const { renderJunit } = await import('../check/junit.js');
  const safe = redactReport(report, ctx.globals.showSecrets);
  try {
    await writeFile(file, renderJunit(safe.data['tests'] as TestResult[], { name: `smartctl check ${String(safe.data['fhirBaseUrl'] ?? '')}`, now: ctx.now() }), { mode: 0o600 });
    await chmod(file, 0o600);
  } catch (error) {
    throw usageError('junit-unwritable', `cannot write the JUnit file "${file}": ${error instanceof Error ? error.message : String(error)}`, 'Check the directory exists and is writable.');
  }
  ctx.narrate.step(`wrote JUnit XML to ${file}`);
}

/** The options in effect: flags, then SMARTCTL_* variables, then the profile. Says where each came from with --verbose. */
export async function withProfile(ctx: CommandContext, fhirBaseArg: string | undefined, o: CheckOptions): Promise<{ fhirBase: string | undefined; options: CheckOptions }> {
  const { loadConfig, pickProfile, resolveSecret, firstOf } = await import('../config/profiles.js');
  const config = await loadConfig({ configFile: o.config, cwd: ctx.cwd, env: ctx.env });
  const picked = pickProfile(config, o.profile, ctx.env);
  const p = picked?.profile ?? {};
  const from = picked === undefined ? 'profile' : `profile "${picked.name}" (${config?.file ?? ''})`;
  const env = (name: string): string | undefined => (ctx.env[name] === '' ? undefined : ctx.env[name]);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const out: CheckOptions = { ...o };
  const sources: Array<[string, string | undefined]> = [];
  const set = <K extends keyof CheckOptions>(key: K, flag: string, r: { value: CheckOptions[K] | undefined; source: string | undefined }): void => {
    out[key] = r.value as CheckOptions[K];
    if (r.value !== undefined) sources.push([flag, r.source]);
  };
  const base = firstOf<string>([fhirBaseArg, '<fhir-base> argument'], [o.sandbox === true ? undefined : env('SMARTCTL_ISS'), 'SMARTCTL_ISS'], [o.sandbox === true ? undefined : str(p.fhirBase), from]);
  if (base.value !== undefined) sources.push(['fhir base', base.source]);
  set('clientId', '--client-id', firstOf([o.clientId, '--client-id'], [env('SMARTCTL_CLIENT_ID'), 'SMARTCTL_CLIENT_ID'], [str(p.clientId), from]));
  for (const [key, flag, field] of [['authMethod', '--auth-method', 'authMethod'], ['key', '--key', 'key'], ['kid', '--kid', 'kid'], ['scope', '--scope', 'scope'], ['redirectUri', '--redirect-uri', 'redirectUri'], ['backendClientId', '--backend-client-id', 'backendClientId'], ['backendKey', '--backend-key', 'backendKey'], ['backendKid', '--backend-kid', 'backendKid'], ['backendScope', '--backend-scope', 'backendScope'], ['ehrLaunchUrl', '--ehr-launch-url', 'ehrLaunchUrl'], ['otherPatient', '--other-patient', 'otherPatient'], ['login', '--login', 'login'], ['oidc', '--oidc', 'oidc'], ['oidcClientId', '--oidc-client-id', 'oidcClientId']] as const) {
    set(key, flag, firstOf<string>([o[key] as string | undefined, flag], [str(p[field]), from]));
  }
  if (o.oidcClaim === undefined && Array.isArray(p.oidcClaims)) set('oidcClaim', '--oidc-claim', { value: p.oidcClaims, source: from });
  // Secrets: a flag, then SMARTCTL_CLIENT_SECRET (read later by the client setup), then the profile's reference.
  const secretRef = p.clientSecret;
  if (o.clientSecret === undefined && o.clientSecretFile === undefined && env('SMARTCTL_CLIENT_SECRET') === undefined && secretRef !== undefined && typeof secretRef === 'object' && !Array.isArray(secretRef)) {
    out.clientSecret = await resolveSecret(secretRef, `${from}: clientSecret`, ctx.env);
    sources.push(['client secret', `${from} (${'env' in secretRef ? `$${secretRef.env}` : secretRef.file})`]);
  }
  const oidcRef = p.oidcClientSecret;
  if (o.oidcClientSecretFile === undefined && oidcRef !== undefined && typeof oidcRef === 'object' && !Array.isArray(oidcRef)) {
    out.oidcClientSecret = await resolveSecret(oidcRef, `${from}: oidcClientSecret`, ctx.env);
    sources.push(['OIDC client secret', from]);
  }
  if (ctx.globals.verbose) for (const [what, source] of sources) ctx.narrate.info(`${what}: from ${source ?? '?'}`);
  return { fhirBase: base.value, options: out };
}

async function oidcInputs(ctx: CommandContext, o: CheckOptions): Promise<OidcInputs | undefined> {
  if (o.oidc === undefined) return undefined;
  const { parseHttpUrl } = await import('../http/client.js');
  parseHttpUrl(o.oidc, '--oidc issuer');
  // Kept exactly as given: the issuer is compared character for character.
  const issuer = o.oidc;
  let secret = o.oidcClientSecret;
  if (o.oidcClientSecretFile !== undefined) secret = (await (await import('../flows/local-file.js')).readTextFile(o.oidcClientSecretFile, 'OIDC client secret file')).trim();
  secret ??= ctx.env['SMARTCTL_OIDC_CLIENT_SECRET'] !== '' ? ctx.env['SMARTCTL_OIDC_CLIENT_SECRET'] : undefined;
  return {
    issuer,
    client: o.oidcClientId === undefined ? undefined : { clientId: o.oidcClientId, clientSecret: secret, redirectUri: o.redirectUri ?? DEFAULT_REDIRECT_URI, scope: o.scope },
    claims: o.oidcClaim ?? [],
  };
}

async function loginRunner(ctx: CommandContext, file: string): Promise<LoginRunner> {
  const [{ readTextFile }, { parseLoginScript }, { browserLogin }] = await Promise.all([import('../flows/local-file.js'), import('../check/login-script.js'), import('../check/browser-login.js')]);
  const steps = parseLoginScript(await readTextFile(file, 'login script'), file);
  return (authorizeUrl, redirectUri) => browserLogin({ steps, env: ctx.env, authorizeUrl, redirectUri, timeoutMs: ctx.globals.timeoutMs });
}
