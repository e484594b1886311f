// One shape of evidence for every diagnosis rule, built either from a run's trace
// (launch, token) or from what a user saved (explain). Rules read only this.
import { headerValue, isExchange, type HeaderMap, type TraceEntry } from '../report/trace.js';
import { parseOAuthError, parseWwwAuthenticate, type BearerChallenge, type OAuthError } from '../protocol/oauth-error.js';

export type Endpoint = 'token' | 'authorize' | 'fhir' | 'discovery' | 'callback' | 'other';

export interface ResponseEvidence {
  endpoint: Endpoint;
  status: number;
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
}

export interface Evidence {
  /** Every HTTP answer of interest, in order (successful ones included). */
  responses: ResponseEvidence[];
  authorizeUrl?: string | undefined;
  /** An error the authorization server sent back to the redirect URI. */
  callbackError?: OAuthError | undefined;
  requestedScope?: string | undefined;
  /** The token response as received (parsed JSON), when there was one. */
  tokenResponse?: Record<string, unknown> | undefined;
  /** The client assertion the app sent (private_key_jwt), if known. */
  sentClientAssertion?: string | undefined;
  clientId?: string | undefined;
  tokenEndpoint?: string | undefined;
  launchType?: 'standalone' | 'ehr' | 'backend' | undefined;
  /** The client authentication the run used (token endpoint), when known. */
  authMethod?: 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | undefined;
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
}

export function endpointOfStep(step: string): Endpoint {
  const head = step.split('.')[0] ?? '';
  if (head === 'token' || head === 'refresh' || head === 'client-credentials') return 'token';
  if (head === 'authorize' || head === 'preflight' || head === 'headless') return 'authorize';
  if (head === 'fhir' || head === 'probe') return 'fhir';
  if (head === 'discovery' || head === 'jwks' || head === 'openid-configuration') return 'discovery';
  return 'other';
}

export function responseEvidence(r: Omit<ResponseEvidence, 'oauthError' | 'challenge'>): ResponseEvidence {
  return { ...r, oauthError: parseOAuthError(r.responseBody), challenge: parseWwwAuthenticate(headerValue(r.responseHeaders, 'www-authenticate')) };
}

function parseObject(body: string | undefined): Record<string, unknown> | undefined {
  if (body === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function evidenceFromTrace(trace: readonly TraceEntry[], context: RunContext = {}): Evidence {
  const responses: ResponseEvidence[] = [];
  let tokenResponse: Record<string, unknown> | undefined;
  let sentClientAssertion = context.sentClientAssertion;
  for (const e of trace.filter(isExchange)) {
    if (e.response === undefined) continue;
    const endpoint = endpointOfStep(e.step);
    responses.push(
      responseEvidence({ endpoint, status: e.response.status, method: e.request.method, url: e.request.url, requestHeaders: e.request.headers, requestBody: e.request.body, responseHeaders: e.response.headers, responseBody: e.response.body, exchangeId: e.id, durationMs: e.durationMs }),
    );
    if (endpoint === 'token') {
      if (e.response.status === 200) tokenResponse = parseObject(e.response.body) ?? tokenResponse;
      const assertion = e.request.body === undefined ? undefined : new URLSearchParams(e.request.body).get('client_assertion');
      if (assertion !== null && assertion !== undefined) sentClientAssertion = assertion;
    }
  }
  return {
    responses,
    authorizeUrl: context.authorizeUrl,
    callbackError: context.callbackError,
    requestedScope: context.requestedScope,
    tokenResponse,
    sentClientAssertion,
    clientId: context.clientId,
    tokenEndpoint: context.tokenEndpoint,
    launchType: context.launchType,
    authMethod: context.authMethod,
  };
}

/** What a user saved from their own app (explain). */
export interface SavedInput {
  status?: number | undefined;
  body?: string | undefined;
  responseHeaders?: HeaderMap | undefined;
  requestHeaders?: HeaderMap | undefined;
  endpoint?: Endpoint | undefined;
  tokenResponse?: Record<string, unknown> | undefined;
  requestedScope?: string | undefined;
  authorizeUrl?: string | undefined;
  clientId?: string | undefined;
  tokenEndpoint?: string | undefined;
}

function guessEndpoint(s: SavedInput, oauthError: OAuthError | undefined): Endpoint {
  if (s.endpoint !== undefined) return s.endpoint;
  if (oauthError !== undefined && ['invalid_client', 'invalid_grant', 'unsupported_grant_type'].includes(oauthError.error)) return 'token';
  if (headerValue(s.responseHeaders ?? {}, 'www-authenticate') !== undefined) return 'fhir';
  // A saved authorize URL next to a status: the answer to that URL (e.g. 400 to forceAuthn=true).
  if (s.authorizeUrl !== undefined) return 'authorize';
  if (s.body?.includes('OperationOutcome') === true) return 'fhir';
  return 'other';
}

export function evidenceFromSaved(s: SavedInput): Evidence {
  const responses: ResponseEvidence[] = [];
  if (s.status !== undefined || s.body !== undefined) {
    const oauthError = parseOAuthError(s.body);
    const requestHeaders = s.requestHeaders ?? {};
    const bearer = /^Bearer\s+(eyJ[\w-]+\.[\w-]+\.[\w-]*)/i.exec(headerValue(requestHeaders, 'authorization') ?? '')?.[1];
    responses.push(
      responseEvidence({ endpoint: guessEndpoint(s, oauthError), status: s.status ?? 0, requestHeaders, responseHeaders: s.responseHeaders ?? {}, responseBody: s.body }),
    );
    return { responses, tokenResponse: s.tokenResponse, requestedScope: s.requestedScope, authorizeUrl: s.authorizeUrl, clientId: s.clientId, tokenEndpoint: s.tokenEndpoint, sentClientAssertion: bearer };
  }
  return { responses, tokenResponse: s.tokenResponse, requestedScope: s.requestedScope, authorizeUrl: s.authorizeUrl, clientId: s.clientId, tokenEndpoint: s.tokenEndpoint };
}
