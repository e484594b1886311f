// 401 invalid_client because the client assertion went in an Authorization: Bearer header
// instead of the form body (what Cerner's invalid-authorization-header URN says). When the
// request itself is not in the evidence, the URN alone is read the same way (motivating case
// c), with a malformed Basic header as the other cause; a request seen with a Basic header is
// cerner-invalid-authorization-header-basic instead.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { headerValue } from '../../../report/trace.js';
import { grantTypeOf, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { describeError, errorText, exchangeIdOf, orderCauses, responsesAt, serverWords, type DiagnosisRule } from '../../rule.js';
import { checkLines, preflight } from './preflight.js';

export function bearerJwt(r: ResponseEvidence): string | undefined {
  return /^Bearer\s+(eyJ[\w-]+\.[\w-]+\.[\w-]*)\s*$/i.exec(headerValue(r.requestHeaders, 'authorization') ?? '')?.[1];
}

export function namesAuthorizationHeader(r: ResponseEvidence): boolean {
  return /invalid[-_ ]authorization[-_ ]header|authorization header/i.test(errorText(r));
}

/** This rule explains the answer: a Bearer JWT was sent, or the server names the header and the request headers are not known. */
export function explainsHeaderRefusal(r: ResponseEvidence): boolean {
  if (r.status < 400 || r.status >= 500 || r.oauthError?.error !== 'invalid_client') return false;
  if (bearerJwt(r) !== undefined) return true;
  if (!namesAuthorizationHeader(r)) return false;
  // A Basic (or other) header was seen: that header is what the server could not read (another rule).
  if (headerValue(r.requestHeaders, 'authorization') !== undefined) return false;
  // The whole request was seen without any Authorization header: the words are about something else.
  return r.headersSeen !== true;
}

export const clientAssertionInAuthorizationHeader: DiagnosisRule = {
  id: 'client-assertion-in-authorization-header',
  phase: 'client-assertion',
  catalog: ['cerner-jwt-in-authorization-header'],
  diagnose(e: Evidence): Finding[] {
    const first = responsesAt(e, 'token').find(explainsHeaderRefusal);
    if (first === undefined) return [];
    const jwt = bearerJwt(first);
    const p = preflight(e, first);
    const lines = [describeError(first)];
    if (first.oauthError?.error_uri !== undefined) lines.push(`error_uri: ${first.oauthError.error_uri}`);
    if (jwt !== undefined) lines.push('the request carried "Authorization: Bearer <JWT>": a client assertion in a header');
    else lines.push('the request headers are not in the evidence; the server says it could not read the Authorization header of the token request');
    const form = new URLSearchParams(first.requestBody?.trimStart().startsWith('{') === true ? '' : (first.requestBody ?? ''));
    if (first.requestBody !== undefined && !form.has('client_assertion')) lines.push(`the body has no client_assertion${grantTypeOf(first) !== undefined ? ` (grant_type=${grantTypeOf(first) ?? ''})` : ''}`);
    if (p !== undefined && p.checks.some((c) => c.status === 'fail')) lines.push('the assertion itself also has problems (fix them too; the server never read it as an assertion):');
    if (p !== undefined) lines.push(checkLines(p));
    const words = `${serverWords(first)} ${jwt !== undefined ? 'bearer jwt' : ''} ${grantTypeOf(first) === 'client_credentials' ? 'client_credentials' : ''}`;
    return [
      makeFinding({
        id: 'client-assertion-in-authorization-header',
        severity: 'error',
        role: 'root-cause',
        basis: namesAuthorizationHeader(first) ? 'server-words' : 'request-shape',
        title: jwt !== undefined ? 'the client assertion was sent in the Authorization header; it belongs in the form body' : 'the server could not read the Authorization header of the token request (invalid-authorization-header)',
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The app sends the signed JWT as "Authorization: Bearer <jwt>" on the token request; SMART private_key_jwt carries it as the form parameters client_assertion_type and client_assertion.', when: /bearer jwt|client_credentials/i },
            { text: 'The Basic header is malformed: not base64(client_id:client_secret), a stray newline (base64 without -w0, echo without -n), or the id and secret not form-encoded first.', when: /basic/i },
            { text: 'The header carries credentials of an account the tenant does not know (client=unknown).', when: /client=unknown/i },
          ],
          words,
        ),
        fix: 'Send no Authorization header to the token endpoint with private_key_jwt; put two form parameters in the POST body instead: client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and client_assertion=<the JWT> (smartctl jwt-assert prints the exact body). With a client secret, send exactly "Authorization: Basic base64(client_id:client_secret)".',
        spec: 'smart-client-assertion-request',
        exchanges: exchangeIdOf(first),
      }),
    ];
  },
};
