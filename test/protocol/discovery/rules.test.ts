// One test per discovery rule, each expecting its finding id (and not seeing it on the good document).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lintSmartConfiguration, readSmartConfiguration } from '../../../src/protocol/discovery/smart-configuration.js';
import { readCapabilityStatement } from '../../../src/protocol/discovery/capability-statement.js';
import { issuerMatches, readOpenIdConfiguration } from '../../../src/protocol/discovery/openid-configuration.js';
import { readServerJwks } from '../../../src/protocol/discovery/jwks.js';
import { crossCheck } from '../../../src/protocol/discovery/cross-check.js';
import { assembleDiscovery } from '../../../src/protocol/discovery/assemble.js';
import { appExpectations } from '../../../src/protocol/discovery/expectations.js';
import { CAPABILITY_EXPLANATIONS, isKnownCapability } from '../../../src/protocol/discovery/capabilities.js';
import { isLoopbackHost } from '../../../src/protocol/discovery/endpoint-url.js';
import { discoveryFixture } from '../../helpers/discovery-fixtures.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';

type Doc = Record<string, unknown>;
const ORIGIN = 'https://ehr.example.org';
const good = (): Doc => discoveryFixture('good/smart-configuration.json') as Doc;
const ids = (findings: Array<{ id: string }>): string[] => findings.map((f) => f.id);
function lint(doc: unknown): string[] {
  const { config, findings } = readSmartConfiguration(doc);
  return [...ids(findings), ...ids(lintSmartConfiguration(config ?? {}))];
}
function without(doc: Doc, ...fields: string[]): Doc {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !fields.includes(k)));
}
function fixtureAssembly(overrides: { smart?: string; metadata?: string; openid?: string } = {}) {
  const smart = readSmartConfiguration(discoveryFixture(overrides.smart ?? 'good/smart-configuration.json'));
  const meta = readCapabilityStatement(discoveryFixture(overrides.metadata ?? 'good/metadata.json'));
  const oidc = readOpenIdConfiguration(discoveryFixture(overrides.openid ?? 'good/openid-configuration.json'));
  return assembleDiscovery({ fhirBaseUrl: `${ORIGIN}/fhir`, smartConfiguration: smart.config, capabilityStatement: meta.summary, openidConfiguration: oidc.config, findings: [...smart.findings, ...meta.findings, ...oidc.findings] });
}

test('the good fixtures give no finding at all', () => {
  assert.deepEqual(lint(good()), []);
  assert.deepEqual(ids(fixtureAssembly().findings), []);
});

test('smart-configuration-invalid: not a JSON object', () => {
  for (const doc of [[], null, 'x', 3]) assert.deepEqual(ids(readSmartConfiguration(doc).findings), ['smart-configuration-invalid']);
});

test('smart-configuration-field-type: wrong types are dropped and reported', () => {
  const found = lint(discoveryFixture('broken/smart-configuration-wrong-types.json'));
  assert.equal(found.filter((id) => id === 'smart-configuration-field-type').length, 2);
  assert.ok(found.includes('smart-configuration-field-missing'), 'a dropped required field counts as missing');
});

test('smart-configuration-field-missing: token_endpoint, capabilities, code_challenge_methods_supported are errors', () => {
  for (const field of ['token_endpoint', 'capabilities', 'code_challenge_methods_supported']) {
    const { config } = readSmartConfiguration(without(good(), field));
    const f = lintSmartConfiguration(config ?? {}).find((x) => x.id === 'smart-configuration-field-missing');
    assert.equal(f?.severity, 'error', field);
    assert.match(f?.title ?? '', new RegExp(`"${field}"`));
  }
});

test('a backend-services-only document (as in the IG example) has no error finding', () => {
  const { config, findings } = readSmartConfiguration(discoveryFixture('good/smart-configuration-backend-services.json'));
  const all = [...findings, ...lintSmartConfiguration(config ?? {})];
  assert.deepEqual(all.map((f) => [f.id, f.severity]), [['smart-configuration-field-missing', 'warning']]);
  assert.match(all[0]?.title ?? '', /code_challenge_methods_supported/);
});

