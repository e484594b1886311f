// invalid_grant at the token endpoint: a reused or expired code, a PKCE verifier that does not
// match (pkce-verifier-mismatch), or a refresh token refused (refresh-token-rejected).
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { describeError, tokenErrorResponses, mentionsInError, exchangeIdOf, type DiagnosisRule } from '../../rule.js';

export const invalidGrant: DiagnosisRule = {
  id: 'invalid-grant-code',
  phase: 'token',
  catalog: ['invalid-grant-code', 'pkce-verifier-mismatch', 'refresh-revoked-or-session-ended'],
  diagnose(e: Evidence): Finding[] {
    const r = tokenErrorResponses(e, 'invalid_grant').find((x) => !mentionsInError(x, /redirect[_ ]uri/i));
    if (r === undefined) return [];
    const pkce = mentionsInError(r, /verifier|pkce|code_challenge/i);
    const described = (r.oauthError?.error_description ?? '').trim() !== '';
    const refresh = new URLSearchParams(r.requestBody ?? '').get('grant_type') === 'refresh_token';
    return [
      makeFinding({
        id: pkce ? 'pkce-verifier-mismatch' : refresh ? 'refresh-token-rejected' : 'invalid-grant-code',
        severity: 'error',
        role: 'root-cause',
        basis: described ? 'server-words' : 'circumstance',
        title: pkce ? 'the PKCE code_verifier does not match the code_challenge' : refresh ? 'the refresh token was rejected (invalid_grant)' : 'the authorization code was rejected (invalid_grant)',
        detail: describeError(r),
        causes: pkce
          ? ['The code_verifier sent is not the one whose S256 hash was sent as code_challenge (a new verifier was generated between the two requests).', 'The challenge was computed with plain or a different encoding (it must be base64url(SHA-256(verifier)) without padding).']
          : refresh
            ? ['online_access refresh tokens stop working when the user session ends.', 'Access was revoked by the user or an administrator, or the refresh token was rotated and an old one reused.']
            : ['The code was already used (codes are single use; a retry or a double submit uses it twice).', 'The code expired (they live for seconds to minutes).', 'The code was issued to another client id or redirect_uri.'],
        fix: pkce ? 'Keep the verifier from the authorize step and send it unchanged.' : refresh ? 'Re-authorize the user; for offline use request offline_access.' : 'Exchange each code once, right after the callback.',
        spec: pkce ? 'rfc7636-pkce' : refresh ? 'smart-refresh' : 'rfc6749-token-error',
        exchanges: exchangeIdOf(r),
      }),
    ];
  },
};
