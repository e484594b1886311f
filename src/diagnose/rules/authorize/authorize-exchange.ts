// The authorize step as the authorize rules see it: the request that was sent (the inner
// request of a vendor login page), and what came back: an error on the redirect URI or an
// error answer (often an HTML page, RFC 6749 §4.1.2.1) at the authorization server.
import { parseVendorErrorUri, type VendorErrorUri } from '../../../protocol/oauth-error.js';
import { innerAuthorizeUrl, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { callbackWords, messageRelays, safeDecode, serverWords, vendorSays } from '../../rule.js';
import { phrasesIn, type VendorPhrase } from '../../vendors/index.js';

/** The parameters of the authorize request, when the evidence holds one. */
export function authorizeParams(e: Evidence): URLSearchParams | undefined {
  const inner = innerAuthorizeUrl(e.authorizeUrl);
  if (inner === undefined || !URL.canParse(inner)) return undefined;
  const url = new URL(inner);
  const p = url.searchParams;
  return p.has('response_type') || p.has('client_id') || /\/authori[sz]e\/?$/i.test(url.pathname) ? p : undefined;
}

export interface AuthorizeAnswer {
  /** The OAuth error code, when the server sent one (or its page names one). */
  error?: string | undefined;
  description?: string | undefined;
  errorUri?: string | undefined;
  /** Everything the server said (error, description, decoded error_uri, page text). */
  words: string;
  /** The error answer at the authorization server, when the failure was not redirected. */
  response?: ResponseEvidence | undefined;
  via: 'callback' | 'page';
}

const OAUTH_ERROR_WORD = /\b(invalid_request|invalid_scope|access_denied|unauthorized_client|unsupported_response_type|server_error|temporarily_unavailable|invalid_client)\b/;

/** What the authorization server answered when the authorize step failed: the callback error first, else the first error answer at authorize. */
export function authorizeAnswer(e: Evidence): AuthorizeAnswer | undefined {
  const c = e.callbackError;
  if (c !== undefined) return { error: c.error, description: c.error_description, errorUri: c.error_uri, words: callbackWords(e), via: 'callback' };
  const r = e.responses.find((x) => (x.endpoint === 'authorize' || x.endpoint === 'callback') && x.status >= 400);
  if (r === undefined) return undefined;
  const words = serverWords(r);
  return { error: r.oauthError?.error ?? OAUTH_ERROR_WORD.exec(words)?.[1], description: r.oauthError?.error_description, errorUri: r.oauthError?.error_uri, words, response: r, via: 'page' };
}

/** The vendor URN of the answer's error_uri (Oracle Health), when there is one. */
export function answerUrn(a: AuthorizeAnswer | undefined): VendorErrorUri | undefined {
  if (a === undefined) return undefined;
  return parseVendorErrorUri(a.errorUri) ?? parseVendorErrorUri(/https?:\/\/\S*\/errors\/\S+/.exec(a.words)?.[0]);
}

/** Parameters an authorize request needs (RFC 6749 §4.1.1, SMART App Launch 2: aud, state, PKCE). */
const NEEDED = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'aud', 'code_challenge'] as const;
export type NeededParameter = (typeof NEEDED)[number];

export function missingParameters(p: URLSearchParams): NeededParameter[] {
  return NEEDED.filter((n) => !p.has(n) || p.get(n) === '');
}

const NAMES_A_PARAMETER = /\b(aud|audience|redirect|scope|client|state|launch|response_type|nonce|prompt|code_challenge|pkce|resource)\b/i;

/** invalid_request (or a bare 400 page naming it) whose words name no parameter: the request's shape must decide. */
export function isBareInvalidRequest(a: AuthorizeAnswer | undefined): boolean {
  if (a === undefined || a.error !== 'invalid_request') return false;
  const rest = `${a.description ?? ''} ${a.via === 'page' ? a.words.replace(/\binvalid_request\b/g, ' ') : ''} ${safeDecode(a.errorUri ?? '')}`;
  return !NAMES_A_PARAMETER.test(rest);
}

/** Parameters no authorize request does without (RFC 6749 §4.1.1; redirect_uri where more than one is registered). */
const CORE: readonly NeededParameter[] = ['response_type', 'client_id', 'redirect_uri', 'scope'];

