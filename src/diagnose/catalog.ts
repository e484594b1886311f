// The ordered list of diagnosis rules, by flow phase: one file per finding id in
// rules/<phase>/ (a few rules classify into sibling ids, named in their header). Order
// breaks ties between root causes of equal strength (rank.ts), so a vendor-specific rule
// stands before the generic one it refines (cerner-* before token-invalid-client).
// Adding a diagnosis = a rule file, a line here, and a corpus case expecting its finding id.
import type { DiagnosisRule } from './rule.js';
// discovery
// authorize
import { forceAuthnRejected } from './rules/authorize/force-authn-rejected.js';
import { cernerMissingPatientContext } from './rules/authorize/cerner-missing-patient-context.js';
import { accessDenied } from './rules/authorize/access-denied-by-user.js';
import { invalidScope } from './rules/authorize/invalid-scope.js';
import { redirectUriMismatch } from './rules/authorize/redirect-uri-mismatch.js';
import { authorizeUrlLint } from './rules/authorize/authorize-url.js';
// token
import { cernerInvalidAuthorizationHeaderBasic } from './rules/token/cerner-invalid-authorization-header-basic.js';
import { cernerInvalidClientCredentials } from './rules/token/cerner-invalid-client-credentials.js';
import { cernerUnauthorizedClientUnregisteredScope } from './rules/token/cerner-unauthorized-client-unregistered-scope.js';
import { publicConfidentialMismatch } from './rules/token/public-confidential-mismatch.js';
import { corsTokenEndpoint } from './rules/token/cors-token-endpoint.js';
import { pkceVerifierMismatch } from './rules/token/pkce-verifier-mismatch.js';
import { invalidGrant } from './rules/token/invalid-grant-code.js';
import { invalidClient } from './rules/token/token-invalid-client.js';
import { tokenServerError } from './rules/token/token-endpoint-server-error.js';
import { tokenEndpointSlow } from './rules/token/token-endpoint-slow.js';
import { missingLaunchContext } from './rules/token/token-response-missing-launch-context.js';
import { tokenResponseNonconformantShape } from './rules/token/token-response-nonconformant-shape.js';
// client-assertion
import { clientAssertionInAuthorizationHeader } from './rules/client-assertion/client-assertion-in-authorization-header.js';
import { assertionSignatureInvalid } from './rules/client-assertion/assertion-signature-invalid.js';
import { assertionKidMissing } from './rules/client-assertion/assertion-kid-missing.js';
import { assertionKeyNotResolvable } from './rules/client-assertion/assertion-key-not-resolvable.js';
import { assertionAudMismatch } from './rules/client-assertion/assertion-aud-mismatch.js';
import { assertionExpTooLong } from './rules/client-assertion/assertion-exp-too-long.js';
import { assertionClockSkew } from './rules/client-assertion/assertion-clock-skew.js';
import { assertionExpired } from './rules/client-assertion/assertion-expired.js';
import { assertionJtiReused } from './rules/client-assertion/assertion-jti-reused.js';
import { assertionAlgUnsupported } from './rules/client-assertion/assertion-alg-unsupported.js';
import { assertionIssSubMismatch } from './rules/client-assertion/assertion-iss-sub-mismatch.js';
import { epicBackendRequiresJku } from './rules/client-assertion/epic-backend-requires-jku.js';
import { epicInvalidClientOpaque } from './rules/client-assertion/epic-invalid-client-opaque.js';
// id-token
import { openidScopeDropped } from './rules/id-token/openid-scope-dropped.js';
// refresh
import { refreshWithoutScope } from './rules/refresh/granted-scope-lacks-refresh-scope.js';
import { noRefreshTokenDespiteRefreshScope } from './rules/refresh/no-refresh-token-despite-offline-access.js';
import { noRefreshTokenWithoutOfflineScope } from './rules/refresh/no-refresh-token-without-offline-scope.js';
// fhir
import { fhirUnauthorized } from './rules/fhir/fhir-401-invalid-token.js';
import { fhirForbidden } from './rules/fhir/fhir-403-insufficient-scope.js';
// scopes
import { scopeSyntaxMismatch } from './rules/scopes/scope-v1-v2-syntax-mismatch.js';

export const CATALOG: readonly DiagnosisRule[] = [
  // discovery
  // authorize
  forceAuthnRejected,
  cernerMissingPatientContext,
  accessDenied,
  invalidScope,
  redirectUriMismatch,
  authorizeUrlLint,
  // client-assertion (before token: the precise invalid_client causes first)
  clientAssertionInAuthorizationHeader,
  assertionSignatureInvalid,
  assertionKidMissing,
  assertionKeyNotResolvable,
  assertionAudMismatch,
  assertionExpTooLong,
  assertionClockSkew,
  assertionExpired,
  assertionJtiReused,
  assertionAlgUnsupported,
  assertionIssSubMismatch,
  epicBackendRequiresJku,
  epicInvalidClientOpaque,
  // token
  cernerInvalidAuthorizationHeaderBasic,
  cernerInvalidClientCredentials,
  cernerUnauthorizedClientUnregisteredScope,
  publicConfidentialMismatch,
  corsTokenEndpoint,
  pkceVerifierMismatch,
  invalidGrant,
  invalidClient,
  tokenServerError,
  tokenEndpointSlow,
  missingLaunchContext,
  tokenResponseNonconformantShape,
  // id-token
  openidScopeDropped,
  // refresh
  refreshWithoutScope,
  noRefreshTokenDespiteRefreshScope,
  noRefreshTokenWithoutOfflineScope,
  // fhir
  fhirUnauthorized,
  fhirForbidden,
  // scopes
  scopeSyntaxMismatch,
];
