// invalid_grant at the token endpoint: a reused or expired code, or a PKCE verifier that does not
// match (pkce-verifier-mismatch). A refused refresh token is rules/refresh/refresh-token-rejected.
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { describeError, tokenErrorResponses, mentionsInError, exchangeIdOf, type DiagnosisRule } from '../../rule.js';
import { isRefreshGrant } from '../refresh/refresh-token-rejected.js';

export const invalidGrant: DiagnosisRule = {
  id: 'invalid-grant-code',
  phase: 'token',
  catalog: ['invalid-grant-code', 'pkce-verifier-mismatch'],
  diagnose(e: Evidence): Finding[] {
    const r = tokenErrorResponses(e, 'invalid_grant').find((x) => !mentionsInError(x, /redirect[_ ]uri/i) && !isRefreshGrant(x));
    if (r === undefined) return [];
    const pkce = mentionsInError(r, /verifier|pkce|code_challenge/i);
    const described = (r.oauthError?.error_description ?? '').trim() !== '';
    return [
      makeFinding({
        id: pkce ? 'pkce-verifier-mismatch' : 'invalid-grant-code',
        severity: 'error',
        role: 'root-cause',
        basis: described ? 'server-words' : 'circumstance',
        title: pkce ? 'the PKCE code_verifier does not match the code_challenge' : 'the authorization code was rejected (invalid_grant)',
        detail: describeError(r),
        causes: pkce
          ? ['The code_verifier sent is not the one whose S256 hash was sent as code_challenge (a new verifier was generated between the two requests).', 'The challenge was computed with plain or a different encoding (it must be base64url(SHA-256(verifier)) without padding).']
          : ['The code was already used (codes are single use; a retry or a double submit uses it twice).', 'The code expired (they live for seconds to minutes).', 'The code was issued to another client id or redirect_uri.'],
        fix: pkce ? 'Keep the verifier from the authorize step and send it unchanged.' : 'Exchange each code once, right after the callback.',
        spec: pkce ? 'rfc7636-pkce' : 'rfc6749-token-error',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
