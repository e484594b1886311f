// The steps the check tests share, composed from the flows (flows/headless,
// flows/token-request, flows/id-token-validation): an authorize request followed
// headless (the sandbox's auto-approve header; a --login script where a page needs a
// person), the code exchange, a FHIR read. Each runs on the test's own client.
import { isSmartctlError } from '../errors.js';
import { CookieJar } from '../flows/cookie-jar.js';
import { followAuthorize } from '../flows/headless.js';
import { requestToken, type ClientAuthConfig, type TokenExchange } from '../flows/token-request.js';
import type { HttpResponse } from '../http/client.js';
import { buildAuthorizeUrl } from '../protocol/authorize-request.js';
import { createPkce, randomToken, type Pkce } from '../protocol/pkce.js';
import { defaultScopes } from '../protocol/scopes/defaults.js';
import type { DiscoveryResult } from '../protocol/discovery/types.js';
import type { TokenResponse } from '../protocol/token-response.js';
import { makeFinding, type Finding } from '../report/finding.js';
import type { RunContext } from '../diagnose/index.js';
import type { TestContext, UserClient, Verdict } from './types.js';

export type AuthorizeOutcome =
  /** The server sent the browser to the redirect URI (with a code or an error). */
  | { kind: 'redirected'; callbackUrl: string; params: URLSearchParams; exchangeId?: number | undefined }
  /** The server answered with an error status (an error page: not redirected). */
  | { kind: 'http-error'; response: HttpResponse }
  /** A login or consent page that nobody can complete here. */
  | { kind: 'needs-person'; response: HttpResponse }
  /** Something no client can follow (a Location that is no URL, a redirect to another path of the app): a failure. */
  | { kind: 'server-fault'; finding: Finding };

export interface AuthorizeRequest {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  aud: string;
  state?: string | undefined;
  nonce?: string | undefined;
  launch?: string | undefined;
  /** Extra or replacing parameters (code_challenge_method=plain, response_type=...); null removes one. */
  override?: Record<string, string | null> | undefined;
  pkce?: Pkce | undefined;
}

export function authorizeUrlOf(r: AuthorizeRequest): string {
  const url = new URL(buildAuthorizeUrl({ authorizationEndpoint: r.authorizationEndpoint, clientId: r.clientId, redirectUri: r.redirectUri, scope: r.scope, state: r.state ?? '', aud: r.aud, codeChallenge: r.pkce?.challenge, nonce: r.nonce, launch: r.launch }));
  if (r.state === undefined) url.searchParams.delete('state');
  for (const [k, v] of Object.entries(r.override ?? {})) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  return url.href;
}

/**
 * Sends the authorize request and follows the server's redirects until it sends the browser to redirectUri.
 * A page that needs a person goes to the --login script; for a request the server should refuse
 * (negativeCase), a script that cannot complete the page means the page was no login: no redirect.
 */
