// 401 invalid_client because the client assertion went in an Authorization: Bearer
// header instead of the form body (what Cerner's invalid-authorization-header says).
import { makeFinding, type Finding } from '../../../report/finding.js';
import { decodeJwt } from '../../../protocol/jwt/decode.js';
import { lintClientAssertion } from '../../../protocol/jwt/client-assertion.js';
import { headerValue } from '../../../report/trace.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, errorText, responsesAt, type DiagnosisRule, type RuleOptions } from '../../rule.js';

export const OTHER_INVALID_CLIENT_CAUSES = [
  'aud is not the token endpoint URL exactly (a FHIR base or issuer there is the most common mistake)',
  'kid is not in the JWKS registered for the client (or the key was rotated)',
  'alg is not RS384 or ES384',
  'exp is more than 5 minutes ahead, or the clocks disagree (iat in the future)',
  'iss and sub are not both the client id',
  'the JWKS was registered recently and has not propagated to this environment yet',
];

function bearerJwt(r: ResponseEvidence): string | undefined {
  return /^Bearer\s+(eyJ[\w-]+\.[\w-]+\.[\w-]*)\s*$/i.exec(headerValue(r.requestHeaders, 'authorization') ?? '')?.[1];
}

function namesAuthorizationHeader(r: ResponseEvidence): boolean {
  const text = errorText(r).toLowerCase();
  return /invalid[-_ ]authorization[-_ ]header|authorization header/.test(text);
}

/** Lints the assertion that was sent, when we have it, so the other causes can be checked too. */
export function assertionChecks(assertion: string | undefined, e: Evidence, now: Date): string[] {
  if (assertion === undefined) return [];
  try {
    const token = decodeJwt(assertion);
    if (token.kind !== 'jwt') return [];
    return lintClientAssertion(token, { clientId: e.clientId, tokenEndpoint: e.tokenEndpoint, now }).map((f) => `${f.id}: ${f.detail}`);
  } catch {
    return ['the assertion sent is not a well-formed JWT'];
  }
}

export const clientAssertionInAuthorizationHeader: DiagnosisRule = {
  id: 'client-assertion-in-authorization-header',
  phase: 'client-assertion',
  catalog: ['cerner-jwt-in-authorization-header'],
  diagnose(e: Evidence, o: RuleOptions): Finding[] {
    const hits = responsesAt(e, 'token').filter((r) => r.status === 401 && r.oauthError?.error === 'invalid_client' && (namesAuthorizationHeader(r) || bearerJwt(r) !== undefined));
    const [first] = hits;
    if (first === undefined) return [];
    const sent = bearerJwt(first) ?? e.sentClientAssertion;
    const checks = assertionChecks(sent, e, o.now);
    const evidence = [describeError(first)];
    if (first.oauthError?.error_uri !== undefined) evidence.push(`error_uri: ${first.oauthError.error_uri}`);
    if (bearerJwt(first) !== undefined) evidence.push('the request carried "Authorization: Bearer <JWT>": a client assertion in a header');
    if (checks.length > 0) evidence.push(`the assertion itself also has problems:\n  - ${checks.join('\n  - ')}`);
    else if (sent !== undefined) evidence.push('the assertion itself passes the SMART claim checks (iss, sub, aud, exp, jti, alg)');
    return [
      makeFinding({
        id: 'client-assertion-in-authorization-header',
        severity: 'error',
        role: 'root-cause',
        basis: namesAuthorizationHeader(first) ? 'server-words' : 'request-shape',
        title: 'the client assertion was sent in the Authorization header; it belongs in the form body',
        detail: evidence.join('\n'),
        causes: ['The app sends the signed JWT as "Authorization: Bearer <jwt>" on the token request; SMART private_key_jwt carries it as form parameters.', ...OTHER_INVALID_CLIENT_CAUSES.map((c) => `Other usual cause of invalid_client with private_key_jwt: ${c}.`)],
        fix: 'Send no Authorization header to the token endpoint; put two form parameters in the POST body instead: client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and client_assertion=<the JWT>. (smartctl jwt-assert prints the exact body.)',
        spec: 'smart-client-assertion-request',
        exchanges: first.exchangeId === undefined ? undefined : [first.exchangeId],
      }),
    ];
  },
};
