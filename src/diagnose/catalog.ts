// The ordered list of diagnosis rules, by flow phase: one file per finding id in
// rules/<phase>/ (a few rules classify into sibling ids, named in their header). Order
// breaks ties between root causes of equal strength (rank.ts), so a vendor-specific rule
// stands before the generic one it refines (cerner-* before token-invalid-client).
// Adding a diagnosis = a rule file, a line here, and a corpus case expecting its finding id.
import type { DiagnosisRule } from './rule.js';
// discovery
import { smartConfigurationMissing } from './rules/discovery/smart-configuration-missing.js';
import { launchWithoutIssRule } from './rules/discovery/launch-without-iss.js';
import { discoveryMissingPkceMethods } from './rules/discovery/discovery-missing-pkce-methods.js';
import { issuerMismatch } from './rules/discovery/issuer-mismatch.js';
import { assertionAlgNotAdvertised } from './rules/discovery/assertion-alg-not-advertised.js';
import { jwksUnreachable } from './rules/discovery/jwks-unreachable.js';
// authorize
import { forceAuthnRejected } from './rules/authorize/force-authn-rejected.js';
import { cernerLaunchCodeRequired } from './rules/authorize/cerner-launch-code-required.js';
import { cernerInvalidLaunchCode } from './rules/authorize/cerner-invalid-launch-code.js';
import { cernerMissingPatientContext } from './rules/authorize/cerner-missing-patient-context.js';
import { accessDenied } from './rules/authorize/access-denied-by-user.js';
import { redirectUriMismatch } from './rules/authorize/redirect-uri-mismatch.js';
import { audMissingOrWrong } from './rules/authorize/aud-missing-or-wrong.js';
import { pkceMissing } from './rules/authorize/pkce-missing.js';
import { pkceMethodNotS256 } from './rules/authorize/pkce-method-not-s256.js';
import { invalidScope } from './rules/authorize/invalid-scope.js';
import { stateMissingOrMismatch } from './rules/authorize/state-missing-or-mismatch.js';
import { callbackWithoutCode } from './rules/authorize/callback-without-code.js';
import { clientNotYetActive } from './rules/authorize/client-not-yet-active.js';
import { authorizeUrlLint } from './rules/authorize/authorize-url.js';
// token
import { cernerInvalidClientCredentials } from './rules/token/cerner-invalid-client-credentials.js';
import { invalidClient } from './rules/token/token-invalid-client.js';
import { tokenServerError } from './rules/token/token-endpoint-server-error.js';
import { tokenEndpointSlow } from './rules/token/token-endpoint-slow.js';
import { invalidGrant } from './rules/token/invalid-grant-code.js';
import { missingLaunchContext } from './rules/token/token-response-missing-launch-context.js';
// client-assertion
import { clientAssertionInAuthorizationHeader } from './rules/client-assertion/client-assertion-in-authorization-header.js';
// id-token
import { openidScopeDropped } from './rules/id-token/openid-scope-dropped.js';
import { openidGrantedNoIdToken } from './rules/id-token/openid-granted-no-id-token.js';
import { profileVsFhirUserClaim } from './rules/id-token/profile-vs-fhiruser-claim.js';
import { fhirUserClaimFormatOrMissing } from './rules/id-token/fhiruser-claim-format-or-missing.js';
import { idTokenNonceMismatch } from './rules/id-token/id-token-nonce-mismatch.js';
import { idTokenAudAzpMismatch } from './rules/id-token/id-token-aud-azp-mismatch.js';
import { idTokenClockSkew } from './rules/id-token/id-token-clock-skew.js';
import { idTokenAlgMismatch } from './rules/id-token/id-token-alg-mismatch.js';
import { idTokenKidNotInJwks } from './rules/id-token/id-token-kid-not-in-jwks.js';
// refresh
import { refreshWithoutScope } from './rules/refresh/granted-scope-lacks-refresh-scope.js';
import { noRefreshTokenDespiteRefreshScope } from './rules/refresh/no-refresh-token-despite-offline-access.js';
import { noRefreshTokenWithoutOfflineScope } from './rules/refresh/no-refresh-token-without-offline-scope.js';
import { refreshResponseOmitsRefreshToken } from './rules/refresh/refresh-response-omits-refresh-token.js';
import { refreshTokenRejected } from './rules/refresh/refresh-token-rejected.js';
import { refreshScopeBroadening } from './rules/refresh/refresh-scope-broadening.js';
// fhir
import { fhirInvalidAudience } from './rules/fhir/fhir-401-invalid-audience.js';
import { fhirExpiredToken } from './rules/fhir/fhir-401-expired-token.js';
import { fhirUnauthorized } from './rules/fhir/fhir-401-invalid-token.js';
import { fhirOutsidePatientContext } from './rules/fhir/fhir-403-outside-patient-context.js';
import { fhirForbidden } from './rules/fhir/fhir-403-insufficient-scope.js';
// scopes
import { grantedScopeTrimmed } from './rules/scopes/granted-scope-trimmed-to-registration.js';
import { scopeSyntaxMismatch } from './rules/scopes/scope-v1-v2-syntax-mismatch.js';
import { launchScopeFlowConfusion } from './rules/scopes/launch-scope-flow-confusion.js';

export const CATALOG: readonly DiagnosisRule[] = [
  // discovery
  smartConfigurationMissing,
  launchWithoutIssRule,
  discoveryMissingPkceMethods,
  issuerMismatch,
  assertionAlgNotAdvertised,
  jwksUnreachable,
  // authorize (vendor URNs before the generic rules they refine)
  forceAuthnRejected,
  cernerLaunchCodeRequired,
  cernerInvalidLaunchCode,
  cernerMissingPatientContext,
  accessDenied,
  redirectUriMismatch,
  audMissingOrWrong,
  pkceMissing,
  pkceMethodNotS256,
  invalidScope,
  stateMissingOrMismatch,
  callbackWithoutCode,
  clientNotYetActive,
  authorizeUrlLint,
  // client-assertion (before token: the precise invalid_client causes first)
  clientAssertionInAuthorizationHeader,
  // token
  cernerInvalidClientCredentials,
  invalidClient,
  tokenServerError,
  tokenEndpointSlow,
  invalidGrant,
  missingLaunchContext,
  // id-token
  openidScopeDropped,
  openidGrantedNoIdToken,
  profileVsFhirUserClaim,
  fhirUserClaimFormatOrMissing,
  idTokenNonceMismatch,
  idTokenAudAzpMismatch,
  idTokenClockSkew,
  idTokenAlgMismatch,
  idTokenKidNotInJwks,
  // refresh (a lost refresh token before the generic rejection)
  refreshResponseOmitsRefreshToken,
  refreshTokenRejected,
  refreshScopeBroadening,
  refreshWithoutScope,
  noRefreshTokenDespiteRefreshScope,
  noRefreshTokenWithoutOfflineScope,
  // fhir (outside the patient context before the generic 403)
  fhirInvalidAudience,
  fhirExpiredToken,
  fhirUnauthorized,
  fhirOutsidePatientContext,
  fhirForbidden,
  // scopes
  grantedScopeTrimmed,
  scopeSyntaxMismatch,
  launchScopeFlowConfusion,
];
