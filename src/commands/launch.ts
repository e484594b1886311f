// smartctl launch: a full SMART App Launch (standalone or EHR), with a loopback redirect
// listener, a browser or a headless run, the code exchange, id_token validation, the
// scope diff, a FHIR probe, optional refresh — and the diagnosis of what went wrong.
import { chmod, writeFile } from 'node:fs/promises';
import { usageError } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { canOpenBrowser, openAuthorizeUrl } from '../flows/browser.js';
import { CookieJar } from '../flows/cookie-jar.js';
import { followAuthorize } from '../flows/headless.js';
import { startLoopbackListener, type CallbackResult, type LoopbackListener } from '../flows/loopback-listener.js';
import { planProbes, probeFhir, probeTargets, type ProbePlan, type ProbeResult } from '../flows/probe-fhir.js';
import type { ClientAuthConfig } from '../flows/token-request.js';
import { diagnose, evidenceFromTrace, type RunContext } from '../diagnose/index.js';
import { lintAuthorizeRequest } from '../diagnose/authorize-request-lint.js';
import { buildAuthorizeUrl } from '../protocol/authorize-request.js';
import { createPkce, randomToken } from '../protocol/pkce.js';
import { compareScopes, scopeFindings } from '../protocol/scopes/compare.js';
import { defaultScopes } from '../protocol/scopes/defaults.js';
import { parseScopes } from '../protocol/scopes/parse.js';
import { checkTokenResponse, type TokenResponse } from '../protocol/token-response.js';
import { pickOutput, withOutputFinding, type OutputField } from '../protocol/token-output.js';
import { accessTokenRow, jwtClaimSections } from '../protocol/token-view.js';
import { readableClaimRows } from '../protocol/jwt/time-claims.js';
import { makeFinding, type Finding } from '../report/finding.js';
import { makeReport, type Report, type ReportOutput, type ReportSection } from '../report/report.js';
import { safeLine } from '../report/render/terminal-text.js';
import { Trace } from '../report/trace.js';
import type { SandboxHandle } from '../sandbox/types.js';
import { sandboxKeyCacheFile, type CommandContext } from './context.js';
import { askAuthMethod, resolveClientAuth, type ClientAuthOptions } from './client-auth-options.js';
import { applyProfile, type ProfiledOptions } from './profile-options.js';
import { checkOutputOptions } from './output-option.js';
import { stepsFromTrace } from '../report/steps.js';

interface LaunchOptions extends ClientAuthOptions, Pick<ProfiledOptions, 'config' | 'profile'> {
  iss?: string;
  sandbox?: boolean;
  scope?: string;
  redirectUri?: string;
  port?: number;
  ehr?: boolean;
  prompt?: string;
  forceAuthn?: boolean;
  freshSession?: boolean;
  open?: boolean;
  browser?: string;
  headless?: boolean;
  cookieJar?: string;
  sandboxFault?: string[];
  refresh?: boolean;
  save?: string;
  callbackTimeout: number;
  pkce?: boolean;
  authorizePost?: boolean;
  output?: OutputField;
}

/** Everything the run learns, in the order it learns it; turned into the report at the end. */
interface Run {
  findings: Finding[];
  sections: ReportSection[];
  data: Record<string, unknown>;
  context: RunContext;
  stoppedAt?: string;
  /** --output: the field asked for, and its value once the code exchange gave it. */
  output?: ReportOutput | undefined;
}

function stop(run: Run, step: string, finding?: Finding): void {
  run.stoppedAt = step;
  if (finding !== undefined) run.findings.push(finding);
}

/**
 * The modules that cost start-up time (undici, jose, discovery), loaded while the sandbox
 * generates its signing key on the thread pool, so the two overlap.
 */
async function loadFlowModules(): Promise<{
  HttpClient: typeof import('../http/client.js').HttpClient;
  discover: typeof import('../flows/discovery.js').discover;
  validateIdToken: typeof import('../flows/id-token-validation.js').validateIdToken;
  requestToken: typeof import('../flows/token-request.js').requestToken;
}> {
  const [http, discovery, idToken, token] = await Promise.all([import('../http/client.js'), import('../flows/discovery.js'), import('../flows/id-token-validation.js'), import('../flows/token-request.js')]);
  return { HttpClient: http.HttpClient, discover: discovery.discover, validateIdToken: idToken.validateIdToken, requestToken: token.requestToken };
}

/**
 * Loads the sandbox module and starts it without waiting for it: its RSA key generation
 * runs on the thread pool while the flow modules load on the main thread.
 */
async function beginSandbox(ctx: CommandContext, o: LaunchOptions, trace: Trace): Promise<{ started: Promise<SandboxHandle> }> {
  const began = ctx.now();
  const { startSandbox } = await import('../sandbox/index.js');
  const started = startSandbox({ faults: o.sandboxFault ?? [], keyCacheFile: sandboxKeyCacheFile(ctx) }).then((sandbox) => {
    const ready = ctx.now();
    const message = `started the embedded sandbox at ${sandbox.fhirBaseUrl}${sandbox.faults.length > 0 ? ` with fault(s) ${sandbox.faults.join(', ')}` : ''}`;
    trace.addEvent({ at: ready.toISOString(), name: 'sandbox-started', message, data: { beganAt: began.toISOString(), readyMs: ready.getTime() - began.getTime() } });
    ctx.narrate.step(message);
    return sandbox;
  });
  // Awaited by the caller; this only keeps an early failure from being reported as unhandled.
  started.catch(() => undefined);
  return { started };
}

