// The id_token a run received and what it can be checked against, for the id-token rules:
// the token response (saved with --token-response, or a 200 token answer in the trace or
// given with --body), its time (the answer's Date header, else when the request was sent),
// the JWKS and discovery documents fetched in the same run. Not a rule: the rules of this
// phase import it. Pure: decoding never throws out of here.
import { headerValue } from '../../../report/trace.js';
import { decodeJwt, type DecodedJwt } from '../../../protocol/jwt/decode.js';
import type { FindingBasis, FindingRole } from '../../../report/finding.js';
import { grantTypeOf, parseObject, type Evidence, type ResponseEvidence } from '../../evidence.js';

export interface ReceivedTokenResponse {
  body: Record<string, unknown>;
  /** The answer that carried it, when the evidence has it. */
  response?: ResponseEvidence | undefined;
}

/** The authorization-code token response: e.tokenResponse, else the first 200 token answer that is not a refresh. */
export function receivedTokenResponse(e: Evidence): ReceivedTokenResponse | undefined {
  const answer = e.responses.find((r) => r.endpoint === 'token' && r.status === 200 && grantTypeOf(r) !== 'refresh_token' && parseObject(r.responseBody) !== undefined);
  if (e.tokenResponse !== undefined) return { body: e.tokenResponse, response: answer };
  const body = parseObject(answer?.responseBody);
  return body === undefined ? undefined : { body, response: answer };
}

export interface ReceivedIdToken {
  raw: string;
  token: DecodedJwt;
  response?: ResponseEvidence | undefined;
}

/** The id_token of the token response, decoded; undefined when there is none or it is not a signed JWT. */
export function receivedIdToken(e: Evidence): ReceivedIdToken | undefined {
  const tr = receivedTokenResponse(e);
  const raw = tr?.body['id_token'];
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  try {
    const token = decodeJwt(raw);
    return token.kind === 'jwt' ? { raw, token, response: tr?.response } : undefined;
  } catch {
    return undefined;
  }
}

/** Seconds since the epoch of an HTTP Date header, if it parses. */
export function dateHeaderSeconds(r: ResponseEvidence | undefined): number | undefined {
  const date = r === undefined ? undefined : headerValue(r.responseHeaders, 'date');
  if (date === undefined) return undefined;
  const ms = Date.parse(date);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** When an answer was given, by the server's clock (Date header) or the run's (startedAt); undefined for bare saved text. */
export function answeredAt(r: ResponseEvidence | undefined): { seconds: number; source: 'Date header' | 'trace' } | undefined {
  const date = dateHeaderSeconds(r);
  if (date !== undefined) return { seconds: date, source: 'Date header' };
  const started = r?.startedAt === undefined ? Number.NaN : Date.parse(r.startedAt);
  return Number.isFinite(started) ? { seconds: Math.floor(started / 1000), source: 'trace' } : undefined;
}

/** JSON bodies of successful discovery-side answers (smart-configuration, openid-configuration, JWKS), in order. */
export function discoveryDocuments(e: Evidence): Array<{ body: Record<string, unknown>; response: ResponseEvidence }> {
  return e.responses
    .filter((r) => r.endpoint === 'discovery' && r.status >= 200 && r.status < 300)
    .map((r) => ({ body: parseObject(r.responseBody), response: r }))
    .filter((d): d is { body: Record<string, unknown>; response: ResponseEvidence } => d.body !== undefined);
}

/** The kids of every JWKS fetched in the run, one list per fetch, in order. */
export function jwksFetches(e: Evidence): Array<{ kids: string[]; response: ResponseEvidence }> {
  return discoveryDocuments(e)
    .filter((d) => Array.isArray(d.body['keys']))
    .map((d) => ({ kids: (d.body['keys'] as unknown[]).map((k) => (k !== null && typeof k === 'object' ? (k as Record<string, unknown>)['kid'] : undefined)).filter((k): k is string => typeof k === 'string'), response: d.response }));
}

/**
 * Role and basis of an id_token finding. The app's own library naming it is the strongest
 * evidence (server-words: the words of what rejected the token). A check the structure
 * proves (OpenID Connect Core §3.1.3.7: the client MUST reject such a token) explains the
 * failure when nothing else visibly failed; beside another failure it is only also noticed.
 */
export function idTokenRole(e: Evidence, saidByApp: boolean): { role: FindingRole; basis: FindingBasis } {
  if (saidByApp) return { role: 'root-cause', basis: 'server-words' };
  return { role: e.failures.some((f) => f.kind !== 'client-message') ? 'also-noticed' : 'root-cause', basis: 'request-shape' };
}

/** A claim value for a detail line: quoted string, or JSON. */
export function shown(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}
