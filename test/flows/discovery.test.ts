// discover() against real HTTP servers on 127.0.0.1 serving good and broken documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discover } from '../../src/flows/discovery.js';
import { HttpClient } from '../../src/http/client.js';
import { Trace } from '../../src/report/trace.js';
import { isSmartctlError } from '../../src/errors.js';
import { startStaticServer, type StaticRoute } from '../helpers/static-server.js';
import { goodDiscoveryRoutes, smartConfigurationFor } from '../helpers/smart-documents.js';

async function run(routes: Record<string, StaticRoute | ((o: string) => StaticRoute)>, timeoutMs = 3000) {
  const server = await startStaticServer({ ...goodDiscoveryRoutes(), ...routes });
  const trace = new Trace();
  const client = new HttpClient({ trace, timeoutMs });
  try {
    const result = await discover(client, `${server.url}/fhir`);
    return { result, trace, ids: result.findings.map((f) => f.id) };
  } finally {
    await client.close();
    await server.close();
  }
}

test('a complete server: endpoints from every source, no findings, all four fetches traced', async () => {
  const { result, trace, ids } = await run({});
  assert.deepEqual(ids, []);
  assert.match(result.endpoints.token ?? '', /\/oauth\/token$/);
  assert.equal(result.jwks?.keys.length, 1);
  assert.deepEqual(
    trace.exchanges().map((e) => e.step).sort(),
    ['discovery.jwks', 'discovery.metadata', 'discovery.openid-configuration', 'discovery.smart-configuration'],
  );
});

test('smart-configuration 404 with working metadata: a warning and the metadata endpoints', async () => {
  const { result, ids } = await run({ '/fhir/.well-known/smart-configuration': { status: 404, body: 'nope' } });
  assert.ok(ids.includes('smart-configuration-missing'));
  assert.match(result.endpoints.authorize ?? '', /\/oauth\/authorize$/);
  assert.ok(!result.findings.some((f) => f.severity === 'error'), JSON.stringify(result.findings));
});

test('plain PKCE, issuer mismatch and JWKS down are all reported', async () => {
  const { ids } = await run({
    '/fhir/.well-known/smart-configuration': (o) => ({ body: smartConfigurationFor(o, { code_challenge_methods_supported: ['S256', 'plain'] }) }),
    '/oidc/.well-known/openid-configuration': (o) => ({ body: { issuer: `${o}/oidc/` } }),
    '/oidc/jwks': { status: 503, body: 'down' },
  });
  for (const id of ['pkce-plain-advertised', 'issuer-mismatch', 'jwks-unreachable']) assert.ok(ids.includes(id), `${id} in ${ids.join(',')}`);
});

test('HTML instead of JSON from both sources is a network error (not-json)', async () => {
  await assert.rejects(
    run({ '/fhir/.well-known/smart-configuration': { body: '<html>login</html>' }, '/fhir/metadata': { body: '<html>login</html>' } }),
    (e: unknown) => isSmartctlError(e) && e.kind === 'network' && e.code === 'not-json',
  );
});

test('500 from both sources: findings, no token endpoint', async () => {
  const { ids } = await run({ '/fhir/.well-known/smart-configuration': { status: 500, body: {} }, '/fhir/metadata': { status: 500, body: {} } });
  assert.ok(ids.includes('token-endpoint-not-found'));
});

test('an unreachable server is a network error', async () => {
  const server = await startStaticServer();
  const url = server.url;
  await server.close();
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 2000 });
  await assert.rejects(discover(client, `${url}/fhir`), (e: unknown) => isSmartctlError(e) && e.code === 'connection-refused');
  await client.close();
});
