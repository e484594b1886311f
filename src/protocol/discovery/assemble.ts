// Merges what the sources said into one DiscoveryResult (smart-configuration first,
// then metadata oauth-uris, then openid-configuration) and runs the lints.
import { makeFinding, type Finding } from '../../report/finding.js';
import { crossCheck } from './cross-check.js';
import { lintEndpointUrls } from './endpoint-url.js';
import { ENDPOINT_FIELDS, lintSmartConfiguration } from './smart-configuration.js';
import type { CapabilityStatementSummary, DiscoveryResult, JwksSummary, OAuthUrisExtension, OpenIdConfiguration, SmartConfiguration } from './types.js';

export interface DiscoverySources {
  fhirBaseUrl: string;
  smartConfiguration?: SmartConfiguration | undefined;
  capabilityStatement?: CapabilityStatementSummary | undefined;
  openidConfiguration?: OpenIdConfiguration | undefined;
  jwks?: JwksSummary | undefined;
  /** Findings from reading each source (fetch failures, wrong shapes). */
  findings: Finding[];
}

function first<T>(...values: Array<T | undefined>): T | undefined {
  return values.find((v) => v !== undefined);
}

export function noEndpointFindings(r: Pick<DiscoveryResult, 'endpoints'>): Finding[] {
  const out: Finding[] = [];
  if (r.endpoints.token === undefined) {
    out.push(
      makeFinding({
        id: 'token-endpoint-not-found',
        severity: 'error',
        title: 'no token endpoint could be discovered',
        detail: 'neither .well-known/smart-configuration nor the CapabilityStatement oauth-uris named a token endpoint',
        fix: 'Check the FHIR base URL (it is the iss an EHR launch sends), or pass the token endpoint explicitly.',
        spec: 'smart-discovery',
      }),
    );
  }
  if (r.endpoints.authorize === undefined) {
    out.push(
      makeFinding({
        id: 'authorize-endpoint-not-found',
        severity: 'warning',
        title: 'no authorize endpoint could be discovered',
        detail: 'neither .well-known/smart-configuration nor the CapabilityStatement oauth-uris named an authorization endpoint; only backend services (client_credentials) can work',
        fix: 'Publish authorization_endpoint in .well-known/smart-configuration.',
        spec: 'smart-discovery',
      }),
    );
  }
  return out;
}

/** URL lints for metadata oauth-uris and openid-configuration, skipping values smart-configuration already showed. */
function otherEndpointUrls(smart: SmartConfiguration | undefined, uris: OAuthUrisExtension | undefined, oidc: OpenIdConfiguration | undefined): Finding[] {
  const seen = new Set(smart === undefined ? [] : ENDPOINT_FIELDS.map((f) => smart[f]).filter((v): v is string => v !== undefined));
  const fresh = (entries: Array<[string, string | undefined]>): Array<[string, string | undefined]> => entries.filter(([, v]) => v !== undefined && !seen.has(v));
  return [
    ...(uris === undefined ? [] : lintEndpointUrls('metadata oauth-uris', fresh(Object.entries(uris)))),
    ...(oidc === undefined
      ? []
      : lintEndpointUrls('openid-configuration', fresh([['authorization_endpoint', oidc.authorization_endpoint], ['token_endpoint', oidc.token_endpoint], ['userinfo_endpoint', oidc.userinfo_endpoint], ['jwks_uri', oidc.jwks_uri]]))),
  ];
}

export function assembleDiscovery(s: DiscoverySources): DiscoveryResult {
  const smart = s.smartConfiguration;
  const uris = s.capabilityStatement?.oauthUris;
  const oidc = s.openidConfiguration;
  const capabilities = smart?.capabilities ?? [];
  const result: DiscoveryResult = {
    fhirBaseUrl: s.fhirBaseUrl,
    smartConfiguration: smart,
    capabilityStatement: s.capabilityStatement,
    openidConfiguration: oidc,
    jwks: s.jwks,
    endpoints: {
      authorize: first(smart?.authorization_endpoint, uris?.authorize, oidc?.authorization_endpoint),
      token: first(smart?.token_endpoint, uris?.token, oidc?.token_endpoint),
      introspect: first(smart?.introspection_endpoint, uris?.introspect),
      revoke: first(smart?.revocation_endpoint, uris?.revoke),
      registration: first(smart?.registration_endpoint, uris?.register),
      management: first(smart?.management_endpoint, uris?.manage),
      jwksUri: first(smart?.jwks_uri, oidc?.jwks_uri),
      issuer: first(smart?.issuer, oidc?.issuer),
      userinfo: oidc?.userinfo_endpoint,
    },
    capabilities,
    codeChallengeMethods: first(smart?.code_challenge_methods_supported, oidc?.code_challenge_methods_supported) ?? [],
    tokenEndpointAuthMethods: first(smart?.token_endpoint_auth_methods_supported, oidc?.token_endpoint_auth_methods_supported) ?? [],
    signingAlgs: smart?.token_endpoint_auth_signing_alg_values_supported ?? [],
    scopesSupported: first(smart?.scopes_supported, oidc?.scopes_supported) ?? [],
    supportsPermissionV2: capabilities.includes('permission-v2'),
    supportsAuthorizePost: capabilities.includes('authorize-post'),
    findings: [],
  };
  result.findings = [
    ...s.findings,
    ...(smart === undefined ? [] : lintSmartConfiguration(smart)),
    ...otherEndpointUrls(smart, uris, oidc),
    ...crossCheck(smart, s.capabilityStatement, oidc),
    ...noEndpointFindings(result),
  ];
  return result;
}
