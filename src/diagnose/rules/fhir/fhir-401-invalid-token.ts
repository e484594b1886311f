// FHIR API 401 with the token (RFC 6750 §3). One classification (classify401) feeds the rules of
// the 401 family, so a 401 is explained once: no token sent (fhir-401-no-token, only when the
// request side is known: missing evidence is not negative evidence), expired
// (fhir-401-expired-token.ts), another audience (fhir-401-invalid-audience.ts), or otherwise
// invalid (fhir-401-invalid-token, this file). A bare 401 with nothing known abstains.
import { makeFinding, type Finding, type FindingBasis } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { decodeJwt } from '../../../protocol/jwt/decode.js';
import { describeSeconds } from '../../../protocol/jwt/time-claims.js';
import { grantTypeOf, parseObject, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { describeError, responsesAt, serverWords, vendorSays, type DiagnosisRule, type RuleOptions } from '../../rule.js';
import type { VendorPhrase } from '../../vendors/index.js';

/** The exp, iat and aud of the access token sent, when it is a JWT (many EHRs issue opaque tokens). */
export function accessTokenClaims(r: ResponseEvidence, e: Evidence): { exp?: number | undefined; aud?: string[] | undefined; raw?: string | undefined } {
  const sent = /^Bearer\s+(\S+)/i.exec(headerValue(r.requestHeaders, 'authorization') ?? '')?.[1];
  const raw = sent ?? (typeof e.tokenResponse?.['access_token'] === 'string' ? e.tokenResponse['access_token'] : undefined);
  if (raw === undefined) return {};
  try {
    const t = decodeJwt(raw);
    if (t.kind !== 'jwt') return { raw };
    const exp = t.payload['exp'];
    const aud = t.payload['aud'];
    return { raw, exp: typeof exp === 'number' ? exp : undefined, aud: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : undefined };
  } catch {
    return { raw };
  }
}

export function challengeText(r: ResponseEvidence): string {
  const p = r.challenge?.params ?? {};
  return `${p['error'] ?? r.oauthError?.error ?? ''} ${p['error_description'] ?? r.oauthError?.error_description ?? ''} ${r.responseBody ?? ''}`;
}

/** When the server answered, by its Date header or the trace; undefined for bare saved text. */
function answeredAtSeconds(r: ResponseEvidence): { seconds: number; source: string } | undefined {
  const date = headerValue(r.responseHeaders, 'date');
  const ms = date !== undefined ? Date.parse(date) : Number.NaN;
  if (Number.isFinite(ms)) return { seconds: Math.floor(ms / 1000), source: 'the answer\'s Date header' };
  const started = r.startedAt !== undefined ? Date.parse(r.startedAt) : Number.NaN;
  return Number.isFinite(started) ? { seconds: Math.floor(started / 1000), source: 'the time of the request' } : undefined;
}

/** The token response's expires_in against the time between it and this request, both from the trace. */
function expiresInPassed(e: Evidence, r: ResponseEvidence): string | undefined {
  const started = r.startedAt !== undefined ? Date.parse(r.startedAt) : Number.NaN;
  if (!Number.isFinite(started)) return undefined;
  const issued = [...responsesAt(e, 'token')].reverse().find((t) => t.status === 200 && t.startedAt !== undefined && Date.parse(t.startedAt) <= started && grantTypeOf(t) !== 'client_credentials');
  const body = parseObject(issued?.responseBody);
  const expiresIn = Number(body?.['expires_in']);
  if (issued?.startedAt === undefined || !Number.isFinite(expiresIn) || expiresIn <= 0) return undefined;
  const age = (started - Date.parse(issued.startedAt)) / 1000;
  return age >= expiresIn ? `the token was issued ${describeSeconds(age)} before this request with expires_in ${expiresIn} s` : undefined;
}

/** What the server said, quoted, when describeError does not show it (no OAuth error: a challenge or a body). */
export function saidQuote(r: ResponseEvidence): string[] {
  if (r.oauthError !== undefined) return [];
  const body = serverWords(r).replace(/\s+/g, ' ').trim();
  return body === '' ? [] : [`the server said: ${JSON.stringify(body.length > 240 ? `${body.slice(0, 240)}…` : body)}`];
}

export type UnauthorizedKind = 'fhir-401-no-token' | 'fhir-401-expired-token' | 'fhir-401-invalid-audience' | 'fhir-401-invalid-token';

export interface Unauthorized {
  kind: UnauthorizedKind;
  response: ResponseEvidence;
  basis: FindingBasis;
  /** The rule is sure only with a time reference or the server's words; otherwise a warning. */
  sure: boolean;
  lines: string[];
  phrase?: VendorPhrase | undefined;
  aud?: string[] | undefined;
  text: string;
}

const EXPIRED = /expired|\bexp\b|token is not active/i;
const AUDIENCE = /audience|\baud\b/i;

/** Why the first FHIR 401 happened, when the evidence can tell; undefined when it cannot (abstain). */
export function classify401(e: Evidence, now: Date): Unauthorized | undefined {
  const r = responsesAt(e, 'fhir').find((x) => x.status === 401);
  if (r === undefined) return undefined;
  const text = `${challengeText(r)} ${serverWords(r)}`;
  const claims = accessTokenClaims(r, e);
  const at = answeredAtSeconds(r);
  const ref = at?.seconds ?? now.getTime() / 1000;
  const expiredBy = claims.exp !== undefined && claims.exp <= ref ? Math.round(ref - claims.exp) : undefined;
  const lifetime = expiresInPassed(e, r);
  const fhirBase = r.url !== undefined && URL.canParse(r.url) ? new URL(r.url) : undefined;
  const otherAud = claims.aud !== undefined && fhirBase !== undefined && claims.aud.length > 0 && !claims.aud.some((a) => URL.canParse(a) && new URL(a).origin === fhirBase.origin && fhirBase.pathname.startsWith(new URL(a).pathname.replace(/\/$/, '')));
  const expiredPhrase = vendorSays(r, 'fhir-401-expired-token');
  const audiencePhrase = vendorSays(r, 'fhir-401-invalid-audience');
  const saysExpired = expiredPhrase !== undefined || EXPIRED.test(text);
  const saysAudience = audiencePhrase !== undefined || AUDIENCE.test(text);
  const sentToken = /^Bearer\s+\S/i.test(headerValue(r.requestHeaders, 'authorization') ?? '') || r.requestSeen !== true;
  const said = /invalid_token|expired|audience|\baud\b|BAD_TOKEN/i.test(text) || expiredPhrase !== undefined || audiencePhrase !== undefined;
  // A bare 401 with nothing known of the request and no words says nothing about why: abstain.
  if (r.requestSeen !== true && !said && expiredBy === undefined && lifetime === undefined && !otherAud) return undefined;
  const lines = [describeError(r), ...(r.challenge !== undefined ? [`WWW-Authenticate: ${r.challenge.scheme} ${Object.entries(r.challenge.params).map(([k, v]) => `${k}="${v}"`).join(', ')}`] : saidQuote(r))];
  if (!sentToken) return { kind: 'fhir-401-no-token', response: r, basis: 'request-shape', sure: true, lines, text };
  // Oracle HDR: "BAD_TOKEN: Invalid JWT token. Token is null or empty." (the server saw no token).
  if (/Token is null or empty/i.test(text)) return { kind: 'fhir-401-no-token', response: r, basis: 'server-words', sure: true, lines, text };
  // The server's words decide first; the token's own claims decide when it said nothing specific.
  if (saysExpired && !saysAudience) return { kind: 'fhir-401-expired-token', response: r, basis: 'server-words', sure: true, lines: [...lines, ...(expiredBy !== undefined ? [`the access token's exp is ${describeSeconds(expiredBy)} in the past (by ${at?.source ?? 'now'})`] : [])], phrase: expiredPhrase, text };
  if (saysAudience) return { kind: 'fhir-401-invalid-audience', response: r, basis: 'server-words', sure: true, lines: [...lines, ...(otherAud && fhirBase !== undefined ? [`access token aud: expected the FHIR base "${fhirBase.origin}${fhirBase.pathname}" or a prefix of it, got ${JSON.stringify(claims.aud)}`] : [])], phrase: audiencePhrase, aud: claims.aud, text };
  if (expiredBy !== undefined || lifetime !== undefined) {
    // exp against the time of the answer proves it; against the later time of explain it only suggests it.
    const sure = at !== undefined || lifetime !== undefined;
    return { kind: 'fhir-401-expired-token', response: r, basis: sure ? 'request-shape' : 'circumstance', sure, lines: [...lines, ...(expiredBy !== undefined ? [`the access token's exp is ${describeSeconds(expiredBy)} in the past (by ${at?.source ?? 'now; the time of the 401 is unknown: give its Date header to decide'})`] : []), ...(lifetime !== undefined ? [lifetime] : [])], text };
  }
  if (otherAud && fhirBase !== undefined) return { kind: 'fhir-401-invalid-audience', response: r, basis: 'request-shape', sure: true, lines: [...lines, `access token aud: expected the FHIR base "${fhirBase.origin}${fhirBase.pathname}" or a prefix of it, got ${JSON.stringify(claims.aud)}`], aud: claims.aud, text };
  return { kind: 'fhir-401-invalid-token', response: r, basis: said ? 'server-words' : 'circumstance', sure: said, lines, text };
}

/** Neither the token's exp nor the time since it was issued is in the evidence. */
function expiryUnknown(r: ResponseEvidence, e: Evidence): boolean {
  return accessTokenClaims(r, e).exp === undefined && expiresInPassed(e, r) === undefined;
}

export const fhirUnauthorized: DiagnosisRule = {
  id: 'fhir-401-invalid-token',
  phase: 'fhir',
  catalog: [],
  siblings: ['fhir-401-no-token'],
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    const c = classify401(e, o.now);
    if (c === undefined || (c.kind !== 'fhir-401-no-token' && c.kind !== 'fhir-401-invalid-token')) return [];
    const noToken = c.kind === 'fhir-401-no-token';
    return [
      makeFinding({
        id: c.kind,
        severity: 'error',
        role: 'root-cause',
        basis: c.basis,
        title: noToken ? 'the FHIR request carried no access token' : 'the FHIR server rejected the access token',
        detail: c.lines.join('\n'),
        causes: noToken
          ? ['The Authorization: Bearer header is missing.']
          : [
              // Nothing here gives the token's exp or age (an opaque token, no token response): expiry is not ruled out, and it is the usual reason (Cerner tokens live 570 s).
              ...(expiryUnknown(c.response, e) ? ['The token expired: nothing in the evidence gives its exp or its age (add the token response, or the request\'s Authorization header if the token is a JWT, to tell).'] : []),
              'The token was revoked, or issued by another server or environment.',
              'The token was altered or truncated when stored.',
              'Its signature does not verify with the keys the FHIR server trusts (another issuer or a rotated key).',
            ],
        fix: 'Send the access_token from this server unchanged as "Authorization: Bearer <token>"; re-authorize if it was revoked.',
        spec: 'rfc6750-www-authenticate',
        exchanges: c.response.exchangeId === undefined ? undefined : [c.response.exchangeId],
      }),
    ];
  },
};
