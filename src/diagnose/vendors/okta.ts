// Okta (and the Okta SMART reference implementation).
import type { VendorPhrase } from './types.js';

const V = 'Okta';

export const OKTA: readonly VendorPhrase[] = [
  { vendor: V, match: /unable to validate the redirect_uri|redirect_uri parameter must be a Login redirect URI/i, findingId: 'redirect-uri-mismatch', meaning: 'the redirect_uri is not a registered sign-in redirect URI', seenAt: 'https://github.com/oktadev/okta-smartfhir-demo/issues/61' },
  { vendor: V, match: /an invalid audience was specified/i, findingId: 'aud-missing-or-wrong', meaning: 'the aud is not the FHIR base the server serves', seenAt: 'https://github.com/oktadev/okta-smartfhir-docs/issues/11' },
  { vendor: V, match: /one or more scopes are not configured for the authorization server/i, findingId: 'invalid-scope', meaning: 'a requested scope is not defined on the authorization server', seenAt: 'https://developer.okta.com/docs/reference/error-codes/' },
  { vendor: V, match: /PKCE verification failed|code_verifier is invalid/i, findingId: 'pkce-verifier-mismatch', meaning: 'the PKCE verifier does not match the challenge', seenAt: 'https://github.com/okta/okta-oidc-js/issues/804' },
  { vendor: V, match: /PKCE code challenge is required/i, findingId: 'pkce-missing', meaning: 'the client must send a PKCE challenge', seenAt: 'https://developer.okta.com/docs/guides/implement-grant-type/authcodepkce/main/' },
  { vendor: V, match: /authorization code is invalid or has expired/i, findingId: 'invalid-grant-code', meaning: 'the code was used already or expired', seenAt: 'https://github.com/oktadev/okta-smartfhir-docs/issues/13' },
  { vendor: V, match: /refresh token is invalid or expired/i, findingId: 'refresh-token-rejected', meaning: 'the refresh token was revoked, rotated or expired', seenAt: 'https://github.com/okta/okta-react-native/issues/109' },
  { vendor: V, match: /the client_assertion signature is invalid/i, findingId: 'assertion-signature-invalid', meaning: 'the assertion signature does not verify with the key registered for the client', seenAt: 'https://support.okta.com/help/s/article/error-occurs-during-authentication-due-to-invalid-client-assertion-signature' },
  { vendor: V, match: /the client_assertion JWT kid is invalid/i, findingId: 'assertion-key-not-resolvable', meaning: 'the kid is missing or matches no key registered for the client', seenAt: 'https://support.okta.com/help/s/article/okta-client-assertion-error-invalid-key-id' },
];