/** Why nobody can be at the keyboard to sign in: CI is set, or stdin is not a terminal. */
function unattended(ctx: CommandContext): string | undefined {
  const ci = ctx.env['CI'];
  if (ci !== undefined && ci !== '') return 'CI is set';
  if (!ctx.stdinIsTTY) return 'stdin is not a terminal';
  return undefined;
}

/**
 * A real server, nobody there and nothing that completes without them: fail now rather
 * than wait the whole callback timeout for a login that cannot happen.
 */
function checkSomeoneCanSignIn(ctx: CommandContext, o: LaunchOptions): void {
  const why = unattended(ctx);
  if (why === undefined || o.sandbox === true || o.headless === true || o.open === false || o.browser !== undefined) return;
  throw usageError(
    'launch-needs-person',
    `launch would wait up to ${o.callbackTimeout} s for a person to sign in in a browser, and nobody is there (${why})`,
    'Pass --headless for a server that approves without a person, or --no-open to print the authorize URL and wait for someone to open it (with --callback-timeout <s>).',
  );
}

async function askClientId(ctx: CommandContext): Promise<string> {
  if (!ctx.interactive) throw usageError('option-missing', 'missing --client-id <id>', 'Pass the client id registered with the server (prompts are off: no TTY, CI, or --no-input).');
  const { input } = await import('@inquirer/prompts');
  return (await input({ message: 'Client id registered with the server:', required: true })).trim();
}

/** On a TTY, scopes are picked from scopes_supported with the default set ticked. */
async function askScopes(ctx: CommandContext, supported: readonly string[], fallback: string): Promise<string> {
  if (!ctx.interactive || supported.length === 0) return fallback;
  const { checkbox } = await import('@inquirer/prompts');
  const defaults = new Set(fallback.split(' '));
  // scopes_supported is server text: shown with control characters escaped.
  const choices = [...new Set([...fallback.split(' '), ...supported])].map((value) => ({ value, name: safeLine(value), checked: defaults.has(value) }));
  const picked = await checkbox({ message: 'Scopes to request (from the server\'s scopes_supported):', choices, pageSize: 15 });
  return picked.length > 0 ? picked.join(' ') : fallback;
}

/** EHR launch: serve /launch, have the EHR (or the sandbox's simulator) call it, return iss + launch. */
async function receiveEhrLaunch(ctx: CommandContext, client: HttpClient, listener: LoopbackListener, sandbox: SandboxHandle | undefined, timeoutMs: number): Promise<{ iss: string; launch: string } | undefined> {
  ctx.narrate.step(`EHR launch: the app's launch URL is ${listener.launchUrl}`);
  if (sandbox !== undefined) {
    const simulator = new URL(sandbox.ehrLaunchUrl);
    simulator.searchParams.set('launch_url', listener.launchUrl);
    const r = await client.request({ step: 'ehr-launch', url: simulator.href });
    const location = r.headers['location'];
    if (typeof location === 'string') await client.request({ step: 'ehr-launch.redirect', url: new URL(location, simulator).href });
  } else {
    ctx.narrate.action(`register ${listener.launchUrl} as the app's launch URL in the EHR, then launch the app from the EHR (waiting ${Math.round(timeoutMs / 1000)} s)`);
  }
  return listener.waitForLaunch(timeoutMs);
}

function callbackFinding(run: Run, cb: Extract<CallbackResult, { kind: 'error' }>): void {
  run.context.callbackError = { error: cb.error, error_description: cb.error_description, error_uri: cb.error_uri };
  stop(
    run,
    'authorize',
    makeFinding({
      id: 'authorization-error-returned',
      severity: 'error',
      title: `the authorization server returned error "${cb.error}"`,
      detail: `callback: error=${cb.error}${cb.error_description !== undefined ? `, error_description="${cb.error_description}"` : ''}${cb.error_uri !== undefined ? `, error_uri=${cb.error_uri}` : ''}`,
      fix: 'See the diagnosis below, if any; the error_description usually names the parameter at fault.',
      spec: 'rfc6749-authorize-error',
    }),
  );
}

