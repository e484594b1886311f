// `smartctl discover` as a subprocess: exit codes 0/1/2/3, the --json shape, errors in one or two lines.
import { test } from 'node:test';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { parseJsonOutput, REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { startStaticServer } from '../helpers/static-server.js';
import { fixtureDiscoveryRoutes, fixtureRoute } from '../helpers/discovery-fixtures.js';

function assertShortError(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.ok(stderr.trim().split('\n').length <= 3, stderr);
}

test('discover: a good server exits 0 with the JSON shape', async () => {
  const server = await startStaticServer(fixtureDiscoveryRoutes());
  try {
    const r = await runCli(['discover', `${server.url}/fhir`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = parseJsonOutput(r);
    assert.equal(doc['command'], 'discover');
    assert.equal(doc['ok'], true);
    assert.deepEqual(doc['findings'], []);
    assert.equal(doc['fhirBaseUrl'], `${server.url}/fhir`);
    assert.equal((doc['endpoints'] as Record<string, string>)['token'], `${server.url}/oauth/token`);
    assert.ok((doc['capabilities'] as Array<{ name: string }>).some((c) => c.name === 'sso-openid-connect'));
    assert.ok((doc['expectations'] as Array<{ topic: string }>).some((e) => e.topic === 'PKCE (S256)'));
    assert.deepEqual(doc['codeChallengeMethods'], ['S256']);
    for (const key of ['smartConfiguration', 'capabilityStatement', 'openidConfiguration', 'jwks']) assert.equal(typeof doc[key], 'object', key);
    assert.equal((doc['trace'] as unknown[]).length, 4);
  } finally {
    await server.close();
  }
});

test('discover: the human view shows endpoints, capabilities and expectations', async () => {
  const server = await startStaticServer(fixtureDiscoveryRoutes());
  try {
    const r = await runCli(['discover', `${server.url}/fhir`]);
    assert.equal(r.code, 0, r.stderr);
    for (const text of ['Endpoints of', '/oauth/token', 'What an app can expect', 'client-confidential-asymmetric', 'signed JWT']) assert.ok(r.stdout.includes(text), text);
  } finally {
    await server.close();
  }
});

test('discover: an error finding exits 1 and names it', async () => {
  const server = await startStaticServer(fixtureDiscoveryRoutes({ '/fhir/.well-known/smart-configuration': fixtureRoute('broken/smart-configuration-no-s256.json') }));
  try {
    const r = await runCli(['discover', `${server.url}/fhir`]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /pkce-s256-not-advertised/);
    const json = parseJsonOutput(await runCli(['discover', `${server.url}/fhir`, '--json']));
    assert.equal(json['ok'], false);
  } finally {
    await server.close();
  }
});

test('discover: a malformed URL or a missing argument exits 2', async () => {
  const bad = await runCli(['discover', 'not a url']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not an absolute URL/);
  assertShortError(bad.stderr);
  const ftp = await runCli(['discover', 'ftp://ehr.example.org/fhir']);
  assert.equal(ftp.code, 2);
  assert.match(ftp.stderr, /must use http or https/);
  const none = await runCli(['discover']);
  assert.equal(none.code, 2);
});

test('discover: refused port, timeout and HTML-only answers exit 3 with the cause', async () => {
  const server = await startStaticServer({
    '/slow/.well-known/smart-configuration': { body: {}, delayMs: 3000 },
    '/slow/metadata': { body: {}, delayMs: 3000 },
    '/html/.well-known/smart-configuration': fixtureRoute('broken/login-page.html'),
    '/html/metadata': fixtureRoute('broken/login-page.html'),
  });
  const closed = await startStaticServer();
  const closedUrl = closed.url;
  await closed.close();
  try {
    const refused = await runCli(['discover', `${closedUrl}/fhir`]);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /refused/);
    assertShortError(refused.stderr);
    const slow = await runCli(['discover', `${server.url}/slow`, '--timeout', '200']);
    assert.equal(slow.code, 3);
    assert.match(slow.stderr, /did not answer within 200 ms/);
    assertShortError(slow.stderr);
    const html = await runCli(['discover', `${server.url}/html`]);
    assert.equal(html.code, 3);
    assert.match(html.stderr, /without JSON/);
    assertShortError(html.stderr);
  } finally {
    await server.close();
  }
});

test('discover: an untrusted TLS certificate exits 3 (tls-failure); --insecure reads it', async () => {
  const tls = path.join(REPO_ROOT, 'fixtures', 'tls');
  const server = https.createServer({ cert: readFileSync(path.join(tls, 'localhost.cert.pem')), key: readFileSync(path.join(tls, 'localhost.key.pem')) }, (req, res) => {
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const route = fixtureDiscoveryRoutes()[req.url ?? ''];
    const answer = typeof route === 'function' ? route(origin) : route;
    if (answer === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(String(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  try {
    const strict = await runCli(['discover', base]);
    assert.equal(strict.code, 3, strict.stderr);
    assert.match(strict.stderr, /TLS verification of 127\.0\.0\.1:\d+ failed/);
    assertShortError(strict.stderr);
    const insecure = await runCli(['discover', base, '--insecure', '--json']);
    assert.equal(insecure.code, 0, insecure.stderr);
    assert.equal((parseJsonOutput(insecure)['endpoints'] as Record<string, string>)['token'], `${base.replace('/fhir', '')}/oauth/token`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('discover: a host that does not resolve exits 3 (dns-failure)', async () => {
  const r = await runCli(['discover', 'https://smartctl-test.invalid/fhir', '--timeout', '3000']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /cannot resolve host "smartctl-test\.invalid"|did not answer within 3000 ms/);
  assertShortError(r.stderr);
});

test('discover --help has examples', async () => {
  const r = await runCli(['discover', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /smartctl discover https:\/\//);
});