test('smart-configuration-field-missing: grant_types_supported is a warning', () => {
  const { config } = readSmartConfiguration(without(good(), 'grant_types_supported'));
  assert.deepEqual(lintSmartConfiguration(config ?? {}).map((f) => [f.id, f.severity]), [['smart-configuration-field-missing', 'warning']]);
});

test('smart-configuration-field-missing: issuer and jwks_uri only with sso-openid-connect', () => {
  assert.ok(lint(without(good(), 'issuer')).includes('smart-configuration-field-missing'));
  assert.ok(lint(without(good(), 'jwks_uri')).includes('smart-configuration-field-missing'));
  const noSso = { ...without(good(), 'issuer', 'jwks_uri'), capabilities: ['launch-standalone', 'client-public', 'permission-v2'] };
  assert.deepEqual(lint(noSso), []);
});

test('smart-configuration-field-missing: authorization_endpoint only with a launch capability', () => {
  assert.ok(lint(without(good(), 'authorization_endpoint')).includes('smart-configuration-field-missing'));
  const backend = { ...without(good(), 'authorization_endpoint', 'issuer', 'jwks_uri'), capabilities: ['client-confidential-asymmetric', 'permission-v2'], grant_types_supported: ['client_credentials'] };
  assert.deepEqual(lint(backend), []);
});

test('pkce-s256-not-advertised and pkce-plain-advertised', () => {
  assert.deepEqual(lint(discoveryFixture('broken/smart-configuration-no-s256.json')), ['pkce-s256-not-advertised', 'pkce-plain-advertised']);
  assert.deepEqual(lint(discoveryFixture('broken/smart-configuration-plain-pkce.json')), ['pkce-plain-advertised']);
});

test('endpoint-not-https and endpoint-not-absolute; loopback http is fine', () => {
  assert.deepEqual(lint(discoveryFixture('broken/smart-configuration-http-endpoints.json')), Array(4).fill('endpoint-not-https'));
  assert.deepEqual(lint({ ...good(), token_endpoint: '/oauth/token' }), ['endpoint-not-absolute']);
  assert.deepEqual(lint({ ...good(), issuer: 'ehr.example.org/oidc' }), ['endpoint-not-absolute']);
  assert.deepEqual(lint({ ...good(), token_endpoint: 'ftp://ehr.example.org/token' }), ['endpoint-not-absolute']);
  for (const host of ['127.0.0.1:8080', '127.3.2.1', 'localhost:9', '[::1]:443']) assert.deepEqual(lint({ ...good(), token_endpoint: `http://${host}/token` }), [], host);
  assert.equal(isLoopbackHost('127.0.0.1.evil.example'), false);
  assert.equal(isLoopbackHost('localhost.example.org'), false);
});

test('endpoint URL lints also cover oauth-uris and openid-configuration, once per URL', () => {
  const r = assembleDiscovery({
    fhirBaseUrl: `${ORIGIN}/fhir`,
    capabilityStatement: { smartService: true, oauthUris: { authorize: 'http://ehr.example.org/authorize', token: `${ORIGIN}/token` } },
    openidConfiguration: { issuer: `${ORIGIN}/oidc`, userinfo_endpoint: 'http://ehr.example.org/userinfo' },
    findings: [],
  });
  assert.deepEqual(r.findings.filter((f) => f.id === 'endpoint-not-https').map((f) => f.title), ['metadata oauth-uris authorize is not an absolute https URL', 'openid-configuration userinfo_endpoint is not an absolute https URL']);
});

