// Wire shapes of the discovery documents (names as the specs spell them) and the
// result every consumer of discovery (discover, launch, token, jwt-assert) reads.
import type { Finding } from '../../report/finding.js';

/** <fhir>/.well-known/smart-configuration, SMART App Launch 2.x conformance.html. */
export interface SmartConfiguration {
  issuer?: string;
  jwks_uri?: string;
  authorization_endpoint?: string;
  grant_types_supported?: string[];
  token_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  registration_endpoint?: string;
  associated_endpoints?: Array<{ url: string; capabilities: string[] }>;
  user_access_brand_bundle?: string;
  user_access_brand_identifier?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  management_endpoint?: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  capabilities?: string[];
  code_challenge_methods_supported?: string[];
}

/** OpenID Connect Discovery 1.0 provider metadata (the fields smartctl uses). */
export interface OpenIdConfiguration {
  issuer?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported?: string[];
}

export interface OAuthUrisExtension {
  authorize?: string;
  token?: string;
  introspect?: string;
  revoke?: string;
  manage?: string;
  register?: string;
}

export interface CapabilityStatementSummary {
  fhirVersion?: string;
  software?: string;
  oauthUris?: OAuthUrisExtension;
  /** True when rest.security.service carries the SMART-on-FHIR coding. */
  smartService: boolean;
}

export interface DiscoveryEndpoints {
  authorize?: string;
  token?: string;
  introspect?: string;
  revoke?: string;
  registration?: string;
  management?: string;
  jwksUri?: string;
  issuer?: string;
  userinfo?: string;
}

export interface JwksSummary {
  keys: Array<Record<string, unknown>>;
}

export interface DiscoveryResult {
  fhirBaseUrl: string;
  smartConfiguration?: SmartConfiguration;
  capabilityStatement?: CapabilityStatementSummary;
  openidConfiguration?: OpenIdConfiguration;
  jwks?: JwksSummary;
  endpoints: DiscoveryEndpoints;
  capabilities: string[];
  codeChallengeMethods: string[];
  tokenEndpointAuthMethods: string[];
  signingAlgs: string[];
  scopesSupported: string[];
  supportsPermissionV2: boolean;
  supportsAuthorizePost: boolean;
  findings: Finding[];
}
