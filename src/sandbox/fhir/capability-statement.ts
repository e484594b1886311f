// The sandbox's CapabilityStatement, with the SMART oauth-uris security extension
// (SMART App Launch conformance; FHIR R4 CapabilityStatement.rest.security).
import type { OAuthUris } from '../types.js';
import { SEARCH_PARAMS } from './search.js';

export function capabilityStatement(fhirBaseUrl: URL, uris: OAuthUris): Record<string, unknown> {
  const oauthUris = Object.entries({ authorize: uris.authorize, token: uris.token, introspect: uris.introspect, revoke: uris.revoke, manage: uris.manage })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([url, valueUri]) => ({ url, valueUri }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-01-01',
    kind: 'instance',
    software: { name: 'smartctl sandbox' },
    implementation: { description: 'smartctl embedded SMART on FHIR sandbox (synthetic data)', url: fhirBaseUrl.href.replace(/\/$/, '') },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: true,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }], text: 'OAuth2 using SMART-on-FHIR profile' }],
          extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: oauthUris }],
        },
        resource: Object.entries(SEARCH_PARAMS).map(([type, params]) => ({
          type,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: Object.keys(params).map((name) => ({ name, type: name === 'birthdate' ? 'date' : name === '_count' ? 'number' : name === 'name' || name === 'family' ? 'string' : 'token' })),
        })),
      },
    ],
  };
}
