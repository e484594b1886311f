// Validation of <fhir>/.well-known/smart-configuration against SMART App Launch 2.x
// (conformance.html#metadata). One small function per rule; lint = the list of them.
import { makeFinding, type Finding } from '../../report/finding.js';
import { isKnownCapability } from './capabilities.js';
import { lintEndpointUrls } from './endpoint-url.js';
import { fieldReader, isObject } from './read-document.js';
import type { SmartConfiguration } from './types.js';

const STRING_FIELDS = [
  'issuer',
  'jwks_uri',
  'authorization_endpoint',
  'token_endpoint',
  'registration_endpoint',
  'user_access_brand_bundle',
  'user_access_brand_identifier',
  'management_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
] as const;
const LIST_FIELDS = [
  'grant_types_supported',
  'token_endpoint_auth_methods_supported',
  'token_endpoint_auth_signing_alg_values_supported',
  'scopes_supported',
  'response_types_supported',
  'capabilities',
  'code_challenge_methods_supported',
] as const;
export const ENDPOINT_FIELDS = [
  'jwks_uri',
  'authorization_endpoint',
  'token_endpoint',
  'registration_endpoint',
  'management_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
] as const;

const LAUNCH_CAPABILITIES = ['launch-ehr', 'launch-standalone'];
const ASYMMETRIC_ALGS = ['RS384', 'ES384'];

/** Reads the document into the wire type; a non-object is one error finding. */
export function readSmartConfiguration(doc: unknown): { config?: SmartConfiguration; findings: Finding[] } {
  if (!isObject(doc)) {
    return {
      findings: [
        makeFinding({
          id: 'smart-configuration-invalid',
          severity: 'error',
          title: 'smart-configuration is not a JSON object',
          detail: `expected a JSON object, got ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc}`,
          fix: 'Serve the SMART configuration as a JSON object at <fhir-base>/.well-known/smart-configuration.',
          spec: 'smart-config-metadata',
        }),
      ],
    };
  }
  const read = fieldReader(doc);
  const config: SmartConfiguration = {};
  for (const name of STRING_FIELDS) {
    const value = read.string(name);
    if (value !== undefined) config[name] = value;
  }
  for (const name of LIST_FIELDS) {
    const value = read.strings(name);
    if (value !== undefined) config[name] = value;
  }
  const findings = read.wrongTypes.map((w) =>
    makeFinding({
      id: 'smart-configuration-field-type',
      severity: 'error',
      title: `smart-configuration field "${w.field}" has the wrong type`,
      detail: `${w.field}: expected ${w.expected}, got ${w.got}`,
      fix: `Publish "${w.field}" as ${w.expected === 'string' ? 'a string' : 'a JSON array of strings'}.`,
      spec: 'smart-config-metadata',
    }),
  );
  return { config, findings };
}

function missing(field: string, why: string, severity: 'error' | 'warning' = 'error'): Finding {
  return makeFinding({
    id: 'smart-configuration-field-missing',
    severity,
    title: `smart-configuration has no "${field}"`,
    detail: `"${field}" is required ${why}.`,
    fix: `Add "${field}" to .well-known/smart-configuration.`,
    spec: 'smart-config-metadata',
  });
}

function has(list: readonly string[] | undefined, value: string): boolean {
  return list?.includes(value) === true;
}

export function requiredFields(c: SmartConfiguration): Finding[] {
  const caps = c.capabilities ?? [];
  const out: Finding[] = [];
  if (c.token_endpoint === undefined) out.push(missing('token_endpoint', 'in every SMART configuration'));
  if (c.capabilities === undefined) out.push(missing('capabilities', 'in every SMART configuration'));
  if (c.grant_types_supported === undefined) out.push(missing('grant_types_supported', 'by SMART App Launch 2.x', 'warning'));
  if (c.code_challenge_methods_supported === undefined) {
    // REQUIRED in the metadata table, yet the IG's own backend-services example omits it:
    // an error only where an authorization code flow (and so PKCE) is on offer.
    const codeFlow = caps.some((cap) => LAUNCH_CAPABILITIES.includes(cap)) || has(c.grant_types_supported, 'authorization_code') || c.authorization_endpoint !== undefined;
    out.push(missing('code_challenge_methods_supported', codeFlow ? 'by SMART App Launch 2.x (it must list S256); without it libraries such as client-js send no PKCE' : 'by SMART App Launch 2.x (it must list S256)', codeFlow ? 'error' : 'warning'));
  }
  if (c.authorization_endpoint === undefined && caps.some((cap) => LAUNCH_CAPABILITIES.includes(cap))) {
    out.push(missing('authorization_endpoint', `when the server advertises ${caps.filter((cap) => LAUNCH_CAPABILITIES.includes(cap)).join(' and ')}`));
  }
  if (has(caps, 'sso-openid-connect')) {
    if (c.issuer === undefined) out.push(missing('issuer', 'when the server advertises sso-openid-connect'));
    if (c.jwks_uri === undefined) out.push(missing('jwks_uri', 'when the server advertises sso-openid-connect'));
  }
  return out;
}

