// Discovery documents for a server at `origin`, good by default; tests break one field at a time.
export function smartConfigurationFor(origin: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer: `${origin}/oidc`,
    jwks_uri: `${origin}/oidc/jwks`,
    authorization_endpoint: `${origin}/oauth/authorize`,
    token_endpoint: `${origin}/oauth/token`,
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    scopes_supported: ['openid', 'fhirUser', 'launch', 'launch/patient', 'offline_access', 'patient/*.rs'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: ['launch-ehr', 'launch-standalone', 'client-public', 'client-confidential-symmetric', 'client-confidential-asymmetric', 'sso-openid-connect', 'permission-offline', 'permission-patient', 'permission-v2'],
    ...overrides,
  };
}

export function capabilityStatementFor(origin: string, uris: Record<string, string> = {}): Record<string, unknown> {
  const all = { authorize: `${origin}/oauth/authorize`, token: `${origin}/oauth/token`, ...uris };
  return {
    resourceType: 'CapabilityStatement',
    fhirVersion: '4.0.1',
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: Object.entries(all).map(([url, valueUri]) => ({ url, valueUri })),
            },
          ],
        },
      },
    ],
  };
}

export function openidConfigurationFor(origin: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { issuer: `${origin}/oidc`, authorization_endpoint: `${origin}/oauth/authorize`, token_endpoint: `${origin}/oauth/token`, jwks_uri: `${origin}/oidc/jwks`, ...overrides };
}

export const SIGNING_JWKS = { keys: [{ kty: 'EC', crv: 'P-256', kid: 'k1', use: 'sig', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] };

/** Routes for test/helpers/static-server.ts serving a complete, valid discovery set. */
export function goodDiscoveryRoutes(): Record<string, (origin: string) => { body: unknown }> {
  return {
    '/fhir/.well-known/smart-configuration': (o) => ({ body: smartConfigurationFor(o) }),
    '/fhir/metadata': (o) => ({ body: capabilityStatementFor(o) }),
    '/oidc/.well-known/openid-configuration': (o) => ({ body: openidConfigurationFor(o) }),
    '/oidc/jwks': () => ({ body: SIGNING_JWKS }),
  };
}