export async function authorize(ctx: TestContext, r: AuthorizeRequest, o: { negativeCase?: boolean } = {}): Promise<AuthorizeOutcome> {
  const url = authorizeUrlOf(r);
  const jar = await CookieJar.open(undefined);
  const outcome = await followAuthorize(ctx.http, url, { redirectUri: r.redirectUri, jar, autoApproveHeader: ctx.inputs.autoApprove !== false, nowSeconds: () => Math.floor(ctx.now().getTime() / 1000) });
  if (outcome.kind === 'redirected') {
    const last = ctx.trace.exchanges().at(-1);
    return { kind: 'redirected', callbackUrl: outcome.callbackUrl, params: new URL(outcome.callbackUrl).searchParams, exchangeId: last?.id };
  }
  if (outcome.kind === 'needs-person' && ctx.login !== undefined && !(o.negativeCase === true && ctx.loginByPerson === true)) {
    let callbackUrl: string;
    try {
      callbackUrl = await ctx.login(url, r.redirectUri);
    } catch (error) {
      if (o.negativeCase !== true || !isSmartctlError(error)) throw error;
      ctx.trace.addEvent({ at: ctx.now().toISOString(), name: 'login-script', message: `the --login script could not complete the page (${error.message}): no redirect to the app` });
      return outcome;
    }
    ctx.trace.addEvent({ at: ctx.now().toISOString(), name: 'login-script', message: 'a --login script completed the login page in a headless browser', data: { callbackUrl } });
    return { kind: 'redirected', callbackUrl, params: new URL(callbackUrl).searchParams };
  }
  if (outcome.kind === 'redirected-elsewhere') {
    const target = new URL(outcome.location);
    return { kind: 'server-fault', finding: makeFinding({ id: 'authorize-redirect-elsewhere', severity: 'error', title: 'the authorization server redirected to another path than the redirect_uri', detail: `redirect_uri: expected "${r.redirectUri}", got a redirect to "${target.origin}${target.pathname}"`, fix: 'Redirect to the redirect_uri exactly as the request sent it (RFC 6749 §3.1.2).', spec: 'smart-authorize-response', exchanges: [outcome.response.exchange.id], role: 'root-cause', basis: 'server-words' }) };
  }
  return outcome;
}

export function serverFault(outcome: { finding: Finding }, context?: RunContext): Verdict {
  return { outcome: 'fail', findings: [outcome.finding], context };
}

export function skipNeedsPerson(outcome: { response: HttpResponse }): Verdict {
  return { outcome: 'skip', reason: `the authorization server shows a page that needs a person (HTTP ${outcome.response.status} at ${outcome.response.exchange.request.url.split('?')[0] ?? ''}); give a --login <file> script to complete it unattended`, evidence: [outcome.response.exchange.id] };
}

/** The endpoints a launch needs, or why they are missing. */
export function launchEndpoints(ctx: TestContext): { authorize: string; token: string; fhirBase: string; discovery: DiscoveryResult } | string {
  const d = ctx.discovery;
  if (d === undefined) return ctx.discoveryError === undefined ? 'discovery did not run' : `discovery stopped (${ctx.discoveryError.message})`;
  if (d.endpoints.authorize === undefined || d.endpoints.token === undefined) return 'discovery named no authorization or token endpoint';
  if (!URL.canParse(d.endpoints.authorize) || !URL.canParse(d.endpoints.token)) return 'discovery named an authorization or token endpoint that is not a URL (see the discovery tests)';
  return { authorize: d.endpoints.authorize, token: d.endpoints.token, fhirBase: d.fhirBaseUrl, discovery: d };
}

export function standaloneScope(ctx: TestContext, client: UserClient): string {
  if (client.scope !== undefined) return client.scope;
  const v2 = ctx.discovery?.supportsPermissionV2 === true;
  return defaultScopes('standalone', v2 ? 'v2' : 'v1');
}

export interface Authorized {
  kind: 'authorized';
  requestedScope: string;
  state: string;
  nonce: string;
  pkce: Pkce;
  code: string;
  redirectUri: string;
  endpoints: { authorize: string; token: string; fhirBase: string; discovery: DiscoveryResult };
  context: RunContext;
}

export interface Launch extends Omit<Authorized, 'kind'> {
  kind: 'launched';
  /** The token response, checked to be a JSON object. */
  token: TokenResponse;
  tokenExchange: TokenExchange;
}

/** A launch that did not produce tokens: the verdict to return. */
export interface LaunchStopped {
  kind: 'stopped';
  verdict: Verdict;
}

function failed(id: string, title: string, detail: string, exchanges: number[] | undefined, context: RunContext, spec: Parameters<typeof makeFinding>[0]['spec'] = 'smart-app-launch'): LaunchStopped {
  return { kind: 'stopped', verdict: { outcome: 'fail', findings: [makeFinding({ id, severity: 'error', title, detail, spec, exchanges, role: 'root-cause' })], context } };
}

