// invalid_grant on an authorization_code exchange (RFC 6749 §5.2): the code was used, expired,
// issued to another client, or the redirect_uri differs; causes ordered by what the server
// said and what the requests show (the same code posted twice, another redirect_uri). A
// verifier problem is pkce-verifier-mismatch; a redirect_uri the server names is
// redirect-uri-mismatch. invalid_grant on a refresh_token grant is not a code failure: this rule
// stays silent and rules/refresh/refresh-token-rejected explains it.
import { makeFinding, type Finding } from '../../../report/finding.js';
import { formOf, grantTypeOf, innerAuthorizeUrl, type Evidence, type ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, mentionsInError, messageRelays, orderCauses, reportedLine, responsesAt, saidLine, serverWords, tokenErrorResponses, vendorSays, type DiagnosisRule } from '../../rule.js';
import { verifierMatches, verifierProblem } from './pkce-verifier-mismatch.js';
import { isRefreshGrant } from '../refresh/refresh-token-rejected.js';

/** What the requests themselves show about this code exchange. */
function requestFacts(e: Evidence, r: ResponseEvidence): string[] {
  const out: string[] = [];
  const code = formOf(r.requestBody).get('code');
  const token = responsesAt(e, 'token');
  if (code !== null && token.slice(0, token.indexOf(r)).some((x) => formOf(x.requestBody).get('code') === code)) out.push('the same code was already posted in an earlier token request of this evidence (codes are single use)');
  const authorize = innerAuthorizeUrl(e.authorizeUrl);
  const sentRedirect = authorize !== undefined && URL.canParse(authorize) ? new URL(authorize).searchParams.get('redirect_uri') : null;
  const tokenRedirect = formOf(r.requestBody).get('redirect_uri');
  if (sentRedirect !== null && tokenRedirect !== null && sentRedirect !== tokenRedirect) out.push(`redirect_uri: expected "${sentRedirect}" (as sent to authorize), got "${tokenRedirect}" in the token request`);
  if (r.requestBody !== undefined && sentRedirect !== null && tokenRedirect === null) out.push(`redirect_uri: the authorize request sent "${sentRedirect}", the token request sends none`);
  return out;
}

const CODE_WORDS = /\bcode\b|authorization[_ ]code|AADSTS54005|AADSTS70008/i;
/**
 * invalid_request whose description says the code itself is bad (FusionAuth answers an
 * unknown or expired code with invalid_request "Invalid Authorization Code",
 * https://github.com/FusionAuth/fusionauth-issues/issues/211).
 */
const CODE_REFUSED = /\b(invalid|expired|unknown)\s+authori[sz]ation[_ ]code\b|\bauthori[sz]ation[_ ]code\b.{0,40}\b(is invalid|invalid or (has )?expired|has expired|not found|is unknown)\b/i;

function codeRefusals(e: Evidence): ResponseEvidence[] {
  return [...tokenErrorResponses(e, 'invalid_grant'), ...tokenErrorResponses(e, 'invalid_request').filter((r) => CODE_REFUSED.test(r.oauthError?.error_description ?? ''))];
}
const REFRESH_WORDS = /refresh[_ ]token|refresh token|session not active|offline/i;

export const invalidGrant: DiagnosisRule = {
  id: 'invalid-grant-code',
  phase: 'token',
  catalog: ['invalid-grant-code'],
  diagnose(e: Evidence): Finding[] {
    // A refresh refused is the refresh phase's (refresh-token-rejected), whatever its words.
    const r = codeRefusals(e).find((x) => !mentionsInError(x, /redirect[_ ]uri/i) && !isRefreshGrant(x));
    if (r === undefined) {
      // No saved answer: the app's message relaying the server's words (Okta's "The authorization code is invalid or has expired.",
      // Auth0's "Invalid authorization code" as nextjs-auth0 quotes it: https://github.com/auth0/nextjs-auth0/issues/170).
      const relayed = messageRelays(e, 'invalid-grant-code', { also: CODE_REFUSED });
      if (relayed === undefined || responsesAt(e, 'token').length > 0) return [];
      const lines = [reportedLine(relayed.message), ...(relayed.phrase !== undefined ? [saidLine(relayed.phrase)] : [])];
      return [codeFinding(lines, relayed.message, 'server-words', undefined, false)];
    }
    // The refresh flow's own step counts even when its body is not known.
    const grant = grantTypeOf(r) ?? (r.step?.split('.')[0] === 'refresh' ? 'refresh_token' : undefined);
    const words = serverWords(r);
    if (grant === 'refresh_token') return [];
    if (grant === undefined && (REFRESH_WORDS.test(words) || !CODE_WORDS.test(words))) return [];
    if (grant !== undefined && grant !== 'authorization_code') return [];
    if (vendorSays(r, 'pkce-verifier-mismatch') !== undefined || verifierProblem(e, r) !== undefined) return [];
    const said = vendorSays(r, 'invalid-grant-code');
    const facts = requestFacts(e, r);
    const described = (r.oauthError?.error_description ?? '').trim() !== '';
    const lines = [describeError(r)];
    if (said !== undefined) lines.push(saidLine(said));
    lines.push(...facts);
    if (verifierMatches(e, r)) lines.push('the code_verifier sent hashes to the code_challenge of the authorize URL: PKCE is not the problem');
    const all = `${words} ${facts.join(' ')}`;
    return [codeFinding(lines, all, said !== undefined || described ? 'server-words' : facts.length > 0 ? 'request-shape' : 'circumstance', r, verifierMatches(e, r))];
  },
};

function codeFinding(lines: string[], all: string, basis: 'server-words' | 'request-shape' | 'circumstance', r: ResponseEvidence | undefined, pkceRuledOut: boolean): Finding {
  return makeFinding({
        id: 'invalid-grant-code',
        severity: 'error',
        role: 'root-cause',
        basis,
        title: r === undefined || r.oauthError?.error === 'invalid_grant' ? 'the authorization code was rejected (invalid_grant)' : `the authorization code was rejected (${r.oauthError?.error ?? 'error'})`,
        detail: lines.join('\n'),
        causes: orderCauses(
          [
            { text: 'The code was already used (codes are single use; a retry, a double submit, or a second tab uses it twice).', when: /already (been )?(used|redeemed)|reused|used before|single use|AADSTS54005|code not valid/i },
            { text: 'The code expired (SMART codes live about a minute; a breakpoint or a slow login step outlives it).', when: /expired?|AADSTS70008|too old|invalid or expired/i },
            { text: 'The code was issued to another client id (a different client_id, or the credentials of another app).', when: /another client|different client|client_id|issued to/i },
            { text: 'The redirect_uri of the token request differs from the one sent to authorize (or is missing).', when: /redirect_uri/i },
            ...(pkceRuledOut ? [] : [{ text: 'The PKCE code_verifier is not the one of this authorization (a server may answer invalid_grant without saying so).', when: /verifier|pkce/i }]),
          ],
          all,
        ),
        fix: 'Exchange each code once, right after the callback, with the same client_id and exactly the redirect_uri sent to authorize (and the verifier of that attempt).',
        spec: 'rfc6749-token-error',
        exchanges: r === undefined ? undefined : exchangeIdOf(r),
      });
}
