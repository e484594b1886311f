// OpenID provider metadata checks (OpenID Connect Discovery 1.0 §3, §4.3).
import { makeFinding, type Finding } from '../../report/finding.js';
import { fieldReader, isObject } from './read-document.js';
import type { OpenIdConfiguration } from './types.js';

/** REQUIRED provider metadata (OpenID Connect Discovery 1.0 §3); token_endpoint too unless only implicit is offered. */
const OIDC_REQUIRED = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'] as const;

export function readOpenIdConfiguration(doc: unknown): { config?: OpenIdConfiguration; findings: Finding[] } {
  if (!isObject(doc)) {
    return {
      findings: [
        makeFinding({
          id: 'openid-configuration-invalid',
          severity: 'warning',
          title: 'openid-configuration is not a JSON object',
          detail: `expected a JSON object, got ${Array.isArray(doc) ? 'an array' : typeof doc}`,
          fix: 'Serve OpenID provider metadata as a JSON object at <issuer>/.well-known/openid-configuration.',
          spec: 'oidc-discovery',
        }),
      ],
    };
  }
  const read = fieldReader(doc);
  const config: OpenIdConfiguration = {};
  for (const name of ['issuer', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'] as const) {
    const v = read.string(name);
    if (v !== undefined) config[name] = v;
  }
  for (const name of ['scopes_supported', 'response_types_supported', 'id_token_signing_alg_values_supported', 'token_endpoint_auth_methods_supported', 'code_challenge_methods_supported'] as const) {
    const v = read.strings(name);
    if (v !== undefined) config[name] = v;
  }
  const findings = read.wrongTypes.map((w) =>
    makeFinding({
      id: 'openid-configuration-field-type',
      severity: 'warning',
      title: `openid-configuration field "${w.field}" has the wrong type`,
      detail: `${w.field}: expected ${w.expected}, got ${w.got}`,
      fix: `Publish "${w.field}" as ${w.expected === 'string' ? 'a string' : 'a JSON array of strings'}.`,
      spec: 'oidc-discovery',
    }),
  );
  const missing = OIDC_REQUIRED.filter((name) => doc[name] === undefined);
  if (missing.length > 0) {
    findings.push(
      makeFinding({
        id: 'openid-configuration-field-missing',
        severity: 'warning',
        title: `openid-configuration lacks ${missing.length === 1 ? 'a required field' : 'required fields'}`,
        detail: `missing: ${missing.map((m) => `"${m}"`).join(', ')} (REQUIRED by OpenID Connect Discovery 1.0 §3)`,
        fix: 'Add the missing provider metadata; OpenID client libraries refuse incomplete documents.',
        spec: 'oidc-discovery',
      }),
    );
  }
  return { config, findings };
}

/** The issuer in the document must be the issuer it was fetched for, character for character (OIDC Discovery §4.3). */
export function issuerMatches(expectedIssuer: string, config: OpenIdConfiguration): Finding[] {
  if (config.issuer === expectedIssuer) return [];
  const slashOnly = config.issuer !== undefined && config.issuer.replace(/\/+$/, '') === expectedIssuer.replace(/\/+$/, '');
  return [
    makeFinding({
      id: 'issuer-mismatch',
      severity: 'error',
      title: 'the OpenID issuer does not match where its metadata was fetched',
      detail: `issuer: expected "${expectedIssuer}", got ${config.issuer === undefined ? 'none' : `"${config.issuer}"`} (compared as exact strings${slashOnly ? '; they differ only by a trailing slash, which counts' : ''})`,
      fix: 'Make the issuer in smart-configuration and openid-configuration identical, character for character; id_token iss must equal it too.',
      spec: 'oidc-discovery-issuer',
    }),
  ];
}
