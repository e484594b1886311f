// Okta (and the Okta SMART reference implementation).
import type { VendorPhrase } from './types.js';

const V = 'Okta';

export const OKTA: readonly VendorPhrase[] = [
  { vendor: V, match: /unable to validate the redirect_uri|redirect_uri parameter must be a Login redirect URI/i, findingId: 'redirect-uri-mismatch', meaning: 'the redirect_uri is not a registered sign-in redirect URI', seenAt: 'https://github.com/oktadev/okta-smartfhir-demo/issues/61' },
  { vendor: V, match: /an invalid audience was specified/i, findingId: 'aud-missing-or-wrong', meaning: 'the aud is not the FHIR base the server serves', seenAt: 'https://github.com/oktadev/okta-smartfhir-docs/issues/11' },
  { vendor: V, match: /one or more scopes are not configured for the authorization server/i, findingId: 'invalid-scope', meaning: 'a requested scope is not defined on the authorization server', seenAt: 'https://developer.okta.com/docs/reference/error-codes/' },
  { vendor: V, match: /PKCE verification failed|code_verifier is invalid/i, findingId: 'pkce-verifier-mismatch', meaning: 'the PKCE verifier does not match the challenge', seenAt: 'https://developer.okta.com/docs/guides/implement-grant-type/authcodepkce/main/' },
  { vendor: V, match: /PKCE code challenge is required/i, findingId: 'pkce-missing', meaning: 'the client must send a PKCE challenge', seenAt: 'https://developer.okta.com/docs/guides/implement-grant-type/authcodepkce/main/' },
  { vendor: V, match: /authorization code is invalid or has expired/i, findingId: 'invalid-grant-code', meaning: 'the code was used already or expired', seenAt: 'https://developer.okta.com/docs/reference/error-codes/' },
  { vendor: V, match: /refresh token is invalid or expired/i, findingId: 'refresh-token-rejected', meaning: 'the refresh token was revoked, rotated or expired', seenAt: 'https://github.com/okta/okta-react-native/issues/109' },
  { vendor: V, match: /client_assertion token has an expiration too far into the future/i, findingId: 'assertion-exp-too-long', meaning: 'the assertion exp is too far ahead', seenAt: 'https://developer.okta.com/docs/guides/build-self-signed-jwt/java/main/' },
  { vendor: V, match: /jti claim .* has already been used|jti .* already been used/i, findingId: 'assertion-jti-reused', meaning: 'the assertion jti was used before', seenAt: 'https://developer.okta.com/docs/guides/build-self-signed-jwt/java/main/' },
  { vendor: V, match: /client_assertion token must have an aud|audience claim in client_assertion must be/i, findingId: 'assertion-aud-mismatch', meaning: 'the assertion aud is not the token endpoint', seenAt: 'https://developer.okta.com/docs/guides/build-self-signed-jwt/java/main/' },
  { vendor: V, match: /signature validation failed|the client_assertion signature is invalid/i, findingId: 'assertion-signature-invalid', meaning: 'the assertion signature does not verify', seenAt: 'https://developer.okta.com/docs/reference/error-codes/' },
];