/**
 * The role of a request-shape lint of the authorize URL (no PKCE, no aud) against a bare
 * invalid_request: with a core parameter missing too, only contributing; otherwise PKCE is the
 * likelier cause (required by SMART 2, OAuth 2.1 and servers such as Duende by default; state is
 * only RECOMMENDED), and a missing aud is the cause when PKCE was sent. With other words, or
 * nothing failed, the lint is merely noticed.
 */
export function lintRole(e: Evidence, p: URLSearchParams, own: 'code_challenge' | 'aud'): 'root-cause' | 'contributing' | 'also-noticed' {
  if (!isBareInvalidRequest(authorizeAnswer(e))) return 'also-noticed';
  const missing = missingParameters(p);
  if (CORE.some((c) => missing.includes(c))) return 'contributing';
  if (own === 'code_challenge') return 'root-cause';
  return missing.includes('code_challenge') ? 'contributing' : 'root-cause';
}

/** Decoded "expected X, got Y" style quote of the answer, for a finding's detail. */
export function describeAnswer(a: AuthorizeAnswer): string {
  const host = a.response?.url !== undefined && URL.canParse(a.response.url) ? ` (${a.response.method ?? 'GET'} ${new URL(a.response.url).origin}${new URL(a.response.url).pathname})` : '';
  const where = a.via === 'callback' ? 'the redirect back to the app carried' : `the authorization server answered HTTP ${a.response?.status ?? ''}${host}`;
  if (a.error === undefined) return `${where} ${JSON.stringify(a.words.slice(0, 200))}`;
  return `${where} error ${a.error}${a.description !== undefined ? `: "${a.description}"` : ''}${a.errorUri !== undefined ? ` (error_uri ${a.errorUri})` : ''}`;
}

/** Endpoints whose error answers can be the authorize step's (an unlabelled saved answer included). */
const AUTHORIZE_SIDE: ReadonlyArray<ResponseEvidence['endpoint']> = ['authorize', 'callback', 'other'];

/**
 * The authorize step's answer (callback error, or an error answer at authorize) whose words
 * prove findingId: serverSays restricted to the authorize step, so the same words from a FHIR
 * server or the token endpoint ("The audience is invalid") are left to those phases' rules.
 */
export function authorizeSays(e: Evidence, findingId: string): { response?: ResponseEvidence | undefined; phrase: VendorPhrase; message?: string | undefined } | undefined {
  for (const r of e.responses) {
    if (r.status < 400 || !AUTHORIZE_SIDE.includes(r.endpoint)) continue;
    const phrase = vendorSays(r, findingId);
    if (phrase !== undefined) return { response: r, phrase };
  }
  const phrase = phrasesIn(callbackWords(e)).find((p) => p.findingId === findingId);
  if (phrase !== undefined) return { phrase };
  // Last, the app's message quoting the server's page or redirect (a vendor's own wording, not the generic rows).
  const relayed = messageRelays(e, findingId);
  return relayed?.phrase === undefined ? undefined : { phrase: relayed.phrase, message: relayed.message };
}

/** For a lint that answers a bare invalid_request: what was said, and which needed parameters the request lacks. */
export function bareAnswerLine(e: Evidence, p: URLSearchParams): string | undefined {
  const a = authorizeAnswer(e);
  if (a === undefined || !isBareInvalidRequest(a)) return undefined;
  const missing = missingParameters(p);
  return `${describeAnswer(a)}, naming no parameter; the request lacks ${missing.length === 0 ? 'none of the usual parameters' : missing.map((m) => `"${m}"`).join(', ')}`;
}

/**
 * The EHR's launch of the app (its launch URL's iss and launch), when the evidence holds one.
 * A URL carrying code, error or state is a redirect back to the app (whose iss is the RFC 9207
 * authorization-server issuer), not a launch.
 */
export function ehrLaunch(e: Evidence): { iss?: string | undefined; launch?: string | undefined } | undefined {
  if (e.launchUrl === undefined || !URL.canParse(e.launchUrl)) return undefined;
  const q = new URL(e.launchUrl).searchParams;
  if (q.has('code') || q.has('error') || q.has('state')) return undefined;
  return { iss: q.get('iss') ?? undefined, launch: q.get('launch') ?? undefined };
}
