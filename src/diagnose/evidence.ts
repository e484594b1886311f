// One shape of evidence for every diagnosis rule, built either from a run's trace
// (launch, token, discover, a HAR) or from what a user saved (explain). Rules read only this.
import { headerValue, isExchange, type HeaderMap, type TraceEntry } from '../report/trace.js';
import { parseOAuthError, parseWwwAuthenticate, type BearerChallenge, type OAuthError } from '../protocol/oauth-error.js';
import { setOwn } from '../protocol/own-property.js';
import { withoutTags } from './html-text.js';
import { observeFailures, type ObservedFailure } from './failure.js';
import { specificPhrasesIn } from './vendors/index.js';

export type Endpoint = 'token' | 'authorize' | 'fhir' | 'discovery' | 'callback' | 'other';

export interface ResponseEvidence {
  endpoint: Endpoint;
  status: number;
  /** The trace step ("token", "refresh", "discovery.smart-configuration", "fhir.read" ...), when known. */
  step?: string | undefined;
  method?: string | undefined;
  url?: string | undefined;
  requestHeaders: HeaderMap;
  requestBody?: string | undefined;
  responseHeaders: HeaderMap;
  responseBody?: string | undefined;
  /** The OAuth error in the body, if any. */
  oauthError?: OAuthError | undefined;
  challenge?: BearerChallenge | undefined;
  exchangeId?: number | undefined;
  durationMs?: number | undefined;
  /** When the request was sent (ISO 8601), when known (a trace or a HAR): the time claims are compared with. */
  startedAt?: string | undefined;
  /**
   * Whether the request side is known (a trace, a HAR, a curl line, or --request-header/--request-body).
   * Missing evidence is not negative evidence: without it nobody knows whether a token was sent.
   */
  requestSeen?: boolean | undefined;
  /**
   * Whether the request's headers are known as a whole (a trace, a HAR, a curl line, or some
   * --request-header): an Authorization header absent from them was not sent. A pasted body
   * alone says nothing about the headers.
   */
  headersSeen?: boolean | undefined;
  /** A saved answer pasted without its status, taken as an error by its words (statusOfUnstatedAnswer): say so, never quote a number. */
  statusUnstated?: boolean | undefined;
}

/** "HTTP 401", or "an error (status not given)" for a pasted answer whose status is inferred. */
export function statusText(r: Pick<ResponseEvidence, 'status' | 'statusUnstated'>): string {
  return r.statusUnstated === true ? 'an error (status not given)' : `HTTP ${r.status}`;
}

/** The request that reached the redirect URI (what the authorization server sent back). */
export interface CallbackEvidence {
  url?: string | undefined;
  params: Record<string, string>;
  exchangeId?: number | undefined;
}

export type AuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface Evidence {
  /** Every HTTP answer of interest, in order (successful ones included). */
  responses: ResponseEvidence[];
  authorizeUrl?: string | undefined;
  /** An error the authorization server sent back to the redirect URI. */
  callbackError?: OAuthError | undefined;
  /** The callback itself, when it was seen (its query: code, state, error ...). */
  callback?: CallbackEvidence | undefined;
  /** The state and nonce the client sent (from the authorize URL or the run). */
  sentState?: string | undefined;
  sentNonce?: string | undefined;
  /** The launch URL an EHR opened (EHR launch: it should carry iss and launch). */
  launchUrl?: string | undefined;
  requestedScope?: string | undefined;
  /** The token response as received (parsed JSON), when there was one. */
  tokenResponse?: Record<string, unknown> | undefined;
  /** The refresh response as received, when a refresh succeeded. */
  refreshResponse?: Record<string, unknown> | undefined;
  /** The client assertion the app sent (private_key_jwt), if known. */
  sentClientAssertion?: string | undefined;
  clientId?: string | undefined;
  tokenEndpoint?: string | undefined;
  launchType?: 'standalone' | 'ehr' | 'backend' | undefined;
  /** The client authentication the run used (token endpoint), when known. */
  authMethod?: AuthMethod | undefined;
  /** Error messages the user's own client library printed (explain --message). */
  messages: string[];
  /** What visibly failed, first failure first (computed from the rest by observeFailures). */
  failures: ObservedFailure[];
}

