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
  { vendor: V, match: /invalid_client.*client authentication failed|no client authentication mechanism provided/i, findingId: 'token-invalid-client', meaning: 'client authentication failed or was not sent', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/helpers/errors.js' },
  { vendor: V, match: /(client assertion|jwt-bearer) tokens must only be used once/i, findingId: 'assertion-jti-reused', meaning: 'the assertion (its jti) was replayed', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/shared/jwt_client_auth.js' },
  { vendor: V, match: /unique jti \(JWT ID\) must be provided/i, findingId: 'assertion-jti-missing', meaning: 'the assertion has no jti', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/shared/jwt_client_auth.js' },
  { vendor: V, match: /expiration must be specified in the client_assertion JWT/i, findingId: 'assertion-exp-missing', meaning: 'the assertion has no exp', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/shared/jwt_client_auth.js' },
  { vendor: V, match: /(iss \(JWT issuer\)|issuer \(iss\)) must be the client.?id|sub \(JWT subject\) must be the client id/i, findingId: 'assertion-iss-sub-mismatch', meaning: 'iss (or sub) of the assertion is not the client id', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/shared/jwt_client_auth.js' },
  { vendor: V, match: /\balg mismatch\b/i, findingId: 'assertion-alg-unsupported', meaning: 'the assertion alg is not one the client or server allows', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/shared/jwt_client_auth.js' },
  { vendor: V, match: /audience \(aud\) must equal|list of audience \(aud\) must include/i, findingId: 'assertion-aud-mismatch', meaning: 'the assertion aud is not the issuer or token endpoint', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/shared/jwt_client_auth.js' },
  { vendor: V, match: /requested scope is not allowed|scope.* not allowed/i, findingId: 'invalid-scope', meaning: 'a scope is not allowed for this client', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/lib/actions/authorization/check_scope.js' },
  // The error class in a host's log (logto logs oidc-provider's stack): the grant handler or token_auth.js names the step.
  { vendor: V, match: /\bInvalidGrant: invalid_grant\b[\s\S]{0,200}\bgrants\/authorization_code\.js/, findingId: 'invalid-grant-code', meaning: 'the authorization_code grant handler refused the code (not found, expired, used, or not this client\'s)', seenAt: 'https://github.com/logto-io/logto/issues/6007' },
  { vendor: V, match: /\bInvalidClientAuth: invalid_client\b/, findingId: 'token-invalid-client', meaning: 'client authentication at the token endpoint failed (token_auth.js)', seenAt: 'https://github.com/owncloud/ocis/issues/10843' },
  { vendor: V, match: /End-User aborted interaction/i, findingId: 'access-denied-by-user', meaning: 'the user aborted login or consent', seenAt: 'https://github.com/panva/node-oidc-provider/blob/main/docs/README.md' },
];
