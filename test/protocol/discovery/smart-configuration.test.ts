import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lintSmartConfiguration, readSmartConfiguration } from '../../../src/protocol/discovery/smart-configuration.js';
import { readCapabilityStatement } from '../../../src/protocol/discovery/capability-statement.js';
import { issuerMatches, readOpenIdConfiguration } from '../../../src/protocol/discovery/openid-configuration.js';
import { readServerJwks } from '../../../src/protocol/discovery/jwks.js';
import { crossCheck } from '../../../src/protocol/discovery/cross-check.js';
import { assembleDiscovery } from '../../../src/protocol/discovery/assemble.js';
import { endpointProblem } from '../../../src/protocol/discovery/endpoint-url.js';
import { capabilityStatementFor, smartConfigurationFor } from '../../helpers/smart-documents.js';

const ORIGIN = 'https://ehr.example.org';
const ids = (findings: Array<{ id: string }>): string[] => findings.map((f) => f.id);
function lint(overrides: Record<string, unknown>): string[] {
  const { config, findings } = readSmartConfiguration(smartConfigurationFor(ORIGIN, overrides));
  return [...ids(findings), ...ids(lintSmartConfiguration(config ?? {}))];
}

test('a complete configuration has no findings', () => {
  assert.deepEqual(lint({}), []);
});

test('required fields', () => {
  assert.ok(lint({ token_endpoint: undefined }).includes('smart-configuration-field-missing'));
  assert.ok(lint({ issuer: undefined }).includes('smart-configuration-field-missing'));
  assert.ok(!lint({ issuer: undefined, capabilities: ['launch-standalone'] }).includes('smart-configuration-field-missing'));
  assert.ok(lint({ authorization_endpoint: undefined }).includes('smart-configuration-field-missing'));
});

test('PKCE: S256 required, plain refused', () => {
  assert.ok(lint({ code_challenge_methods_supported: ['plain'] }).includes('pkce-s256-not-advertised'));
  assert.ok(lint({ code_challenge_methods_supported: ['S256', 'plain'] }).includes('pkce-plain-advertised'));
  assert.ok(!lint({ code_challenge_methods_supported: ['S256'] }).includes('pkce-plain-advertised'));
});

test('endpoints must be https except on loopback', () => {
  assert.ok(lint({ token_endpoint: 'http://ehr.example.org/token' }).includes('endpoint-not-https'));
  assert.ok(!lint({ token_endpoint: 'http://127.0.0.1:8080/token' }).includes('endpoint-not-https'));
  assert.ok(lint({ token_endpoint: '/token' }).includes('endpoint-not-absolute'));
  assert.equal(endpointProblem('http://[::1]:9/x'), undefined);
  assert.equal(endpointProblem('http://localhost/x'), undefined);
});

test('wrong field types are findings, not crashes', () => {
  assert.ok(lint({ capabilities: 'launch-ehr' }).includes('smart-configuration-field-type'));
  assert.deepEqual(ids(readSmartConfiguration([]).findings), ['smart-configuration-invalid']);
});

test('capabilities: unknown and inconsistent', () => {
  assert.ok(lint({ capabilities: ['launch-ehr', 'sso-openid-connect', 'teleport'] }).includes('capability-unknown'));
  assert.ok(lint({ token_endpoint_auth_methods_supported: ['client_secret_basic'] }).includes('capability-inconsistent'));
  assert.ok(lint({ token_endpoint_auth_signing_alg_values_supported: ['RS256'] }).includes('capability-inconsistent'));
  assert.ok(lint({ scopes_supported: ['patient/*.rs'] }).includes('capability-inconsistent'));
});

test('CapabilityStatement oauth-uris are read; a non-CapabilityStatement is a finding', () => {
  const read = readCapabilityStatement(capabilityStatementFor(ORIGIN));
  assert.equal(read.summary?.oauthUris?.token, `${ORIGIN}/oauth/token`);
  assert.equal(read.summary?.smartService, true);
  assert.deepEqual(ids(readCapabilityStatement({ resourceType: 'Bundle' }).findings), ['metadata-not-capability-statement']);
  assert.deepEqual(ids(readCapabilityStatement({ resourceType: 'CapabilityStatement', rest: [] }).findings), ['metadata-oauth-uris-missing']);
});

test('issuer must match exactly, trailing slash included', () => {
  const config = readOpenIdConfiguration({ issuer: `${ORIGIN}/oidc/` }).config ?? {};
  assert.deepEqual(ids(issuerMatches(`${ORIGIN}/oidc`, config)), ['issuer-mismatch']);
  assert.deepEqual(issuerMatches(`${ORIGIN}/oidc/`, config), []);
});

test('JWKS: no signing keys, keys without kid', () => {
  assert.deepEqual(ids(readServerJwks({ keys: [] }, 'x').findings), ['jwks-no-signing-keys']);
  assert.deepEqual(ids(readServerJwks({ keys: [{ kty: 'RSA', use: 'enc' }] }, 'x').findings), ['jwks-no-signing-keys']);
  assert.deepEqual(ids(readServerJwks({ keys: [{ kty: 'RSA' }, { kty: 'EC' }] }, 'x').findings), ['jwks-key-without-kid']);
  assert.deepEqual(ids(readServerJwks({ nokeys: 1 }, 'x').findings), ['jwks-invalid']);
});

test('sources that disagree on endpoints', () => {
  const smart = readSmartConfiguration(smartConfigurationFor(ORIGIN)).config;
  const meta = readCapabilityStatement(capabilityStatementFor(ORIGIN, { token: `${ORIGIN}/other/token` })).summary;
  assert.deepEqual(ids(crossCheck(smart, meta, undefined)), ['endpoints-disagree']);
});

test('no token endpoint anywhere is an error', () => {
  const r = assembleDiscovery({ fhirBaseUrl: ORIGIN, findings: [] });
  assert.ok(ids(r.findings).includes('token-endpoint-not-found'));
  assert.ok(r.findings.some((f) => f.severity === 'error'));
});

test('property: any JSON value is read and linted without throwing', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.record({ capabilities: fc.jsonValue(), token_endpoint: fc.jsonValue(), code_challenge_methods_supported: fc.jsonValue(), scopes_supported: fc.jsonValue() })), (doc) => {
      const { config } = readSmartConfiguration(doc);
      lintSmartConfiguration(config ?? {});
      readCapabilityStatement(doc);
      readOpenIdConfiguration(doc);
      readServerJwks(doc, 'x');
      return true;
    }),
    { numRuns: 2000 },
  );
});

test('property: mutated good documents never crash the whole assembly', () => {
  const good = smartConfigurationFor(ORIGIN);
  fc.assert(
    fc.property(fc.constantFrom(...Object.keys(good)), fc.jsonValue(), (key, value) => {
      const { config, findings } = readSmartConfiguration({ ...good, [key]: value });
      const r = assembleDiscovery({ fhirBaseUrl: ORIGIN, smartConfiguration: config, findings });
      return Array.isArray(r.findings);
    }),
    { numRuns: 2000 },
  );
});
