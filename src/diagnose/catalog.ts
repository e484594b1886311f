// The ordered list of diagnosis rules. Adding a diagnosis = a rule file, a line here,
// and a test expecting its finding id.
import type { DiagnosisRule } from './rule.js';
import { authorizeUrlLint } from './rules/authorize-url.js';
import { scopeSyntaxMismatch } from './rules/scope-syntax-mismatch.js';
import { tokenEndpointSlow, tokenServerError } from './rules/token-endpoint.js';
import { clientAssertionInAuthorizationHeader } from './rules/client-assertion-in-authorization-header.js';
import { fhirForbidden, fhirUnauthorized } from './rules/fhir-errors.js';
import { forceAuthnRejected } from './rules/force-authn-rejected.js';
import { openidScopeDropped } from './rules/openid-scope-dropped.js';
import { cernerInvalidClientCredentials } from './rules/cerner-invalid-client-credentials.js';
import { cernerMissingPatientContext } from './rules/cerner-missing-patient-context.js';
import { noRefreshTokenWithoutOfflineScope } from './rules/no-refresh-token-without-offline-scope.js';
import { accessDenied, invalidClient, invalidGrant, invalidScope, redirectUriMismatch } from './rules/token-errors.js';
import { missingLaunchContext, noRefreshTokenDespiteRefreshScope, refreshWithoutScope } from './rules/token-response-context.js';

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
