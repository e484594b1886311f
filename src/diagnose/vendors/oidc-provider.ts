// node-oidc-provider (panva): error_description texts.
import type { VendorPhrase } from './types.js';

const V = 'node-oidc-provider';

export const OIDC_PROVIDER: readonly VendorPhrase[] = [
  { vendor: V, match: /grant request is invalid/i, findingId: 'invalid-grant-code', meaning: 'the code (or refresh token) is not valid any more, or not for this client / redirect_uri', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/helpers/errors.js' },
  { vendor: V, match: /PKCE verification failed/i, findingId: 'pkce-verifier-mismatch', meaning: 'the PKCE verifier does not match the challenge', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/helpers/pkce.js' },
  { vendor: V, match: /Authorization Server policy requires PKCE to be used/i, findingId: 'pkce-missing', meaning: 'the authorization server requires PKCE', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/actions/authorization/check_pkce.js' },
  { vendor: V, match: /plain code_challenge_method fallback disabled|not supported value of code_challenge_method|code_challenge_method must be provided/i, findingId: 'pkce-method-not-s256', meaning: 'only S256 is accepted, and the method must be sent', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/actions/authorization/check_pkce.js' },
  // Unknown client_id at authorize: an error page (no redirect) with invalid_client "client is invalid".
  { vendor: V, match: /\bclient is invalid\b/i, findingId: 'client-not-yet-active', meaning: 'no client with this client_id is registered', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/actions/authorization/check_client.js' },
  { vendor: V, match: /redirect_uri did not match any of the client's registered redirect_uris/i, findingId: 'redirect-uri-mismatch', meaning: 'the redirect_uri is not registered', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/actions/authorization/check_redirect_uri.js' },
  { vendor: V, match: /invalid_client.*client authentication failed|no client authentication mechanism provided/i, findingId: 'token-invalid-client', meaning: 'client authentication failed or was not sent', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/shared/token_auth.js' },
  { vendor: V, match: /client_assertion tokens must only be used once|jti.*already used/i, findingId: 'assertion-jti-reused', meaning: 'the assertion was replayed', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/shared/token_jwt_auth.js' },
  { vendor: V, match: /audience \(aud\) must equal|list of audience \(aud\) must include/i, findingId: 'assertion-aud-mismatch', meaning: 'the assertion aud is not the issuer or token endpoint', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/shared/token_jwt_auth.js' },
  { vendor: V, match: /requested scope is not allowed|scope.* not allowed/i, findingId: 'invalid-scope', meaning: 'a scope is not allowed for this client', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/actions/authorization/check_scope.js' },
  { vendor: V, match: /End-User aborted interaction/i, findingId: 'access-denied-by-user', meaning: 'the user aborted login or consent', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/docs/README.md' },
];