export function pkceMethods(c: SmartConfiguration): Finding[] {
  const methods = c.code_challenge_methods_supported;
  if (methods === undefined) return [];
  const out: Finding[] = [];
  if (!methods.includes('S256')) {
    out.push(
      makeFinding({
        id: 'pkce-s256-not-advertised',
        severity: 'error',
        title: 'code_challenge_methods_supported does not list S256',
        detail: `code_challenge_methods_supported: expected to include "S256", got ${JSON.stringify(methods)}`,
        fix: 'Support PKCE with S256 and list it in code_challenge_methods_supported.',
        spec: 'smart-pkce',
      }),
    );
  }
  if (methods.includes('plain')) {
    out.push(
      makeFinding({
        id: 'pkce-plain-advertised',
        severity: 'error',
        title: 'code_challenge_methods_supported lists "plain"',
        detail: `SMART servers must not support the plain PKCE method; got ${JSON.stringify(methods)}`,
        fix: 'Remove "plain" from code_challenge_methods_supported and refuse it at the authorize endpoint.',
        spec: 'smart-pkce',
      }),
    );
  }
  return out;
}

export function endpointUrls(c: SmartConfiguration): Finding[] {
  // The issuer is an https URL too (OpenID Connect Discovery §3), though not an endpoint.
  return lintEndpointUrls('smart-configuration', [['issuer', c.issuer] as const, ...ENDPOINT_FIELDS.map((field) => [field, c[field]] as const)]);
}

export function unknownCapabilities(c: SmartConfiguration): Finding[] {
  const unknown = (c.capabilities ?? []).filter((cap) => !isKnownCapability(cap));
  if (unknown.length === 0) return [];
  return [
    makeFinding({
      id: 'capability-unknown',
      severity: 'info',
      title: `${unknown.length} capabilit${unknown.length === 1 ? 'y is' : 'ies are'} not defined by SMART App Launch 2.x`,
      detail: `unknown: ${unknown.map((u) => `"${u}"`).join(', ')} (apps will ignore them)`,
      fix: 'Check the spelling against the SMART capability list, or ignore if these are vendor extensions.',
      spec: 'smart-capabilities',
    }),
  ];
}

function inconsistent(title: string, detail: string, fix: string): Finding {
  return makeFinding({ id: 'capability-inconsistent', severity: 'warning', title, detail, fix, spec: 'smart-capabilities' });
}

