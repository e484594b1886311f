// Keycloak (and Alvearie's SMART extensions on it): error_description wording.
import type { VendorPhrase } from './types.js';

const V = 'Keycloak';

export const KEYCLOAK: readonly VendorPhrase[] = [
  // "Invalid scopes: " + the whole requested scope (AuthorizationEndpointChecker.checkValidScope), seen in the g10 kit report.
  { vendor: V, match: /invalid scopes?:/i, findingId: 'invalid-scope', meaning: 'a requested scope is not defined in the realm or not assigned to the client', seenAt: 'https://github.com/onc-healthit/onc-certification-g10-test-kit/issues/563' },
  { vendor: V, match: /requested kid: 'null'/i, findingId: 'assertion-kid-missing', meaning: 'the assertion header has no kid, and Keycloak 21+ does not guess the key', seenAt: 'https://github.com/keycloak/keycloak/issues/19632' },
  { vendor: V, match: /unable to load public key|publickey wasn't found/i, findingId: 'assertion-key-not-resolvable', meaning: 'no registered key matches the assertion (no kid, or no key with it)', seenAt: 'https://github.com/keycloak/keycloak/issues/20847' },
  { vendor: V, match: /token audience doesn't match domain|invalid token audience/i, findingId: 'assertion-aud-mismatch', meaning: 'the assertion aud is not the realm issuer or token URL', seenAt: 'https://github.com/keycloak/keycloak/issues/30599' },
  { vendor: V, match: /invalid client or invalid client credentials/i, findingId: 'token-invalid-client', meaning: 'the client id or its credentials are wrong (Keycloak answers unauthorized_client)', seenAt: 'https://github.com/keycloak/keycloak/issues/16923' },
  { vendor: V, match: /\binvalid client secret\b/i, findingId: 'token-invalid-client', meaning: 'the client secret is wrong (Keycloak answers unauthorized_client)', seenAt: 'https://github.com/code-specialist/fastapi-keycloak/issues/65' },
  { vendor: V, match: /UNKNOWN_CLIENT: Client was not identified by any client authenticator/i, findingId: 'token-invalid-client', meaning: 'no client authentication matched a known client', seenAt: 'https://github.com/Waziup/WaziCloud/issues/173' },
  { vendor: V, match: /Parameter client_assertion_type is missing/i, findingId: 'token-invalid-client', meaning: 'the client is registered for a signed JWT (private_key_jwt) but sent no assertion', seenAt: 'https://github.com/thomasdarimont/spring-boot-keycloak-jwe-example/issues/1' },
  { vendor: V, match: /code not valid/i, findingId: 'invalid-grant-code', meaning: 'the code was used already, expired, or belongs to another client', seenAt: 'https://github.com/mauriciovigolo/keycloak-angular/issues/464' },
  { vendor: V, match: /PKCE verification failed|invalid code verifier|PKCE code verifier not specified/i, findingId: 'pkce-verifier-mismatch', meaning: 'the PKCE verifier does not match the challenge', seenAt: 'https://github.com/keycloak/keycloak/blob/main/services/src/main/java/org/keycloak/protocol/oidc/utils/PkceUtils.java' },
  { vendor: V, match: /client secret not provided in request/i, findingId: 'public-confidential-mismatch', meaning: 'the client is confidential but no secret came', seenAt: 'https://github.com/keycloak/keycloak/issues/26623' },
  { vendor: V, match: /missing parameter: code_challenge_method|Missing parameter: code_challenge\b/i, findingId: 'pkce-missing', meaning: 'the client must send a PKCE challenge (and its method)', seenAt: 'https://github.com/keycloak/keycloak/blob/main/services/src/main/java/org/keycloak/protocol/oidc/endpoints/AuthorizationEndpointChecker.java' },
  { vendor: V, match: /code challenge method is not matching the configured one|Invalid parameter: code_challenge_method/i, findingId: 'pkce-method-not-s256', meaning: 'the PKCE method is not the one configured for the client (S256)', seenAt: 'https://github.com/keycloak/keycloak/blob/main/services/src/main/java/org/keycloak/protocol/oidc/endpoints/AuthorizationEndpointChecker.java' },
  { vendor: V, match: /invalid parameter: redirect_uri/i, findingId: 'redirect-uri-mismatch', meaning: 'the redirect_uri is not among the valid redirect URIs of the client', seenAt: 'https://github.com/keycloak/keycloak/blob/main/services/src/main/java/org/keycloak/protocol/oidc/endpoints/AuthorizationEndpointChecker.java' },
  { vendor: V, match: /\bSession not active\b|Offline (user|client) session not found|Offline session not active|Session doesn't have required client/i, findingId: 'refresh-token-rejected', meaning: 'the (offline) user session behind the refresh token has ended or no longer holds this client', seenAt: 'https://github.com/fa-fifi/keycloak_wrapper/issues/57' },
  // The server's event log (org.keycloak.events), pasted as the app's message.
  { vendor: V, match: /type=REFRESH_TOKEN_ERROR\b/, findingId: 'refresh-token-rejected', meaning: 'Keycloak logged a refused refresh (its error= says which check: invalid_token, session not active ...)', seenAt: 'https://github.com/Apicurio/apicurio-registry/issues/4041' },
  { vendor: V, match: /\bToken is not active\b/i, findingId: 'refresh-token-rejected', meaning: 'the refresh token expired (SSO session idle or max reached) or was issued before a not-before push', seenAt: 'https://github.com/keycloak/keycloak/issues/39266' },
];
