// Exit codes of hostile discovery, `smartctl discover` as a subprocess against small
// servers on 127.0.0.1. A source that cannot be reached or whose answer is not JSON at
// all is exit 3 — the JWKS and the openid-configuration as well as smart-configuration
// (regression: 0 or 1 before). An HTTP error status smartctl can diagnose (both
// smart-configuration and metadata answering 404 or 302) is a finding: exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';
import { startStaticServer, type StaticRoute } from '../helpers/static-server.js';
import { discoveryFixtureText, fixtureDiscoveryRoutes } from '../helpers/discovery-fixtures.js';

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const HTML_200: StaticRoute = { body: '<html><body>Sign in</body></html>', headers: { 'content-type': 'text/html' } };

function smartConfigWith(overrides: Record<string, unknown>): (origin: string) => StaticRoute {
  return (origin) => ({ body: { ...(JSON.parse(discoveryFixtureText('good/smart-configuration.json', origin)) as object), ...overrides } });
}

function assertShortError(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.ok(stderr.trim().split('\n').length <= 3, stderr);
}

const dead = await closedPort();
const cases: Array<{ name: string; routes: Record<string, StaticRoute | ((origin: string) => StaticRoute)>; code: number; stderr?: RegExp; finding?: string }> = [
  { name: 'JWKS unreachable (connection refused)', routes: { '/fhir/.well-known/smart-configuration': smartConfigWith({ jwks_uri: `http://127.0.0.1:${dead}/jwks` }) }, code: 3, stderr: /JWKS.*cannot be reached/ },
  { name: 'JWKS hangs up without answering', routes: { '/oidc/jwks': { hangUp: true } }, code: 3, stderr: /JWKS.*cannot be reached/ },
  { name: 'JWKS is an HTML page', routes: { '/oidc/jwks': HTML_200 }, code: 3, stderr: /JWKS.*did not answer JSON/ },
  { name: 'JWKS is an empty body', routes: { '/oidc/jwks': { body: '' } }, code: 3, stderr: /JWKS.*did not answer JSON/ },
  { name: 'openid-configuration unreachable', routes: { '/fhir/.well-known/smart-configuration': smartConfigWith({ issuer: `http://127.0.0.1:${dead}/oidc` }) }, code: 3, stderr: /openid-configuration.*cannot be reached/ },
  { name: 'openid-configuration is an HTML page', routes: { '/oidc/.well-known/openid-configuration': HTML_200 }, code: 3, stderr: /openid-configuration.*did not answer JSON/ },
  { name: 'smart-configuration and metadata unreachable', routes: { '/fhir/.well-known/smart-configuration': { hangUp: true }, '/fhir/metadata': { hangUp: true } }, code: 3 },
  { name: 'smart-configuration and metadata are HTML pages', routes: { '/fhir/.well-known/smart-configuration': HTML_200, '/fhir/metadata': HTML_200 }, code: 3, stderr: /without JSON/ },
  { name: 'smart-configuration and metadata answer 404', routes: { '/fhir/.well-known/smart-configuration': { status: 404, body: 'not found' }, '/fhir/metadata': { status: 404, body: 'not found' } }, code: 1, finding: 'smart-configuration-missing' },
  { name: 'smart-configuration and metadata answer 302 to a login page', routes: { '/fhir/.well-known/smart-configuration': { status: 302, headers: { location: '/login' } }, '/fhir/metadata': { status: 302, headers: { location: '/login' } } }, code: 1, finding: 'smart-configuration-unreadable' },
  { name: 'JWKS answers 503 (a status smartctl diagnoses)', routes: { '/oidc/jwks': { status: 503, body: 'down' } }, code: 1, finding: 'jwks-unreachable' },
];

for (const c of cases) {
  test(`discover: ${c.name} → exit ${c.code}`, async () => {
    const server = await startStaticServer(fixtureDiscoveryRoutes(c.routes));
    try {
      const r = await runCli(['discover', `${server.url}/fhir`, '--timeout', '3000', ...(c.code === 3 ? [] : ['--json'])]);
      assert.equal(r.code, c.code, `${r.stdout}\n${r.stderr}`);
      if (c.code === 3) {
        assertShortError(r.stderr);
        if (c.stderr !== undefined) assert.match(r.stderr, c.stderr);
      }
      if (c.finding !== undefined) {
        const doc = parseJsonOutput(r);
        const f = (doc['findings'] as Array<{ id: string; severity: string }>).find((x) => x.id === c.finding);
        assert.equal(f?.severity, 'error', `${c.finding} in ${JSON.stringify(doc['findings'])}`);
      }
    } finally {
      await server.close();
    }
  });
}

test('launch: an unreachable JWKS is exit 3 too (the same discovery)', async () => {
  const server = await startStaticServer(fixtureDiscoveryRoutes({ '/oidc/jwks': { hangUp: true } }));
  try {
    const r = await runCli(['launch', '--iss', `${server.url}/fhir`, '--client-id', 'app', '--headless', '--callback-timeout', '5']);
    assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.match(r.stderr, /smartctl: the server JWKS \(jwks_uri\) .* cannot be reached/);
  } finally {
    await server.close();
  }
});