async function authorize(ctx: CommandContext, o: LaunchOptions, run: Run, client: HttpClient, listener: LoopbackListener, sandbox: SandboxHandle | undefined, authorizeUrl: string, post: boolean): Promise<CallbackResult | undefined> {
  const timeoutMs = o.callbackTimeout * 1000;
  const endpoint = authorizeUrl.split('?')[0] ?? authorizeUrl;
  const params = new URL(authorizeUrl).searchParams;
  // Preflight: one cookie-less request, no redirects followed. A 4xx here is the request's fault.
  const preflight = post
    ? await client.request({ step: 'authorize.preflight', url: endpoint, method: 'POST', body: params, headers: { accept: 'text/html' } })
    : await client.request({ step: 'authorize.preflight', url: authorizeUrl, headers: { accept: 'text/html' } });
  const location = preflight.headers['location'];
  if (preflight.status >= 400) {
    stop(
      run,
      'authorize.preflight',
      makeFinding({
        id: 'authorize-request-rejected',
        severity: 'error',
        title: `the authorize request was answered HTTP ${preflight.status} before any login`,
        detail: `GET ${preflight.exchange.request.url.split('?')[0] ?? ''} (${authorizeUrl.length} characters) → ${preflight.status}: "${preflight.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}"`,
        fix: 'The request itself is refused (no cookies were sent): check client_id, redirect_uri, scope and aud against the registration.',
        spec: 'smart-authorize',
        exchanges: [preflight.exchange.id],
      }),
    );
    return undefined;
  }
  if (typeof location === 'string' && location.startsWith(listener.redirectUri)) {
    const params = new URL(location).searchParams;
    const error = params.get('error');
    if (error !== null) {
      callbackFinding(run, { kind: 'error', error, error_description: params.get('error_description') ?? undefined, error_uri: params.get('error_uri') ?? undefined, url: location });
      return undefined;
    }
  }

  // Headless: follow the redirects with our own client. Returns false when the run stopped.
  const completeHeadless = async (why?: string): Promise<boolean> => {
    if (why !== undefined) ctx.narrate.step(`${why}: completing the sandbox flow headless`);
    const jar = await CookieJar.open(o.cookieJar);
    // The sandbox's per-request auto-approve header goes to any server: harmless elsewhere,
    // and it lets --headless complete against a separately started `smartctl sandbox`.
    try {
      const outcome = await followAuthorize(client, authorizeUrl, { redirectUri: listener.redirectUri, jar, autoApproveHeader: true, nowSeconds: () => Math.floor(ctx.now().getTime() / 1000), post });
      if (outcome.kind === 'redirected') {
        // The headless flow sees where the server sent it: a callback the listener would refuse
        // ends the run now, with what the server did, instead of after --callback-timeout.
        const refused = headlessCallbackProblem(outcome.callbackUrl, authorizeUrl);
        if (refused !== undefined) {
          stop(run, 'callback', refused);
          return false;
        }
        const delivered = await client.request({ step: 'callback', url: outcome.callbackUrl });
        if (delivered.status !== 200) {
          stop(
            run,
            'callback',
            makeFinding({
              id: 'headless-callback-refused',
              severity: 'error',
              title: `the callback the server redirected to was refused by the listener (HTTP ${delivered.status})`,
              detail: `the server redirected to ${outcome.callbackUrl}; the listener at ${listener.redirectUri} answered ${delivered.status}: "${delivered.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}"`,
              fix: 'A callback carries code (or error) and the state of its request (RFC 6749 §4.1.2); check what the authorization server appends to the redirect URI.',
              spec: 'rfc6749-state',
              exchanges: [delivered.exchange.id],
            }),
          );
          return false;
        }
      } else if (outcome.kind === 'redirected-elsewhere') {
        stop(
          run,
          'callback',
          makeFinding({
            id: 'redirect-path-mismatch',
            severity: 'error',
            title: 'the server redirected to another path than the redirect URI',
            detail: `redirect_uri: expected "${listener.redirectUri}", the server redirected to "${outcome.location}" (same origin, path "${new URL(outcome.location).pathname}"), so no callback can arrive`,
            fix: 'The server must redirect to the redirect_uri exactly as sent (RFC 6749 §3.1.2); check the redirect URI registered and how the server builds the callback URL.',
            spec: 'rfc6749-redirect-uri',
            exchanges: [outcome.response.exchange.id],
          }),
        );
        return false;
      } else if (outcome.kind === 'server-fault') {
        stop(run, 'authorize', outcome.finding);
        return false;
      } else if (outcome.kind === 'http-error') {
        stop(
          run,
          'authorize',
          makeFinding({
            id: 'authorize-request-rejected',
            severity: 'error',
            title: `the authorize request was answered HTTP ${outcome.response.status}${jar.size > 0 ? ' (with session cookies)' : ''}`,
            detail: `GET ${outcome.response.exchange.request.url.split('?')[0] ?? ''} → ${outcome.response.status}: "${outcome.response.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}"; the cookie-less preflight was accepted, so the difference is the browser session`,
            fix: 'Retry with a fresh session (--fresh-session, or without --cookie-jar) to confirm a stale-session cause.',
            spec: 'smart-authorize',
            exchanges: [outcome.response.exchange.id],
          }),
        );
        return false;
      } else {
        stop(
          run,
          'authorize',
          makeFinding({
            id: 'headless-needs-person',
            severity: 'error',
            title: 'the authorization server shows a page that needs a person',
            detail: `after ${client.trace.exchanges().length} exchanges the server answered HTTP ${outcome.response.status} with a page (login or consent); --headless only completes servers that approve without one`,
            fix: 'Run without --headless and complete the login in the browser (or --no-open and open the printed URL).',
            exchanges: [outcome.response.exchange.id],
          }),
        );
        return false;
      }
    } finally {
      await jar.save();
    }
    return true;
  };

  // Against the sandbox, nobody at the keyboard (CI, no TTY) or no display means headless.
  const noPerson = unattended(ctx);
  const sandboxHeadless = sandbox !== undefined && o.open !== false && o.browser === undefined && o.freshSession !== true && (noPerson !== undefined || !canOpenBrowser(ctx.env));
  const headless = o.headless === true || sandboxHeadless;
  let waitingForPerson = false;
  if (headless) {
    if (!(await completeHeadless(o.headless !== true ? (noPerson !== undefined ? `nobody is there to sign in (${noPerson})` : 'no browser available here') : undefined))) return undefined;
  } else {
    // With authorize-post the browser opens a local page that POSTs the request.
    const browserUrl = post ? listener.servePostForm(endpoint, params) : authorizeUrl;
    waitingForPerson = true;
    if (o.open === false) {
      ctx.narrate.action(`open this URL in a browser to sign in:\n${browserUrl}`);
    } else {
      const opened = await openAuthorizeUrl(browserUrl, { browserCommand: o.browser, freshSession: o.freshSession });
      if (opened.opened) {
        ctx.narrate.step(`opened ${opened.how}; waiting for the callback (up to ${o.callbackTimeout} s)`);
        // Always printed: the browser may have opened on another screen, or not at all.
        ctx.narrate.action(`if no browser window opened, open this URL to sign in:\n${browserUrl}`);
      } else if (sandbox !== undefined && o.browser === undefined && o.freshSession !== true) {
        // The quick start must work on a bare server: the sandbox flow completes without a browser.
        waitingForPerson = false;
        if (!(await completeHeadless(`could not open a browser (${opened.reason})`))) return undefined;
      } else ctx.narrate.action(`could not open a browser (${opened.reason}); open this URL to sign in:\n${browserUrl}`);
    }
  }

  const stopCountdown = waitingForPerson ? ctx.narrate.countdown?.('waiting for the callback', timeoutMs) : undefined;
  const callback = await listener.waitForCallback(timeoutMs).finally(() => stopCountdown?.());
  const refused = refusedCallbacksFinding(listener);
  // Refused callbacks come from another tab or local process: a warning, not this run's verdict.
  if (refused !== undefined) run.findings.push(refused);
  if (callback === undefined) {
    stop(
      run,
      'callback',
      makeFinding({
        id: 'callback-timeout',
        severity: 'error',
        title: `no callback arrived within ${o.callbackTimeout} s`,
        detail: `the listener at ${listener.redirectUri} waited ${o.callbackTimeout} s${listener.rejectedStates.length > 0 ? ` (and refused ${listener.rejectedStates.length} callback(s) for their state: if the server changes or drops state, that is why)` : ''}. The authorize request itself was accepted (preflight HTTP ${preflight.status}), so the failure is tied to the browser session: a login that did not finish, an error page shown in the browser, or a redirect URI the browser could not reach.\nAuthorize URL to open by hand:\n${authorizeUrl}`,
        fix: 'Retry with --fresh-session (a new, empty browser profile: no stale cookies), and check the browser for an error page; register the redirect URI exactly as printed.',
        spec: 'smart-authorize',
      }),
    );
    return undefined;
  }
  if (callback.kind === 'error') {
    callbackFinding(run, callback);
    return undefined;
  }
  return callback;
}

