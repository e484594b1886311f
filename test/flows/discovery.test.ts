// discover() against real HTTP servers on 127.0.0.1 serving the fixtures/discovery documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discover } from '../../src/flows/discovery.js';
import { HttpClient } from '../../src/http/client.js';
import { Trace } from '../../src/report/trace.js';
import { isSmartctlError } from '../../src/errors.js';
import { startStaticServer, type StaticRoute } from '../helpers/static-server.js';
import { fixtureDiscoveryRoutes, fixtureRoute } from '../helpers/discovery-fixtures.js';

const NOW = new Date('2026-06-01T00:00:00Z');

async function run(routes: Record<string, StaticRoute | ((o: string) => StaticRoute)>, timeoutMs = 3000) {
  const server = await startStaticServer(fixtureDiscoveryRoutes(routes));
  const trace = new Trace();
  const client = new HttpClient({ trace, timeoutMs });
  try {
    const result = await discover(client, `${server.url}/fhir/`, { now: NOW });
    return { result, trace, server, ids: result.findings.map((f) => f.id) };
  } finally {
    await client.close();
    await server.close();
  }
}

function severityOf(result: { findings: Array<{ id: string; severity: string }> }, id: string): string | undefined {
  return result.findings.find((f) => f.id === id)?.severity;
}

test('the good fixture set: every source read and traced, no findings, merged capabilities', async () => {
  const { result, trace, server, ids } = await run({});
  assert.deepEqual(ids, []);
  assert.equal(trace.entries.filter((e) => e.type === 'event').length, 0, 'nothing skipped');
  assert.equal(result.fhirBaseUrl, `${server.url}/fhir`);
  assert.equal(result.endpoints.token, `${server.url}/oauth/token`);
  assert.equal(result.endpoints.authorize, `${server.url}/oauth/authorize`);
  assert.equal(result.endpoints.issuer, `${server.url}/oidc`);
  assert.equal(result.jwks?.keys.length, 2);
  assert.deepEqual(result.codeChallengeMethods, ['S256']);
  assert.ok(result.supportsPermissionV2);
  assert.ok(result.supportsAuthorizePost);
  assert.ok(result.tokenEndpointAuthMethods.includes('private_key_jwt'));
  assert.deepEqual(result.signingAlgs, ['RS384', 'ES384']);
  assert.deepEqual(trace.exchanges().map((e) => e.step).sort(), ['discovery.jwks', 'discovery.metadata', 'discovery.openid-configuration', 'discovery.smart-configuration']);
  const metadata = server.requests.find((r) => r.url === '/fhir/metadata');
  assert.match(String(metadata?.headers.accept), /^application\/fhir\+json/);
  assert.ok(server.requests.some((r) => r.url === '/fhir/.well-known/smart-configuration'), 'the trailing slash of the base is not doubled');
});

test('smart-configuration 404 with working metadata: a warning, endpoints from oauth-uris, no error', async () => {
  const { result, ids, trace } = await run({ '/fhir/.well-known/smart-configuration': { status: 404, body: 'nope' } });
  assert.ok(ids.includes('smart-configuration-missing'));
  const events = trace.entries.filter((e) => e.type === 'event').map((e) => (e.type === 'event' ? `${e.name}: ${e.message}` : ''));
  assert.equal(events.length, 3, events.join('\n'));
  assert.match(events[0] ?? '', /^discovery-fallback: .*HTTP 404.*oauth-uris/);
  assert.match(events[1] ?? '', /^discovery-skipped: no issuer/);
  assert.match(events[2] ?? '', /^discovery-skipped: no jwks_uri/);
  assert.equal(severityOf(result, 'smart-configuration-missing'), 'warning');
  assert.match(result.endpoints.authorize ?? '', /\/oauth\/authorize$/);
  assert.match(result.endpoints.token ?? '', /\/oauth\/token$/);
  assert.ok(!result.findings.some((f) => f.severity === 'error'), JSON.stringify(result.findings));
});

test('plain PKCE is an error finding', async () => {
  const { result } = await run({ '/fhir/.well-known/smart-configuration': fixtureRoute('broken/smart-configuration-plain-pkce.json') });
  assert.equal(severityOf(result, 'pkce-plain-advertised'), 'error');
});

test('http endpoints on a non-loopback host are endpoint-not-https errors', async () => {
  const { result } = await run({ '/fhir/.well-known/smart-configuration': fixtureRoute('broken/smart-configuration-http-endpoints.json') });
  const https = result.findings.filter((f) => f.id === 'endpoint-not-https');
  assert.equal(https.length, 4, JSON.stringify(https.map((f) => f.detail)));
  assert.ok(https.every((f) => f.severity === 'error' && f.detail.includes('http://ehr.example.org')));
  assert.ok(result.findings.some((f) => f.id === 'endpoints-disagree'), 'metadata names the loopback endpoints');
});

test('an OpenID issuer with a trailing slash is issuer-mismatch, saying so', async () => {
  const { result } = await run({ '/oidc/.well-known/openid-configuration': fixtureRoute('broken/openid-configuration-issuer-trailing-slash.json') });
  const f = result.findings.find((x) => x.id === 'issuer-mismatch');
  assert.equal(f?.severity, 'error');
  assert.match(f?.detail ?? '', /only by a trailing slash/);
});