/** What a run knows beyond its trace. */
export interface RunContext {
  requestedScope?: string | undefined;
  clientId?: string | undefined;
  tokenEndpoint?: string | undefined;
  authorizeUrl?: string | undefined;
  sentClientAssertion?: string | undefined;
  launchType?: Evidence['launchType'];
  authMethod?: Evidence['authMethod'];
  callbackError?: OAuthError | undefined;
  callback?: CallbackEvidence | undefined;
  sentState?: string | undefined;
  sentNonce?: string | undefined;
  launchUrl?: string | undefined;
  messages?: string[] | undefined;
}

export function endpointOfStep(step: string): Endpoint {
  const head = step.split('.')[0] ?? '';
  if (head === 'token' || head === 'refresh' || head === 'client-credentials') return 'token';
  if (head === 'authorize' || head === 'preflight' || head === 'headless') return 'authorize';
  if (head === 'callback') return 'callback';
  if (head === 'fhir' || head === 'probe') return 'fhir';
  if (head === 'discovery' || head === 'jwks' || head === 'openid-configuration') return 'discovery';
  return 'other';
}

export function responseEvidence(r: Omit<ResponseEvidence, 'oauthError' | 'challenge'>): ResponseEvidence {
  return { ...r, oauthError: parseOAuthError(r.responseBody), challenge: parseWwwAuthenticate(headerValue(r.responseHeaders, 'www-authenticate')) };
}