/** A redirect to the callback that the listener would refuse: wrong or missing state. */
function headlessCallbackProblem(callbackUrl: string, authorizeUrl: string): Finding | undefined {
  const sent = new URL(authorizeUrl).searchParams.get('state');
  const got = new URL(callbackUrl).searchParams.get('state');
  if (got === sent) return undefined;
  return makeFinding({
    id: 'redirect-state-mismatch',
    severity: 'error',
    title: got === null ? 'the server redirected back without the state it was sent' : 'the server redirected back with another state than it was sent',
    detail: `state: expected "${sent ?? ''}", got ${got === null ? 'none' : `"${got}"`} in the redirect to ${callbackUrl}`,
    fix: 'The authorization server must return the state parameter unchanged (RFC 6749 §4.1.2); a client must refuse any other (§10.12).',
    spec: 'rfc6749-state',
  });
}

/** Callbacks the listener refused for their state, as one warning; undefined when none. */
function refusedCallbacksFinding(listener: LoopbackListener): Finding | undefined {
  const all = listener.rejectedStates;
  if (all.length === 0) return undefined;
  const early = all.filter((r) => r.reason === 'before-authorize').length;
  const shown = all.slice(0, 5).map((r) => (r.got === null ? 'none' : `"${r.got}"`)).join(', ');
  return makeFinding({
    id: 'callback-state-mismatch',
    severity: 'warning',
    title: `${all.length} callback(s) with a wrong or missing state were refused`,
    detail: `state: expected the value smartctl sent, got ${shown}${all.length > 5 ? ` and ${all.length - 5} more` : ''}${early > 0 ? `; ${early} arrived before the authorize request was sent` : ''}. Refused callbacks never reach the token exchange`,
    fix: 'Another browser tab, an old flow or another local process called the redirect URI; close it. If the server itself drops or changes state, it is broken (RFC 6749 §10.12).',
    spec: 'rfc6749-state',
  });
}

function probeSection(results: ProbeResult[], skipped: ProbePlan['skipped']): ReportSection {
  return {
    title: 'FHIR probe',
    rows: [...results.map((r): [string, string] => [r.what, `${r.status !== undefined ? `HTTP ${r.status}` : `failed: ${r.error ?? ''}`}  ${r.url}`]), ...skipped.map((s): [string, string] => [s.what, `not probed: ${s.why}`])],
  };
}