test('JWKS down (503) with sso-openid-connect is jwks-unreachable, an error', async () => {
  const { result } = await run({ '/oidc/jwks': { status: 503, body: 'down' } });
  assert.equal(severityOf(result, 'jwks-unreachable'), 'error');
  assert.match(result.findings.find((f) => f.id === 'jwks-unreachable')?.detail ?? '', /HTTP 503/);
});

test('JWKS with only encryption keys is jwks-no-signing-keys', async () => {
  const { ids } = await run({ '/oidc/jwks': fixtureRoute('broken/jwks-encryption-only.json') });
  assert.deepEqual(ids, ['jwks-no-signing-keys']);
});

test('JWKS with several keys and no kid is jwks-key-without-kid', async () => {
  const { ids } = await run({ '/oidc/jwks': fixtureRoute('broken/jwks-no-kid.json') });
  assert.deepEqual(ids, ['jwks-key-without-kid']);
});

test('metadata naming another token endpoint is endpoints-disagree', async () => {
  const { result } = await run({ '/fhir/metadata': fixtureRoute('broken/metadata-other-token-endpoint.json') });
  const f = result.findings.find((x) => x.id === 'endpoints-disagree');
  assert.match(f?.detail ?? '', /other\/token/);
  assert.match(result.endpoints.token ?? '', /\/oauth\/token$/, 'smart-configuration wins');
});

test('an HTML page from smart-configuration with working metadata is a finding, not an error exit', async () => {
  const { result, ids } = await run({ '/fhir/.well-known/smart-configuration': fixtureRoute('broken/login-page.html') });
  assert.ok(ids.includes('smart-configuration-unreadable'), ids.join(','));
  assert.match(result.findings.find((f) => f.id === 'smart-configuration-unreadable')?.detail ?? '', /not JSON \(text\/html\)/);
  assert.match(result.endpoints.token ?? '', /\/oauth\/token$/);
});

test('HTML from both sources is a network error (not-json)', async () => {
  await assert.rejects(
    run({ '/fhir/.well-known/smart-configuration': fixtureRoute('broken/login-page.html'), '/fhir/metadata': fixtureRoute('broken/login-page.html') }),
    (e: unknown) => isSmartctlError(e) && e.kind === 'network' && e.code === 'not-json',
  );
});

test('a redirect is not followed; the finding names its target', async () => {
  const { result } = await run({ '/fhir/.well-known/smart-configuration': { status: 301, headers: { location: 'https://ehr.example.org/fhir/.well-known/smart-configuration' }, body: '' } });
  const f = result.findings.find((x) => x.id === 'smart-configuration-unreadable');
  assert.equal(f?.severity, 'warning');
  assert.match(f?.detail ?? '', /HTTP 301, redirect to "https:\/\/ehr\.example\.org\/fhir\/\.well-known\/smart-configuration" \(not followed\)/);
});

test('500 from both sources: error findings, no token endpoint, no throw', async () => {
  const { result, ids } = await run({ '/fhir/.well-known/smart-configuration': { status: 500, body: {} }, '/fhir/metadata': { status: 500, body: {} } });
  assert.ok(ids.includes('token-endpoint-not-found'));
  assert.equal(severityOf(result, 'smart-configuration-unreadable'), 'error');
  assert.match(result.findings.find((f) => f.id === 'smart-configuration-unreadable')?.detail ?? '', /HTTP 500/);
});

test('a v1-era smart-configuration: the 2.x required fields are findings', async () => {
  const { result } = await run({ '/fhir/.well-known/smart-configuration': fixtureRoute('broken/smart-configuration-v1-era.json') });
  const missing = result.findings.filter((f) => f.id === 'smart-configuration-field-missing').map((f) => f.title);
  for (const field of ['code_challenge_methods_supported', 'grant_types_supported', 'issuer', 'jwks_uri']) assert.ok(missing.some((t) => t.includes(`"${field}"`)), `${field} in ${missing.join('; ')}`);
  assert.equal(result.openidConfiguration, undefined, 'no issuer, so no OpenID discovery');
});

test('an unreachable server is a network error (connection-refused)', async () => {
  const server = await startStaticServer();
  const url = server.url;
  await server.close();
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 2000 });
  try {
    await assert.rejects(discover(client, `${url}/fhir`), (e: unknown) => isSmartctlError(e) && e.code === 'connection-refused');
  } finally {
    await client.close();
  }
});

test('a server slower than the timeout is a network error (timeout)', async () => {
  const server = await startStaticServer({ '/fhir/.well-known/smart-configuration': { body: {}, delayMs: 2000 }, '/fhir/metadata': { body: {}, delayMs: 2000 } });
  const trace = new Trace();
  const client = new HttpClient({ trace, timeoutMs: 150 });
  try {
    await assert.rejects(discover(client, `${server.url}/fhir`), (e: unknown) => isSmartctlError(e) && e.code === 'timeout');
    assert.equal(trace.exchanges().filter((e) => e.error?.code === 'timeout').length, 2, 'failed exchanges are traced');
  } finally {
    await client.close();
    await server.close();
  }
});

test('a malformed base URL is an input error', async () => {
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 500 });
  try {
    await assert.rejects(discover(client, 'ftp://x/fhir'), (e: unknown) => isSmartctlError(e) && e.kind === 'input' && e.code === 'invalid-url');
  } finally {
    await client.close();
  }
});