export interface LaunchOptions {
  scope?: string | undefined;
  /** EHR launch: the launch parameter (and the iss it came with). */
  launch?: string | undefined;
}

/** The authorize step of a launch: a code for the state that was sent, or the verdict to return. */
export async function authorizeForCode(ctx: TestContext, o: LaunchOptions = {}): Promise<Authorized | LaunchStopped> {
  const client = ctx.inputs.client;
  const endpoints = launchEndpoints(ctx);
  if (client === undefined) return { kind: 'stopped', verdict: { outcome: 'skip', reason: 'no app client' } };
  if (typeof endpoints === 'string') return { kind: 'stopped', verdict: { outcome: 'skip', reason: endpoints } };
  const requestedScope = o.scope ?? standaloneScope(ctx, client);
  const state = randomToken();
  const nonce = randomToken();
  const pkce = createPkce();
  const request: AuthorizeRequest = { authorizationEndpoint: endpoints.authorize, clientId: client.auth.clientId, redirectUri: client.redirectUri, scope: requestedScope, aud: endpoints.fhirBase, state, nonce, pkce, launch: o.launch };
  const authorizeUrl = authorizeUrlOf(request);
  const context: RunContext = { requestedScope, clientId: client.auth.clientId, tokenEndpoint: endpoints.token, authorizeUrl, launchType: o.launch === undefined ? 'standalone' : 'ehr', authMethod: client.auth.method, sentState: state, sentNonce: nonce };
  const outcome = await authorize(ctx, request);
  if (outcome.kind === 'needs-person') return { kind: 'stopped', verdict: skipNeedsPerson(outcome) };
  if (outcome.kind === 'server-fault') return { kind: 'stopped', verdict: serverFault(outcome, context) };
  if (outcome.kind === 'http-error') {
    return failed('authorize-request-rejected', `the authorize request was answered HTTP ${outcome.response.status}`, `GET ${outcome.response.exchange.request.url.split('?')[0] ?? ''} → ${outcome.response.status}: "${outcome.response.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}"`, [outcome.response.exchange.id], context, 'smart-authorize');
  }
  const params = outcome.params;
  context.callback = { url: outcome.callbackUrl, params: Object.fromEntries(params), exchangeId: outcome.exchangeId };
  const error = params.get('error');
  if (error !== null) {
    context.callbackError = { error, error_description: params.get('error_description') ?? undefined, error_uri: params.get('error_uri') ?? undefined };
    return failed('authorization-error-returned', `the authorization server returned error "${error}"`, `callback: error=${error}${params.get('error_description') !== null ? `, error_description="${params.get('error_description') ?? ''}"` : ''}`, outcome.exchangeId === undefined ? undefined : [outcome.exchangeId], context, 'rfc6749-authorize-error');
  }
  const code = params.get('code');
  if (code === null || code === '') return failed('authorize-no-code', 'the authorization server redirected back without a code', `callback: ${[...params.keys()].join(', ') || '(no parameters)'}`, outcome.exchangeId === undefined ? undefined : [outcome.exchangeId], context, 'smart-authorize-response');
  if (params.get('state') !== state) {
    return failed('callback-state-mismatch', 'the callback does not carry the state that was sent', `state: expected "${state}", got ${params.get('state') === null ? 'none' : `"${params.get('state') ?? ''}"`}`, outcome.exchangeId === undefined ? undefined : [outcome.exchangeId], context, 'rfc6749-state');
  }
  return { kind: 'authorized', requestedScope, state, nonce, pkce, code, redirectUri: client.redirectUri, endpoints, context };
}

