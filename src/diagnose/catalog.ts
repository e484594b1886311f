// The ordered list of diagnosis rules: one file per finding id in rules/ (a few rules
// classify into sibling ids, named in their header). Order matters only for display and
// for the precise-before-generic pairs (cerner-* before token-invalid-client / access-denied).
// Adding a diagnosis = a rule file, a line here, and a test expecting its finding id.
import type { DiagnosisRule } from './rule.js';
import { authorizeUrlLint } from './rules/authorize-url.js';
import { scopeSyntaxMismatch } from './rules/scope-v1-v2-syntax-mismatch.js';
import { tokenServerError } from './rules/token-endpoint-server-error.js';
import { tokenEndpointSlow } from './rules/token-endpoint-slow.js';
import { clientAssertionInAuthorizationHeader } from './rules/client-assertion-in-authorization-header.js';
import { fhirUnauthorized } from './rules/fhir-401-invalid-token.js';
import { fhirForbidden } from './rules/fhir-403-insufficient-scope.js';
import { forceAuthnRejected } from './rules/force-authn-rejected.js';
import { openidScopeDropped } from './rules/openid-scope-dropped.js';
import { cernerInvalidClientCredentials } from './rules/cerner-invalid-client-credentials.js';
import { cernerMissingPatientContext } from './rules/cerner-missing-patient-context.js';
import { noRefreshTokenWithoutOfflineScope } from './rules/no-refresh-token-without-offline-scope.js';
import { accessDenied } from './rules/access-denied-by-user.js';
import { invalidClient } from './rules/token-invalid-client.js';
import { invalidGrant } from './rules/invalid-grant-code.js';
import { invalidScope } from './rules/invalid-scope.js';
import { redirectUriMismatch } from './rules/redirect-uri-mismatch.js';
import { missingLaunchContext } from './rules/token-response-missing-launch-context.js';
import { refreshWithoutScope } from './rules/granted-scope-lacks-refresh-scope.js';
import { noRefreshTokenDespiteRefreshScope } from './rules/no-refresh-token-despite-offline-access.js';

export const CATALOG: readonly DiagnosisRule[] = [
  clientAssertionInAuthorizationHeader,
  forceAuthnRejected,
  openidScopeDropped,
  cernerInvalidClientCredentials,
  invalidClient,
  tokenServerError,
  tokenEndpointSlow,
  redirectUriMismatch,
  invalidGrant,
  invalidScope,
  cernerMissingPatientContext,
  accessDenied,
  missingLaunchContext,
  refreshWithoutScope,
  scopeSyntaxMismatch,
  noRefreshTokenDespiteRefreshScope,
  noRefreshTokenWithoutOfflineScope,
  fhirUnauthorized,
  fhirForbidden,
  authorizeUrlLint,
];
