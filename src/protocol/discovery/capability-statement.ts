// The CapabilityStatement's SMART security extension (oauth-uris), the pre-2.0 way of
// discovery that many servers still serve (conformance.html, FHIR R4 rest.security).
import { makeFinding, type Finding } from '../../report/finding.js';
import { isObject, type JsonObject } from './read-document.js';
import type { CapabilityStatementSummary, OAuthUrisExtension } from './types.js';

export const OAUTH_URIS_URL = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';
const SMART_SERVICE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/restful-security-service';
const OAUTH_URI_KEYS = ['authorize', 'token', 'introspect', 'revoke', 'manage', 'register'] as const;

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function readOAuthUris(security: JsonObject): OAuthUrisExtension | undefined {
  const ext = objects(security['extension']).find((e) => e['url'] === OAUTH_URIS_URL);
  if (ext === undefined) return undefined;
  const uris: OAuthUrisExtension = {};
  for (const sub of objects(ext['extension'])) {
    const key = sub['url'];
    const value = sub['valueUri'] ?? sub['valueUrl'];
    if (typeof key === 'string' && typeof value === 'string' && (OAUTH_URI_KEYS as readonly string[]).includes(key)) {
      uris[key as (typeof OAUTH_URI_KEYS)[number]] = value;
    }
  }
  return uris;
}

function hasSmartService(security: JsonObject): boolean {
  return objects(security['service']).some((service) =>
    objects(service['coding']).some((coding) => coding['code'] === 'SMART-on-FHIR' && (coding['system'] === undefined || coding['system'] === SMART_SERVICE_SYSTEM)),
  );
}

export function readCapabilityStatement(doc: unknown): { summary?: CapabilityStatementSummary; findings: Finding[] } {
  if (!isObject(doc) || doc['resourceType'] !== 'CapabilityStatement') {
    const got = isObject(doc) ? `resourceType ${JSON.stringify(doc['resourceType'] ?? null)}` : 'no JSON object';
    return {
      findings: [
        makeFinding({
          id: 'metadata-not-capability-statement',
          severity: 'warning',
          title: '<fhir>/metadata did not return a CapabilityStatement',
          detail: `expected resourceType "CapabilityStatement", got ${got}`,
          fix: 'Check the FHIR base URL: /metadata of a FHIR server returns its CapabilityStatement.',
          spec: 'fhir-capability-security',
        }),
      ],
    };
  }
  const rest = objects(doc['rest']);
  const security = rest.map((r) => r['security']).find(isObject);
  const software = isObject(doc['software']) && typeof doc['software']['name'] === 'string' ? doc['software']['name'] : undefined;
  const summary: CapabilityStatementSummary = {
    fhirVersion: typeof doc['fhirVersion'] === 'string' ? doc['fhirVersion'] : undefined,
    software,
    oauthUris: security === undefined ? undefined : readOAuthUris(security),
    smartService: security === undefined ? false : hasSmartService(security),
  };
  const findings: Finding[] = [];
  if (summary.oauthUris === undefined) {
    findings.push(
      makeFinding({
        id: 'metadata-oauth-uris-missing',
        severity: 'info',
        title: 'the CapabilityStatement carries no oauth-uris extension',
        detail: 'rest.security has no extension with url "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"; apps that discover through /metadata (SMART v1) will find no endpoints.',
        fix: 'Add the oauth-uris extension with authorize and token, or rely on .well-known/smart-configuration only.',
        spec: 'fhir-capability-security',
      }),
    );
  }
  return { summary, findings };
}
