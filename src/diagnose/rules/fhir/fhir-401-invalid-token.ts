// FHIR API 401 with the token (RFC 6750 §3): no token, expired (fhir-401-expired-token),
// another audience (fhir-401-invalid-audience), or otherwise invalid.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { decodeJwt } from '../../../protocol/jwt/decode.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, responsesAt, type DiagnosisRule, type RuleOptions } from '../../rule.js';

/** The exp and aud of the access token sent, when it is a JWT (many EHRs issue opaque tokens). */
function accessTokenClaims(r: ResponseEvidence, e: Evidence): { exp?: number; aud?: string[] } {
  const sent = /^Bearer\s+(\S+)/i.exec(headerValue(r.requestHeaders, 'authorization') ?? '')?.[1];
  const raw = sent ?? (typeof e.tokenResponse?.['access_token'] === 'string' ? e.tokenResponse['access_token'] : undefined);
  if (raw === undefined) return {};
  try {
    const t = decodeJwt(raw);
    if (t.kind !== 'jwt') return {};
    const exp = t.payload['exp'];
    const aud = t.payload['aud'];
    return { exp: typeof exp === 'number' ? exp : undefined, aud: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : undefined } as { exp?: number; aud?: string[] };
  } catch {
    return {};
  }
}

export function challengeText(r: ResponseEvidence): string {
  const p = r.challenge?.params ?? {};
  return `${p['error'] ?? r.oauthError?.error ?? ''} ${p['error_description'] ?? r.oauthError?.error_description ?? ''} ${r.responseBody ?? ''}`;
}

export const fhirUnauthorized: DiagnosisRule = {
  id: 'fhir-401-invalid-token',
  phase: 'fhir',
  catalog: ['fhir-401-invalid-audience', 'fhir-401-expired-token'],
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    const r = responsesAt(e, 'fhir').find((x) => x.status === 401);
    if (r === undefined) return [];
    const text = challengeText(r);
    // The token itself can say what the server did not: exp passed, or aud names another server.
    const claims = accessTokenClaims(r, e);
    const nowS = Math.floor(o.now.getTime() / 1000);
    const expiredBy = claims.exp !== undefined && claims.exp <= nowS ? nowS - claims.exp : undefined;
    const fhirBase = r.url !== undefined && URL.canParse(r.url) ? new URL(r.url) : undefined;
    const otherAud = claims.aud !== undefined && fhirBase !== undefined && claims.aud.length > 0 && !claims.aud.some((a) => URL.canParse(a) && new URL(a).origin === fhirBase.origin && fhirBase.pathname.startsWith(new URL(a).pathname.replace(/\/$/, '')));
    const expired = /expired|exp\b/i.test(text) || expiredBy !== undefined;
    const audience = /audience|\baud\b/i.test(text) || otherAud;
    const sentToken = /^Bearer\s+\S/i.test(headerValue(r.requestHeaders, 'authorization') ?? '') || r.requestSeen !== true;
    const said = /invalid_token|expired|audience|\baud\b/i.test(text);
    // A bare 401 with nothing known of the request and no words says nothing about why: abstain.
    if (r.requestSeen !== true && !said && expiredBy === undefined && !otherAud) return [];
    const id = !sentToken ? 'fhir-401-no-token' : expired ? 'fhir-401-expired-token' : audience ? 'fhir-401-invalid-audience' : 'fhir-401-invalid-token';
    return [
      makeFinding({
        id,
        severity: 'error',
        role: 'root-cause',
        basis: !sentToken ? 'request-shape' : said ? 'server-words' : expiredBy !== undefined || otherAud ? 'request-shape' : 'circumstance',
        title: !sentToken ? 'the FHIR request carried no access token' : expired ? 'the FHIR server says the access token expired' : audience ? 'the FHIR server says the token is for another audience' : 'the FHIR server rejected the access token',
        detail: [
          describeError(r),
          ...(r.challenge !== undefined ? [`WWW-Authenticate: ${r.challenge.scheme} ${Object.entries(r.challenge.params).map(([k, v]) => `${k}="${v}"`).join(', ')}`] : []),
          ...(expiredBy !== undefined ? [`the access token's exp is ${expiredBy} s in the past`] : []),
          ...(otherAud && fhirBase !== undefined ? [`access token aud: expected the FHIR base "${fhirBase.origin}${fhirBase.pathname}" or a prefix of it, got ${JSON.stringify(claims.aud)}`] : []),
        ].join('\n'),
        causes: !sentToken
          ? ['The Authorization: Bearer header is missing.']
          : expired
            ? ['The token lived past expires_in (some servers issue tokens for under 10 minutes).', 'The clocks of the client and server disagree.']
            : audience
              ? ['The token was requested for another resource: the aud parameter at authorize was not this FHIR base.', 'A proxy maps audiences differently.']
              : ['The token was revoked, or issued by another server or environment.', 'The token was altered or truncated when stored.'],
        fix: expired ? 'Refresh the token before expires_in runs out, or re-authorize.' : audience ? 'Send aud=<this FHIR base> in the authorize request.' : 'Send the access_token from this server unchanged as "Authorization: Bearer <token>"; re-authorize if it was revoked.',
        spec: 'rfc6750-www-authenticate',
        exchanges: r.exchangeId === undefined ? undefined : [r.exchangeId],
      }),
    ];
  },
};