test('capability-unknown is info and names the unknown ones', () => {
  const { config } = readSmartConfiguration({ ...good(), capabilities: [...(good()['capabilities'] as string[]), 'teleport'] });
  const f = lintSmartConfiguration(config ?? {}).find((x) => x.id === 'capability-unknown');
  assert.equal(f?.severity, 'info');
  assert.match(f?.detail ?? '', /"teleport"/);
});

test('capability-inconsistent: each contradiction', () => {
  const cases: Array<[string, Doc]> = [
    ['asymmetric without private_key_jwt', { ...good(), token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'] }],
    ['asymmetric without RS384/ES384', { ...good(), token_endpoint_auth_signing_alg_values_supported: ['RS256'] }],
    ['symmetric without a client_secret method', { ...good(), token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'] }],
    ['sso without openid scope', { ...good(), scopes_supported: ['launch', 'patient/*.rs'] }],
    ['refresh permissions without refresh_token grant', { ...good(), grant_types_supported: ['authorization_code'] }],
    ['permission-v2 with only v1 scopes', { ...good(), scopes_supported: ['openid', 'patient/*.read'] }],
    ['permission-v1 with only v2 scopes', { ...good(), capabilities: ['launch-ehr', 'sso-openid-connect', 'permission-v1', 'client-public'], scopes_supported: ['openid', 'patient/*.rs'] }],
    ['authorize-post without authorization_endpoint', { ...without(good(), 'authorization_endpoint', 'issuer', 'jwks_uri'), capabilities: ['authorize-post', 'permission-v2'] }],
    ['authorization_endpoint without a launch capability', { ...good(), capabilities: ['client-public', 'sso-openid-connect', 'permission-v2'] }],
  ];
  for (const [name, doc] of cases) assert.deepEqual(lint(doc), ['capability-inconsistent'], name);
  assert.deepEqual(lint({ ...good(), scopes_supported: ['openid', 'patient/*.read', 'patient/*.rs'] }), [], 'both syntaxes listed is fine');
});

test('the inconsistent fixture collects every kind of problem', () => {
  const found = lint(discoveryFixture('broken/smart-configuration-inconsistent.json'));
  assert.ok(found.includes('capability-unknown'));
  assert.ok(found.filter((id) => id === 'capability-inconsistent').length >= 4, found.join(','));
});

test('metadata-not-capability-statement and metadata-oauth-uris-missing', () => {
  assert.deepEqual(ids(readCapabilityStatement({ resourceType: 'Bundle' }).findings), ['metadata-not-capability-statement']);
  assert.deepEqual(ids(readCapabilityStatement('<html>').findings), ['metadata-not-capability-statement']);
  assert.deepEqual(ids(readCapabilityStatement(discoveryFixture('broken/metadata-no-oauth-uris.json')).findings), ['metadata-oauth-uris-missing']);
  const read = readCapabilityStatement(discoveryFixture('good/metadata.json'));
  assert.deepEqual(read.summary?.oauthUris, { authorize: `${ORIGIN}/oauth/authorize`, token: `${ORIGIN}/oauth/token`, introspect: `${ORIGIN}/oauth/introspect`, revoke: `${ORIGIN}/oauth/revoke` });
  assert.equal(read.summary?.smartService, true);
  assert.equal(read.summary?.fhirVersion, '4.0.1');
});

test('endpoints-disagree: metadata and openid-configuration against smart-configuration', () => {
  const smart = readSmartConfiguration(good()).config;
  const meta = readCapabilityStatement(discoveryFixture('broken/metadata-other-token-endpoint.json')).summary;
  assert.deepEqual(ids(crossCheck(smart, meta, undefined)), ['endpoints-disagree']);
  const oidc = { authorization_endpoint: `${ORIGIN}/other/authorize`, token_endpoint: `${ORIGIN}/oauth/token`, jwks_uri: `${ORIGIN}/other/jwks` };
  assert.deepEqual(crossCheck(smart, undefined, oidc).map((f) => f.title), ['smart-configuration and openid-configuration name different authorize endpoints', 'smart-configuration and openid-configuration name different jwks_uri endpoints']);
});

test('issuer-mismatch: exact string comparison, trailing slash called out', () => {
  const slash = readOpenIdConfiguration(discoveryFixture('broken/openid-configuration-issuer-trailing-slash.json')).config ?? {};
  const f = issuerMatches(`${ORIGIN}/oidc`, slash);
  assert.deepEqual(ids(f), ['issuer-mismatch']);
  assert.match(f[0]?.detail ?? '', /expected "https:\/\/ehr\.example\.org\/oidc", got "https:\/\/ehr\.example\.org\/oidc\/".*trailing slash/);
  const other = issuerMatches(`${ORIGIN}/oidc`, { issuer: 'https://login.example.org' });
  assert.doesNotMatch(other[0]?.detail ?? '', /trailing slash, which/);
  assert.match(issuerMatches(`${ORIGIN}/oidc`, {})[0]?.detail ?? '', /got none/);
  assert.deepEqual(issuerMatches(`${ORIGIN}/oidc/`, slash), []);
});

test('openid-configuration-invalid: not an object', () => {
  assert.deepEqual(ids(readOpenIdConfiguration([1]).findings), ['openid-configuration-invalid']);
});

test('openid-configuration-field-missing and openid-configuration-field-type', () => {
  const good = discoveryFixture('good/openid-configuration.json') as Doc;
  assert.deepEqual(ids(readOpenIdConfiguration(good).findings), []);
  const f = readOpenIdConfiguration(without(good, 'subject_types_supported', 'jwks_uri')).findings;
  assert.deepEqual(ids(f), ['openid-configuration-field-missing']);
  assert.match(f[0]?.detail ?? '', /"jwks_uri", "subject_types_supported"/);
  assert.deepEqual(ids(readOpenIdConfiguration({ ...good, scopes_supported: 'openid' }).findings), ['openid-configuration-field-type']);
});

test('JWKS rules: invalid, no signing keys, no kid, duplicate kid', () => {
  assert.deepEqual(ids(readServerJwks({ nokeys: 1 }, 'x').findings), ['jwks-invalid']);
  assert.deepEqual(ids(readServerJwks([], 'x').findings), ['jwks-invalid']);
  assert.deepEqual(ids(readServerJwks({ keys: [] }, 'x').findings), ['jwks-no-signing-keys']);
  assert.deepEqual(ids(readServerJwks(discoveryFixture('broken/jwks-encryption-only.json'), 'x').findings), ['jwks-no-signing-keys']);
  assert.deepEqual(ids(readServerJwks(discoveryFixture('broken/jwks-no-kid.json'), 'x').findings), ['jwks-key-without-kid']);
  assert.deepEqual(ids(readServerJwks({ keys: [{ kty: 'EC' }] }, 'x').findings), [], 'one key needs no kid');
  assert.deepEqual(ids(readServerJwks({ keys: [{ kty: 'EC', kid: 'a' }, { kty: 'RSA', kid: 'a' }] }, 'x').findings), ['jwks-duplicate-kid']);
  assert.deepEqual(ids(readServerJwks(discoveryFixture('good/jwks.json'), 'x').findings), []);
});

test('JWKS x5c: readable certificate checked against now', () => {
  const pem = readFileSync(path.join(REPO_ROOT, 'fixtures', 'tls', 'localhost.cert.pem'), 'utf8');
  const der = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const jwks = { keys: [{ kty: 'RSA', kid: 'c', x5c: [der] }] };
  assert.deepEqual(ids(readServerJwks(jwks, 'x', new Date('2030-01-01T00:00:00Z')).findings), []);
  assert.deepEqual(ids(readServerJwks(jwks, 'x', new Date('2200-01-01T00:00:00Z')).findings), ['jwks-certificate-expired']);
  assert.deepEqual(ids(readServerJwks(jwks, 'x', new Date('2000-01-01T00:00:00Z')).findings), ['jwks-certificate-not-yet-valid']);
  assert.deepEqual(ids(readServerJwks({ keys: [{ kty: 'RSA', kid: 'c', x5c: ['bm90IGEgY2VydA=='] }] }, 'x', new Date()).findings), ['jwks-certificate-invalid']);
  assert.deepEqual(ids(readServerJwks({ keys: [{ kty: 'RSA', kid: 'c', x5c: 'nope' }] }, 'x', new Date()).findings), ['jwks-certificate-invalid']);
});

test('token-endpoint-not-found is an error, authorize-endpoint-not-found a warning', () => {
  const r = assembleDiscovery({ fhirBaseUrl: ORIGIN, findings: [] });
  assert.deepEqual(r.findings.map((f) => [f.id, f.severity]), [['token-endpoint-not-found', 'error'], ['authorize-endpoint-not-found', 'warning']]);
});

test('assembly: metadata fills in when smart-configuration is absent', () => {
  const meta = readCapabilityStatement(discoveryFixture('good/metadata.json')).summary;
  const r = assembleDiscovery({ fhirBaseUrl: ORIGIN, capabilityStatement: meta, findings: [] });
  assert.equal(r.endpoints.token, `${ORIGIN}/oauth/token`);
  assert.equal(r.endpoints.revoke, `${ORIGIN}/oauth/revoke`);
  assert.deepEqual(r.findings, []);
});

test('every SMART 2.x capability is known and explained in one line', () => {
  const smart2 = ['launch-ehr', 'launch-standalone', 'authorize-post', 'client-public', 'client-confidential-symmetric', 'client-confidential-asymmetric', 'sso-openid-connect', 'context-passthrough-banner', 'context-passthrough-style', 'context-ehr-patient', 'context-ehr-encounter', 'context-standalone-patient', 'context-standalone-encounter', 'permission-offline', 'permission-online', 'permission-patient', 'permission-user', 'permission-v1', 'permission-v2', 'smart-app-state'];
  for (const cap of smart2) {
    assert.ok(isKnownCapability(cap), cap);
    assert.doesNotMatch(CAPABILITY_EXPLANATIONS[cap] ?? '\n', /\n/);
  }
  assert.equal(isKnownCapability('toString'), false);
});

test('what an app can expect, from the good fixtures', () => {
  const { findings, ...r } = fixtureAssembly();
  assert.deepEqual(findings, []);
  const answers = Object.fromEntries(appExpectations(r).map((e) => [e.topic, e.answer]));
  assert.deepEqual(answers, {
    'PKCE (S256)': 'yes',
    'EHR launch': 'yes',
    'standalone launch': 'yes',
    'OpenID Connect (id_token)': 'yes',
    'asymmetric client auth': 'yes',
    'client secret auth': 'yes',
    'refresh tokens': 'yes',
    'scope syntax': 'yes',
    'authorize by POST': 'yes',
  });
  const v1 = assembleDiscovery({ fhirBaseUrl: ORIGIN, smartConfiguration: readSmartConfiguration(discoveryFixture('broken/smart-configuration-v1-era.json')).config, findings: [] });
  const v1Answers = Object.fromEntries(appExpectations(v1).map((e) => [e.topic, `${e.answer} ${e.note}`]));
  assert.match(v1Answers['PKCE (S256)'] ?? '', /^no /);
  assert.match(v1Answers['scope syntax'] ?? '', /v1/);
  assert.match(v1Answers['refresh tokens'] ?? '', /^no /);
  const metadataOnly = assembleDiscovery({ fhirBaseUrl: ORIGIN, capabilityStatement: readCapabilityStatement(discoveryFixture('good/metadata.json')).summary, findings: [] });
  assert.ok(appExpectations(metadataOnly).every((e) => e.answer === 'unknown'), 'metadata alone advertises nothing');
});