/** Authorizes and exchanges the code: the happy path every launch test starts from. */
export async function launch(ctx: TestContext, o: LaunchOptions = {}): Promise<Launch | LaunchStopped> {
  const authorized = await authorizeForCode(ctx, o);
  if (authorized.kind === 'stopped') return authorized;
  const { endpoints, context, code, pkce } = authorized;
  const auth = (ctx.inputs.client as UserClient).auth;
  const exchange = await exchangeCode(ctx, { tokenEndpoint: endpoints.token, auth, code, redirectUri: authorized.redirectUri, verifier: pkce.verifier });
  context.sentClientAssertion = exchange.assertion;
  if (exchange.response.status !== 200) {
    return failed('token-request-failed', `the code exchange failed with HTTP ${exchange.response.status}`, `POST ${endpoints.token} → ${exchange.response.status}: ${exchange.response.body.slice(0, 300)}`, [exchange.response.exchange.id], context, 'rfc6749-token-error');
  }
  if (exchange.json === null || typeof exchange.json !== 'object' || Array.isArray(exchange.json)) {
    const type = exchange.response.headers['content-type'];
    return failed('token-response-nonconformant-shape', 'the token response is not a JSON object', `POST ${endpoints.token} → 200 ${Array.isArray(type) ? type.join(', ') : (type ?? 'no content-type')}: "${exchange.response.body.replace(/\s+/g, ' ').trim().slice(0, 120)}"`, [exchange.response.exchange.id], context, 'smart-token-response');
  }
  return { ...authorized, kind: 'launched', token: exchange.json as TokenResponse, tokenExchange: exchange };
}

export async function exchangeCode(ctx: TestContext, o: { tokenEndpoint: string; auth: ClientAuthConfig; code: string; redirectUri: string; verifier?: string | undefined; step?: string | undefined }): Promise<TokenExchange> {
  const params: Record<string, string> = { grant_type: 'authorization_code', code: o.code, redirect_uri: o.redirectUri };
  if (o.verifier !== undefined) params['code_verifier'] = o.verifier;
  return requestToken(ctx.http, { step: o.step ?? 'token', tokenEndpoint: o.tokenEndpoint, params, auth: o.auth, now: ctx.now() });
}

export async function refreshToken(ctx: TestContext, o: { tokenEndpoint: string; auth: ClientAuthConfig; refreshToken: string; scope?: string | undefined }): Promise<TokenExchange> {
  const params: Record<string, string> = { grant_type: 'refresh_token', refresh_token: o.refreshToken };
  if (o.scope !== undefined) params['scope'] = o.scope;
  return requestToken(ctx.http, { step: 'refresh', tokenEndpoint: o.tokenEndpoint, params, auth: o.auth, now: ctx.now() });
}

/** GET a FHIR URL with (or without) a bearer token. */
export async function fhirGet(ctx: TestContext, url: string, token?: string | undefined, step = 'fhir.read'): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/fhir+json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  return ctx.http.request({ step, url, headers });
}

/** A resource the token should be able to read: the launch patient, else the first Patient a search returns. */
export function readableUrl(fhirBase: string, token: TokenResponse): string {
  const base = fhirBase.replace(/\/+$/, '');
  return typeof token.patient === 'string' ? `${base}/Patient/${encodeURIComponent(token.patient)}` : `${base}/Patient?_count=1`;
}

/** A test that got what it wanted from the server: pass, with the exchanges that show it. */
export function pass(reason?: string, evidence?: number[]): Verdict {
  return { outcome: 'pass', reason, evidence };
}

export function fail(finding: Finding, context?: RunContext): Verdict {
  return { outcome: 'fail', findings: [finding], context };
}

/** Fails with the findings that are errors, warns with the warnings, passes otherwise. */
export function verdictOf(findings: readonly Finding[], context?: RunContext, passReason?: string): Verdict {
  const list = [...findings];
  if (list.some((f) => f.severity === 'error')) return { outcome: 'fail', findings: list, context };
  if (list.some((f) => f.severity === 'warning')) return { outcome: 'warn', findings: list, context };
  return { outcome: 'pass', findings: list, context, reason: passReason };
}

export function headerOf(response: HttpResponse, name: string): string | undefined {
  const v = response.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}