export function parseObject(body: string | undefined): Record<string, unknown> | undefined {
  if (body === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function queryOf(url: string | undefined): URLSearchParams | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  return new URL(url).searchParams;
}

/** A request body read as a form (empty for JSON or no body): grant_type, client_assertion, code ... */
export function formOf(body: string | undefined): URLSearchParams {
  if (body === undefined || body.trimStart().startsWith('{')) return new URLSearchParams();
  try {
    return new URLSearchParams(body);
  } catch {
    return new URLSearchParams();
  }
}

/** The grant_type of a token request body, when it is a form. */
export function grantTypeOf(r: Pick<ResponseEvidence, 'requestBody'>): string | undefined {
  return formOf(r.requestBody).get('grant_type') ?? undefined;
}

function callbackFrom(url: string, exchangeId?: number): CallbackEvidence {
  const params: Record<string, string> = {};
  for (const [k, v] of queryOf(url) ?? []) if (!Object.hasOwn(params, k)) setOwn(params, k, v);
  return { url, params, exchangeId };
}

function callbackErrorOf(cb: CallbackEvidence | undefined): OAuthError | undefined {
  const error = cb?.params['error'];
  if (error === undefined) return undefined;
  return { error, error_description: cb?.params['error_description'], error_uri: cb?.params['error_uri'] };
}

/** Fills what a trace or saved input implies but did not say (the scope from the authorize URL ...), then the failures. */
export function completeEvidence(e: Omit<Evidence, 'failures'> & { failures?: ObservedFailure[] | undefined }): Evidence {
  const authorize = queryOf(innerAuthorizeUrl(e.authorizeUrl));
  const tokenRequest = e.responses.find((r) => r.endpoint === 'token');
  const tokenForm = formOf(tokenRequest?.requestBody);
  const callbackError = e.callbackError ?? callbackErrorOf(e.callback);
  const done: Omit<Evidence, 'failures'> = {
    ...e,
    callbackError,
    requestedScope: e.requestedScope ?? authorize?.get('scope') ?? tokenForm.get('scope') ?? undefined,
    clientId: e.clientId ?? authorize?.get('client_id') ?? tokenForm.get('client_id') ?? undefined,
    sentState: e.sentState ?? authorize?.get('state') ?? undefined,
    sentNonce: e.sentNonce ?? authorize?.get('nonce') ?? undefined,
    tokenEndpoint: e.tokenEndpoint ?? tokenRequest?.url,
  };
  return { ...done, failures: observeFailures(done) };
}

/** The authorize request a vendor login page carries in its to= parameter, else the URL itself. */
export function innerAuthorizeUrl(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return url;
  const outer = new URL(url);
  const inner = outer.searchParams.get('to');
  if (inner === null) return url;
  const resolved = URL.canParse(inner) ? new URL(inner) : URL.canParse(inner, outer.origin) ? new URL(inner, outer.origin) : undefined;
  return resolved !== undefined && resolved.searchParams.has('response_type') ? resolved.href : url;
}

export function evidenceFromTrace(trace: readonly TraceEntry[], context: RunContext = {}): Evidence {
  const responses: ResponseEvidence[] = [];
  let tokenResponse: Record<string, unknown> | undefined;
  let refreshResponse: Record<string, unknown> | undefined;
  let sentClientAssertion = context.sentClientAssertion;
  let callback = context.callback;
  let authorizeUrl = context.authorizeUrl;
  for (const e of trace.filter(isExchange)) {
    const endpoint = endpointOfStep(e.step);
    if (endpoint === 'callback') {
      callback ??= callbackFrom(e.request.url, e.id);
      continue;
    }
    if (endpoint === 'authorize' && authorizeUrl === undefined && e.request.method === 'GET' && innerAuthorizeUrl(e.request.url) !== e.request.url) authorizeUrl = e.request.url;
    if (endpoint === 'authorize' && authorizeUrl === undefined && queryOf(e.request.url)?.has('response_type') === true) authorizeUrl = e.request.url;
    if (e.response === undefined) continue;
    responses.push(
      responseEvidence({ endpoint, step: e.step, status: e.response.status, method: e.request.method, url: e.request.url, requestHeaders: e.request.headers, requestBody: e.request.body, responseHeaders: e.response.headers, responseBody: e.response.body, exchangeId: e.id, durationMs: e.durationMs, startedAt: e.startedAt, requestSeen: true, headersSeen: true }),
    );
    if (endpoint === 'token') {
      const form = formOf(e.request.body);
      if (e.response.status === 200) {
        const parsed = parseObject(e.response.body);
        if (form.get('grant_type') === 'refresh_token') refreshResponse = parsed ?? refreshResponse;
        else tokenResponse = parsed ?? tokenResponse;
      }
      const assertion = form.get('client_assertion');
      if (assertion !== null) sentClientAssertion = assertion;
    }
  }
  return completeEvidence({
    responses,
    authorizeUrl,
    callbackError: context.callbackError,
    callback,
    sentState: context.sentState,
    sentNonce: context.sentNonce,
    launchUrl: context.launchUrl,
    requestedScope: context.requestedScope,
    tokenResponse,
    refreshResponse,
    sentClientAssertion,
    clientId: context.clientId,
    tokenEndpoint: context.tokenEndpoint,
    launchType: context.launchType,
    authMethod: context.authMethod,
    messages: context.messages ?? [],
  });
}

/** What a user saved from their own app (explain). */
export interface SavedInput {
  status?: number | undefined;
  body?: string | undefined;
  responseHeaders?: HeaderMap | undefined;
  requestHeaders?: HeaderMap | undefined;
  requestBody?: string | undefined;
  method?: string | undefined;
  /** The URL the saved response answered (an authorize URL is also linted). */
  url?: string | undefined;
  endpoint?: Endpoint | undefined;
  tokenResponse?: Record<string, unknown> | undefined;
  requestedScope?: string | undefined;
  authorizeUrl?: string | undefined;
  clientId?: string | undefined;
  tokenEndpoint?: string | undefined;
  messages?: string[] | undefined;
  authMethod?: AuthMethod | undefined;
  /** The whole request is known (a curl line): an absent Authorization header really was absent. */
  requestSeen?: boolean | undefined;
}

const TOKEN_ERRORS = ['invalid_client', 'invalid_grant', 'unsupported_grant_type', 'unauthorized_client'];

/** Where a saved response came from, when the user did not say: from the URL, the request, then the answer. */
export function guessEndpoint(s: SavedInput, oauthError: OAuthError | undefined): Endpoint {
  if (s.endpoint !== undefined) return s.endpoint;
  const url = s.url ?? s.authorizeUrl;
  const path = url !== undefined && URL.canParse(url) ? new URL(url).pathname : '';
  const form = formOf(s.requestBody);
  if (form.has('grant_type') || /\/token\/?$/i.test(path)) return 'token';
  if (/\.well-known\/(smart|openid)-configuration|\/metadata$|jwks|\/certs$/i.test(path)) return 'discovery';
  if (url !== undefined && (queryOf(innerAuthorizeUrl(url))?.has('response_type') === true || /\/authori[sz]e\/?$/i.test(path))) return 'authorize';
  if (oauthError !== undefined && TOKEN_ERRORS.includes(oauthError.error)) return 'token';
  if (headerValue(s.responseHeaders ?? {}, 'www-authenticate') !== undefined) return 'fhir';
  if (/^Bearer\s/i.test(headerValue(s.requestHeaders ?? {}, 'authorization') ?? '')) return 'fhir';
  // A FHIR REST path (…/Patient/123, …/Observation?…) or a FHIR media type.
  if (/\/(metadata|[A-Z][A-Za-z]+)(\/[^/]+)?(\/_history\/[^/]+)?\/?$/.test(path) || /fhir\+json|fhir\+xml/i.test(`${headerValue(s.requestHeaders ?? {}, 'accept') ?? ''} ${headerValue(s.responseHeaders ?? {}, 'content-type') ?? ''}`)) return 'fhir';
  if (s.body?.includes('OperationOutcome') === true) return 'fhir';
  // A saved authorize URL next to a status: the answer to that URL (e.g. 400 to forceAuthn=true).
  if (s.authorizeUrl !== undefined) return 'authorize';
  return 'other';
}

/** The client assertion a saved request carried: in the form body, or (wrongly) as a Bearer header. */
function assertionOf(s: SavedInput, endpoint: Endpoint): string | undefined {
  const inBody = formOf(s.requestBody).get('client_assertion');
  if (inBody !== null) return inBody;
  if (endpoint !== 'token') return undefined;
  return /^Bearer\s+(eyJ[\w-]+\.[\w-]+\.[\w-]*)/i.exec(headerValue(s.requestHeaders ?? {}, 'authorization') ?? '')?.[1];
}

/**
 * What a URL the user saved is: an authorize request (response_type, client_id, or a vendor
 * login page carrying one in to=), what came back to the redirect URI (code, error or state,
 * no client_id), an EHR's launch of the app (iss or launch, no client_id), or none of these
 * (the URL a saved response answered, e.g. a discovery document).
 */
export function kindOfUrl(url: string): 'authorize' | 'callback' | 'launch' | 'other' {
  if (!URL.canParse(url)) return 'other';
  const outer = new URL(url);
  const inner = new URL(innerAuthorizeUrl(url) ?? url);
  const p = inner.searchParams;
  if (p.has('response_type') || p.has('client_id') || /\/authori[sz]e\/?$/i.test(inner.pathname)) return 'authorize';
  const q = outer.searchParams;
  if (q.has('code') || q.has('error') || (q.has('state') && !q.has('iss'))) return 'callback';
  if (q.has('iss') || q.has('launch')) return 'launch';
  return 'other';
}

/**
 * The status of a saved answer pasted without one (posts often quote only the body): an OAuth
 * error object (RFC 6749 §5.2, §4.1.2.1) or a page in a vendor's known error wording is an
 * error answer, taken as 400; anything else stays unknown (0), so it is not called a failure.
 * Generic wording (a bare "redirect_uri") does not count: a login page may say that too.
 */
export function statusOfUnstatedAnswer(body: string | undefined, oauthError: OAuthError | undefined): number {
  if (oauthError !== undefined) return 400;
  if (body === undefined || body.trim() === '') return 0;
  // A FHIR OperationOutcome with an error issue is an error answer too (which one, 401 or 403, it does not say).
  const outcome = parseObject(body);
  if (outcome?.['resourceType'] === 'OperationOutcome' && Array.isArray(outcome['issue']) && outcome['issue'].some((i: unknown) => typeof i === 'object' && i !== null && ['error', 'fatal'].includes((i as Record<string, unknown>)['severity'] as string))) return 400;
  const text = /<[a-z!]/i.test(body) ? withoutTags(body) : body;
  return specificPhrasesIn(text).length > 0 ? 400 : 0;
}

export function evidenceFromSaved(s: SavedInput): Evidence {
  const responses: ResponseEvidence[] = [];
  // A saved "authorize URL" may really be the callback, the launch URL, or the URL of the saved answer.
  const urlKind = s.authorizeUrl === undefined ? undefined : kindOfUrl(s.authorizeUrl);
  if (s.authorizeUrl !== undefined && urlKind !== 'authorize') {
    const { authorizeUrl, ...rest } = s;
    if (urlKind === 'other') return evidenceFromSaved({ ...rest, url: s.url ?? authorizeUrl });
    const saved = evidenceFromSaved(rest);
    return completeEvidence({ ...saved, failures: undefined, ...(urlKind === 'callback' ? { callback: callbackFrom(authorizeUrl) } : { launchUrl: authorizeUrl }) });
  }
  // The URL the browser was sent back to (code, error or state, no client_id), with no answer of its own: the callback.
  if (s.url !== undefined && s.status === undefined && s.body === undefined && kindOfUrl(s.url) === 'callback') {
    const { url, ...rest } = s;
    return completeEvidence({ ...evidenceFromSaved(rest), failures: undefined, callback: callbackFrom(url) });
  }
  const base = {
    tokenResponse: s.tokenResponse,
    requestedScope: s.requestedScope,
    authorizeUrl: s.authorizeUrl,
    clientId: s.clientId,
    tokenEndpoint: s.tokenEndpoint,
    messages: s.messages ?? [],
    authMethod: s.authMethod,
  };
  if (s.status !== undefined || s.body !== undefined) {
    const oauthError = parseOAuthError(s.body);
    const endpoint = guessEndpoint(s, oauthError);
    const url = s.url ?? (endpoint === 'authorize' ? s.authorizeUrl : endpoint === 'token' ? s.tokenEndpoint : undefined);
    // A token request is a POST (RFC 6749 §3.2), whether or not its body was saved.
    const status = s.status ?? statusOfUnstatedAnswer(s.body, oauthError);
    responses.push(
      responseEvidence({ endpoint, status, statusUnstated: s.status === undefined && status !== 0 ? true : undefined, method: s.method ?? (s.requestBody !== undefined || endpoint === 'token' ? 'POST' : undefined), url, requestHeaders: s.requestHeaders ?? {}, requestBody: s.requestBody, responseHeaders: s.responseHeaders ?? {}, responseBody: s.body, requestSeen: s.requestSeen ?? (Object.keys(s.requestHeaders ?? {}).length > 0 || s.requestBody !== undefined), headersSeen: s.requestSeen === true || Object.keys(s.requestHeaders ?? {}).length > 0 }),
    );
    return completeEvidence({ ...base, responses, sentClientAssertion: assertionOf(s, endpoint), tokenEndpoint: s.tokenEndpoint ?? (endpoint === 'token' ? url : undefined) });
  }
  return completeEvidence({ ...base, responses });
}