/** Probes that got no HTTP answer (timeout, refused, reset): the FHIR server could not be reached. */
function probeUnreachableFinding(results: ProbeResult[], timeoutMs: number): { finding: Finding; every: boolean } | undefined {
  const failed = results.filter((r) => r.status === undefined);
  if (failed.length === 0) return undefined;
  const every = failed.length === results.length;
  return {
    every,
    finding: makeFinding({
      id: 'fhir-probe-unreachable',
      severity: 'error',
      title: every ? `the FHIR server did not answer any of the ${results.length} probe(s)` : `${failed.length} of ${results.length} FHIR probe(s) got no answer`,
      detail: failed.map((r) => `${r.what}: GET ${r.url} failed: ${r.error ?? 'no answer'}`).join('\n'),
      fix: `Check that the FHIR base URL is reachable from here and answers within --timeout (${timeoutMs} ms); the token was issued, but it was never shown to work.`,
    }),
  };
}


async function saveSession(file: string, tokenResponse: unknown, issuer: string, clientId: string, now: Date): Promise<void> {
  await writeFile(file, `${JSON.stringify({ issuer, clientId, savedAt: now.toISOString(), tokenResponse }, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function launchCommand(ctx: CommandContext, opts: Record<string, unknown>): Promise<Report> {
  const given = opts as unknown as LaunchOptions;
  // With --sandbox the sandbox is the server: no iss from SMARTCTL_ISS or the profile.
  const o = await applyProfile(ctx, given, given.sandbox === true ? ['clientId', 'authMethod', 'key', 'kid', 'scope', 'redirectUri', 'clientSecret'] : ['iss', 'clientId', 'authMethod', 'key', 'kid', 'scope', 'redirectUri', 'clientSecret']);
  if (o.sandbox === true && o.iss !== undefined) throw usageError('options-conflict', 'give --iss or --sandbox, not both');
  if (o.sandbox !== true && o.iss === undefined && o.ehr !== true) throw usageError('option-missing', 'missing --iss <fhir-base> (or --sandbox for the embedded server)', 'Example: smartctl launch --iss https://fhir.example.org/r4 --client-id my-app');
  if ((o.sandboxFault?.length ?? 0) > 0 && o.sandbox !== true) throw usageError('options-conflict', '--sandbox-fault needs --sandbox');
  const output = checkOutputOptions(ctx, o.output);
  // --refresh rotates the refresh token (and replaces the access token): which one to print would be a guess.
  if (output !== undefined && o.refresh === true) throw usageError('options-conflict', `--output ${output.field} prints a token of the code exchange, and --refresh replaces it: give one of them`, 'To print a refreshed token: smartctl token --grant refresh_token --refresh-token <token> --output access_token');
  if (o.headless === true && o.sandbox !== true) ctx.narrate.warn('--headless only completes servers that approve without a person (like the sandbox)');

  // Started first: its key generation overlaps with loading the flow modules.
  const trace = new Trace();
  ctx.traceStarted?.(trace);
  const sandboxStarting = o.sandbox === true ? (await beginSandbox(ctx, o, trace)).started : undefined;
  const run: Run = { findings: [], sections: [], data: {}, context: {}, output };
  let sandbox: SandboxHandle | undefined;
  let listener: LoopbackListener | undefined;
  let client: HttpClient | undefined;
  try {
    const { HttpClient, discover, validateIdToken, requestToken } = await loadFlowModules();
    client = new HttpClient({ trace, timeoutMs: ctx.globals.timeoutMs, insecure: ctx.globals.insecure });
    sandbox = await sandboxStarting;
    const clientId = o.clientId ?? (sandbox !== undefined ? sandbox.demoClients.public : await askClientId(ctx));
    checkSomeoneCanSignIn(ctx, o);
    const registered = sandbox?.clients.find((c) => c.client_id === clientId);
    let auth: ClientAuthConfig = await resolveClientAuth(ctx, o, clientId, registered);
    listener = await startLoopbackListener({ redirectUri: o.redirectUri, port: o.port, trace, now: ctx.now });
    ctx.narrate.step(`listening for the callback at ${listener.redirectUri} (register this redirect URI)`);
    run.data['redirectUri'] = listener.redirectUri;
    run.data['clientId'] = clientId;
    run.data['authMethod'] = auth.method;

    let iss = o.iss ?? sandbox?.fhirBaseUrl ?? '';
    let launchParam: string | undefined;
    if (o.ehr === true) {
      const received = await receiveEhrLaunch(ctx, client, listener, sandbox, o.callbackTimeout * 1000);
      if (received === undefined) {
        stop(run, 'ehr-launch', makeFinding({ id: 'ehr-launch-timeout', severity: 'error', title: `the EHR did not call the launch URL within ${o.callbackTimeout} s`, detail: `waited at ${listener.launchUrl}`, fix: 'Register the launch URL in the EHR exactly as printed and launch the app from a patient chart.', spec: 'smart-ehr-launch' }));
        return finish(run, trace, ctx);
      }
      if (o.iss !== undefined && received.iss !== o.iss) {
        run.findings.push(makeFinding({ id: 'ehr-launch-iss-unexpected', severity: 'warning', title: 'the EHR launched with another iss than --iss', detail: `iss: expected "${o.iss}", got "${received.iss}"`, fix: 'Apps must only trust iss values they know; check which FHIR server the EHR is configured with.', spec: 'smart-ehr-launch' }));
      }
      iss = received.iss;
      launchParam = received.launch;
    }
    run.data['fhirBaseUrl'] = iss;

    ctx.narrate.step(`discovering ${iss}`);
    const discovery = await discover(client, iss);
    run.findings.push(...discovery.findings);
    const { authorize: authorizationEndpoint, token: tokenEndpoint } = discovery.endpoints;
    if (discovery.findings.some((f) => f.severity === 'error') || authorizationEndpoint === undefined || tokenEndpoint === undefined) {
      stop(run, 'discovery');
      return finish(run, trace, ctx);
    }
    run.context.tokenEndpoint = tokenEndpoint;
    run.context.clientId = clientId;
    if (sandbox === undefined && o.authMethod === undefined && auth.method === 'none' && o.key === undefined) {
      const picked = await askAuthMethod(ctx, discovery.tokenEndpointAuthMethods);
      if (picked !== undefined && picked !== 'none') {
        auth = await resolveClientAuth(ctx, { ...o, authMethod: picked }, clientId, registered);
        run.data['authMethod'] = auth.method;
      }
    }
    run.context.authMethod = auth.method;

    const launchType = o.ehr === true ? 'ehr' : 'standalone';
    const fallbackScope = defaultScopes(launchType, discovery.supportsPermissionV2 ? 'v2' : 'v1');
    const scope = o.scope ?? (sandbox === undefined ? await askScopes(ctx, discovery.scopesSupported, fallbackScope) : fallbackScope);
    if (o.scope === undefined) ctx.narrate.step(`no --scope given: requesting "${scope}"`);
    const state = randomToken();
    const wantsOpenid = parseScopes(scope).some((s) => s.kind === 'openid');
    const nonce = wantsOpenid ? randomToken() : undefined;
    const pkce = o.pkce === false ? undefined : createPkce();
    const authorizeUrl = buildAuthorizeUrl({ authorizationEndpoint, clientId, redirectUri: listener.redirectUri, scope, state, aud: iss, codeChallenge: pkce?.challenge, nonce, launch: launchParam, prompt: o.prompt, forceAuthn: o.forceAuthn });
    Object.assign(run.context, { requestedScope: scope, authorizeUrl, launchType });
    run.data['authorizeUrl'] = authorizeUrl;
    run.findings.push(...lintAuthorizeRequest(authorizeUrl, ctx.now()));
    listener.setExpectedState(state);

    ctx.narrate.step('authorizing');
    let post = false;
    if (o.authorizePost === true) {
      if (discovery.supportsAuthorizePost) post = true;
      else run.findings.push(makeFinding({ id: 'authorize-post-not-advertised', severity: 'warning', title: '--authorize-post was asked, but the server does not advertise authorize-post', detail: `capabilities: ${JSON.stringify(discovery.capabilities)}`, fix: 'The request was sent with GET; only servers listing authorize-post accept a POST to the authorize endpoint.', spec: 'smart-capabilities' }));
    }
    run.data['authorizeMethod'] = post ? 'POST' : 'GET';
    const callback = await authorize(ctx, o, run, client, listener, sandbox, authorizeUrl, post);
    if (callback === undefined || callback.kind !== 'code') return finish(run, trace, ctx);

    ctx.narrate.step(`exchanging the code at ${tokenEndpoint} (${auth.method})`);
    const exchange = await requestToken(client, {
      step: 'token',
      tokenEndpoint,
      params: { grant_type: 'authorization_code', code: callback.code, redirect_uri: listener.redirectUri, ...(pkce !== undefined ? { code_verifier: pkce.verifier } : {}) },
      auth,
      now: ctx.now(),
    });
    run.context.sentClientAssertion = exchange.assertion;
    if (exchange.response.status !== 200) {
      stop(run, 'token', makeFinding({ id: 'token-request-failed', severity: 'error', title: `the code exchange failed with HTTP ${exchange.response.status}`, detail: `POST ${tokenEndpoint} → ${exchange.response.status}: ${exchange.response.body.slice(0, 300)}`, fix: 'See the diagnosis; error_description usually names the cause.', spec: 'rfc6749-token-error', exchanges: [exchange.response.exchange.id] }));
      return finish(run, trace, ctx);
    }
    const checked = checkTokenResponse(exchange.json);
    run.findings.push(...checked.findings);
    if (checked.response === undefined) {
      stop(run, 'token');
      return finish(run, trace, ctx);
    }
    const tr: TokenResponse = checked.response;
    run.data['tokenResponse'] = exchange.json;
    if (run.output !== undefined) {
      const picked = pickOutput(o.output ?? 'access_token', { body: exchange.response.body, json: exchange.json, grant: 'authorization_code' });
      if ('value' in picked) run.output.value = picked.value;
      else run.findings.push(picked.finding);
    }
    const granted = typeof tr.scope === 'string' ? tr.scope : '';
    const comparison = compareScopes(parseScopes(scope), parseScopes(granted));
    run.findings.push(...scopeFindings(comparison, { userFacing: true }));
    run.data['scopes'] = { requested: scope, granted: tr.scope ?? null };
    run.sections.push({ title: 'Scopes', rows: [['requested', scope], ['granted', tr.scope ?? '(none)']] });
    const context: Array<[string, string]> = [];
    for (const k of ['patient', 'encounter', 'need_patient_banner', 'smart_style_url', 'expires_in', 'token_type'] as const) if (tr[k] !== undefined) context.push([k, String(tr[k])]);
    const accessToken = typeof tr.access_token === 'string' && tr.access_token !== '' ? tr.access_token : undefined;
    context.push(accessToken !== undefined ? accessTokenRow(accessToken, tr.token_type, ctx.now()) : ['access_token', 'absent']);
    context.push(['refresh_token', tr.refresh_token !== undefined ? 'present' : 'absent'], ['id_token', tr.id_token !== undefined ? 'present' : 'absent']);
    run.sections.push({ title: 'Token response', rows: context, secrets: accessToken !== undefined ? [accessToken] : undefined });
    if (accessToken !== undefined) run.sections.push(...jwtClaimSections('access_token', accessToken, ctx.now()));

    let fhirUser: string | undefined;
    if (typeof tr.id_token === 'string') {
      ctx.narrate.step('validating the id_token');
      const idCheck = await validateIdToken(client, tr.id_token, { jwksUri: discovery.endpoints.jwksUri, issuer: discovery.endpoints.issuer, clientId, nonce, now: ctx.now() });
      run.findings.push(...idCheck.findings);
      if (idCheck.claims !== undefined) {
        run.data['idTokenClaims'] = idCheck.claims;
        run.data['idTokenSignatureValid'] = idCheck.signatureValid;
        run.sections.push({ title: `id_token (signature ${idCheck.signatureValid ? 'valid' : 'NOT verified'})`, rows: readableClaimRows(idCheck.claims, ctx.now()), memberRows: true });
        const fu = idCheck.claims['fhirUser'] ?? idCheck.claims['profile'];
        if (typeof fu === 'string') fhirUser = fu;
      }
    }

    if (typeof tr.access_token === 'string') {
      ctx.narrate.step('probing the FHIR server with the access token');
      const plan = planProbes(iss, { patient: tr.patient, fhirUser, grantedScope: granted });
      const results = await probeFhir(client, tr.access_token, plan.targets);
      run.data['probe'] = results;
      if (plan.skipped.length > 0) run.data['probeSkipped'] = plan.skipped;
      if (results.length + plan.skipped.length > 0) run.sections.push(probeSection(results, plan.skipped));
      const unreachable = probeUnreachableFinding(results, ctx.globals.timeoutMs);
      if (unreachable !== undefined) {
        // Every probe failed: the run did not show that the token works, so it did not complete.
        if (unreachable.every) {
          stop(run, 'fhir.probe', unreachable.finding);
          return finish(run, trace, ctx);
        }
        run.findings.push(unreachable.finding);
      }
    }

    if (o.refresh === true) await refresh(ctx, run, client, { tokenEndpoint, auth, tr, granted, iss, idToken: { jwksUri: discovery.endpoints.jwksUri, issuer: discovery.endpoints.issuer, clientId }, firstProbe: (run.data['probe'] as ProbeResult[] | undefined) ?? [] });
    if (o.save !== undefined) {
      await saveSession(o.save, exchange.json, iss, clientId, ctx.now());
      ctx.narrate.step(`saved the session to ${o.save} (mode 0600)`);
      run.data['savedTo'] = o.save;
    }
    return finish(run, trace, ctx);
  } finally {
    await listener?.close();
    await client?.close();
    sandbox ??= await sandboxStarting?.catch(() => undefined);
    await sandbox?.close();
  }
}

/**
 * --refresh: the checks of check's refresh group (src/protocol/refresh-checks.ts): the new
 * scope within the old, the new access token reads FHIR, a second refresh with the newest
 * refresh token works (rotation), and a refreshed id_token is validated like the first
 * (signature, iss, aud = client id) and names the same sub.
 */
async function refresh(ctx: CommandContext, run: Run, client: HttpClient, a: { tokenEndpoint: string; auth: ClientAuthConfig; tr: TokenResponse; granted: string; iss: string; idToken: { jwksUri?: string | undefined; issuer?: string | undefined; clientId: string }; firstProbe: readonly ProbeResult[] }): Promise<void> {
  if (typeof a.tr.refresh_token !== 'string') {
    run.findings.push(makeFinding({ id: 'refresh-token-missing', severity: 'error', title: '--refresh was asked, but no refresh_token came back', detail: `granted scope: "${a.granted}"`, fix: 'Request offline_access (or online_access) and make sure it is granted.', spec: 'smart-refresh-scopes' }));
    return;
  }
  ctx.narrate.step('refreshing the access token');
  const [{ requestToken }, { validateIdToken }, checks] = await Promise.all([import('../flows/token-request.js'), import('../flows/id-token-validation.js'), import('../protocol/refresh-checks.js')]);
  const r = await requestToken(client, { step: 'refresh', tokenEndpoint: a.tokenEndpoint, params: { grant_type: 'refresh_token', refresh_token: a.tr.refresh_token }, auth: a.auth, now: ctx.now() });
  if (r.response.status !== 200) {
    run.findings.push(makeFinding({ id: 'refresh-failed', severity: 'error', title: `the refresh failed with HTTP ${r.response.status}`, detail: r.response.body.slice(0, 300), fix: 'See the diagnosis; online_access refresh ends with the user session.', spec: 'smart-refresh', exchanges: [r.response.exchange.id] }));
    return;
  }
  const checked = checkTokenResponse(r.json);
  const neu = checked.response ?? {};
  run.findings.push(...checked.findings.map((f) => ({ ...f, title: `refresh: ${f.title}` })));
  // No scope in the answer: the grant is unchanged (RFC 6749 §5.1).
  const newScope = typeof neu.scope === 'string' ? neu.scope : a.granted;
  run.findings.push(...checks.refreshScopeWidened(a.granted, newScope, r.response.exchange.id));
  const rotated = typeof neu.refresh_token === 'string';
  const rows: Array<[string, string]> = [['scope', newScope], ['refresh_token', rotated ? 'rotated/returned' : 'not returned (keep the old one)']];
  const data: Record<string, unknown> = { scope: newScope, rotated };
  if (typeof neu.access_token === 'string') {
    const probe = await probeFhir(client, neu.access_token, probeTargets(a.iss, { patient: a.tr.patient, grantedScope: newScope }).slice(0, 1));
    const first = probe[0];
    rows.push(['new token works', first === undefined ? 'not probed (no FHIR resource in the granted scope)' : first.status === 200 ? 'yes' : `no (${first.status ?? first.error ?? 'no answer'})`]);
    // Blamed on the refresh only when the first token could read the same URL (or it was not tried).
    const before = a.firstProbe.find((p) => p.url === first?.url);
    if (first !== undefined && (before === undefined || before.status === 200)) run.findings.push(...checks.refreshedTokenUnusable(first.url, first.status ?? first.error ?? 'no answer'));
    data['probe'] = probe;
  }
  if (typeof neu.id_token === 'string') {
    ctx.narrate.step('validating the refreshed id_token');
    const idCheck = await validateIdToken(client, neu.id_token, { ...a.idToken, now: ctx.now() });
    run.findings.push(...checks.asRefreshedIdToken(idCheck.findings), ...checks.refreshedIdTokenSubChanged(a.tr.id_token, idCheck.claims?.['sub'], r.response.exchange.id));
    rows.push(['id_token', `refreshed (signature ${idCheck.signatureValid ? 'valid' : 'NOT verified'}, sub ${idCheck.claims?.['sub'] === undefined ? 'none' : JSON.stringify(idCheck.claims['sub'])})`]);
    data['idTokenSignatureValid'] = idCheck.signatureValid;
    data['idTokenClaims'] = idCheck.claims ?? null;
  }
  // Rotation: the newest refresh token (the rotated one, else the original) refreshes again.
  ctx.narrate.step('refreshing again with the newest refresh token');
  const newest = rotated ? String(neu.refresh_token) : a.tr.refresh_token;
  const second = await requestToken(client, { step: 'refresh.second', tokenEndpoint: a.tokenEndpoint, params: { grant_type: 'refresh_token', refresh_token: newest }, auth: a.auth, now: ctx.now() });
  run.findings.push(...checks.refreshRotationBroken(rotated, second.response.status, second.response.body, second.response.exchange.id));
  rows.push(['second refresh', second.response.status === 200 ? `works (${rotated ? 'the server rotates refresh tokens' : 'the server keeps the refresh token'})` : `HTTP ${second.response.status}`]);
  data['secondRefreshStatus'] = second.response.status;
  run.data['refresh'] = data;
  run.sections.push({ title: 'Refresh', rows });
}

/** The stages a launch runs, in order (the names stop() uses): those after a stop are skipped. */
const LAUNCH_STAGES = ['ehr-launch', 'discovery', 'authorize', 'callback', 'token', 'fhir.probe'] as const;

function finish(run: Run, trace: Trace, ctx: CommandContext): Report {
  // The run's own checks and the diagnosis rules, merged and ranked by what explains the failure.
  const findings = withOutputFinding(diagnose(evidenceFromTrace(trace.entries, run.context), { now: ctx.now() }, run.findings), run.output);
  const steps = stepsFromTrace(trace.entries, { stoppedAt: run.stoppedAt, stages: LAUNCH_STAGES });
  return makeReport({
    command: 'launch',
    findings,
    data: { ...run.data, stoppedAt: run.stoppedAt ?? null, steps },
    sections: [{ title: 'Launch', rows: [['FHIR base', String(run.data['fhirBaseUrl'] ?? '')], ['client', `${String(run.data['clientId'] ?? '')} (${String(run.data['authMethod'] ?? '')})`], ['redirect URI', String(run.data['redirectUri'] ?? '')], ['result', run.stoppedAt === undefined ? 'completed' : `stopped at ${run.stoppedAt}`]] }, ...run.sections],
    summary: run.stoppedAt === undefined ? 'launch completed' : `launch stopped at ${run.stoppedAt}`,
    trace: trace.entries,
    output: run.output,
  });
}