export function capabilityConsistency(c: SmartConfiguration): Finding[] {
  const caps = c.capabilities ?? [];
  const out: Finding[] = [];
  if (has(caps, 'client-confidential-asymmetric')) {
    if (c.token_endpoint_auth_methods_supported !== undefined && !has(c.token_endpoint_auth_methods_supported, 'private_key_jwt')) {
      out.push(
        inconsistent(
          'client-confidential-asymmetric is advertised but private_key_jwt is not an auth method',
          `token_endpoint_auth_methods_supported: expected to include "private_key_jwt", got ${JSON.stringify(c.token_endpoint_auth_methods_supported)}`,
          'List private_key_jwt in token_endpoint_auth_methods_supported, or drop the capability.',
        ),
      );
    }
    const algs = c.token_endpoint_auth_signing_alg_values_supported;
    if (algs !== undefined && !algs.some((a) => ASYMMETRIC_ALGS.includes(a))) {
      out.push(
        inconsistent(
          'client-confidential-asymmetric is advertised without RS384 or ES384',
          `token_endpoint_auth_signing_alg_values_supported: expected RS384 and/or ES384, got ${JSON.stringify(algs)}`,
          'Support RS384 and ES384 client assertions, as SMART requires.',
        ),
      );
    }
  }
  if (has(caps, 'client-confidential-symmetric') && c.token_endpoint_auth_methods_supported !== undefined) {
    const methods = c.token_endpoint_auth_methods_supported;
    if (!has(methods, 'client_secret_basic') && !has(methods, 'client_secret_post')) {
      out.push(
        inconsistent(
          'client-confidential-symmetric is advertised without a client_secret auth method',
          `token_endpoint_auth_methods_supported: expected client_secret_basic or client_secret_post, got ${JSON.stringify(methods)}`,
          'List the client secret method the token endpoint accepts.',
        ),
      );
    }
  }
  if (has(caps, 'sso-openid-connect') && c.scopes_supported !== undefined && !has(c.scopes_supported, 'openid')) {
    out.push(
      inconsistent(
        'sso-openid-connect is advertised but scopes_supported lacks "openid"',
        `scopes_supported: expected to include "openid", got ${c.scopes_supported.length} scopes without it`,
        'Add openid (and fhirUser) to scopes_supported.',
      ),
    );
  }
  if ((has(caps, 'permission-offline') || has(caps, 'permission-online')) && c.grant_types_supported !== undefined && !has(c.grant_types_supported, 'refresh_token')) {
    out.push(
      inconsistent(
        'refresh permissions are advertised but grant_types_supported lacks refresh_token',
        `grant_types_supported: ${JSON.stringify(c.grant_types_supported)}`,
        'Add refresh_token to grant_types_supported, or drop permission-offline/permission-online.',
      ),
    );
  }
  if (has(caps, 'permission-v2') && !has(caps, 'permission-v1') && c.scopes_supported !== undefined) {
    const v1Only = c.scopes_supported.filter((s) => /^(patient|user|system)\/[^.]+\.(read|write|\*)$/.test(s));
    if (v1Only.length > 0 && !c.scopes_supported.some((s) => /^(patient|user|system)\/[^.]+\.(?=[cruds])c?r?u?d?s?(\?.*)?$/.test(s))) {
      out.push(
        inconsistent(
          'permission-v2 is advertised but scopes_supported uses only v1 syntax',
          `v1 scopes listed: ${v1Only.slice(0, 5).join(', ')}`,
          'List v2 scopes (e.g. patient/*.rs) or advertise permission-v1.',
        ),
      );
    }
  }
  if (has(caps, 'authorize-post') && c.authorization_endpoint === undefined) {
    out.push(
      inconsistent(
        'authorize-post is advertised but there is no authorization_endpoint',
        'capabilities include "authorize-post"; authorization_endpoint: expected a URL, got none',
        'Publish authorization_endpoint, or drop authorize-post.',
      ),
    );
  }
  if (has(caps, 'permission-v1') && !has(caps, 'permission-v2') && c.scopes_supported !== undefined) {
    const v2Only = c.scopes_supported.filter((s) => /^(patient|user|system)\/[^.]+\.(?=[cruds])c?r?u?d?s?(\?.*)?$/.test(s) && !/\.(read|write|\*)$/.test(s));
    if (v2Only.length > 0 && !c.scopes_supported.some((s) => /^(patient|user|system)\/[^.]+\.(read|write|\*)$/.test(s))) {
      out.push(
        inconsistent(
          'permission-v1 is advertised but scopes_supported uses only v2 syntax',
          `capabilities include "permission-v1" without "permission-v2"; v2 scopes listed: ${v2Only.slice(0, 5).join(', ')}`,
          'Advertise permission-v2, or list the v1 scopes (e.g. patient/*.read).',
        ),
      );
    }
  }
  if (c.authorization_endpoint !== undefined && !caps.some((cap) => LAUNCH_CAPABILITIES.includes(cap))) {
    out.push(
      inconsistent(
        'an authorization_endpoint is published but neither launch-ehr nor launch-standalone is advertised',
        `capabilities: ${JSON.stringify(caps)}`,
        'Advertise the launch modes the server supports.',
      ),
    );
  }
  return out;
}

export function lintSmartConfiguration(c: SmartConfiguration): Finding[] {
  return [...requiredFields(c), ...pkceMethods(c), ...endpointUrls(c), ...unknownCapabilities(c), ...capabilityConsistency(c)];
}
