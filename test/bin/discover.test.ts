import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonOutput, runCli } from '../helpers/run-cli.js';
import { startStaticServer } from '../helpers/static-server.js';
import { goodDiscoveryRoutes, smartConfigurationFor } from '../helpers/smart-documents.js';

test('discover: a good server exits 0 with the JSON shape', async () => {
  const server = await startStaticServer(goodDiscoveryRoutes());
  try {
    const r = await runCli(['discover', `${server.url}/fhir`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = parseJsonOutput(r);
    assert.equal(doc['command'], 'discover');
    assert.equal(doc['ok'], true);
    assert.ok(Array.isArray(doc['findings']));
    assert.match((doc['endpoints'] as Record<string, string>)['token'] ?? '', /oauth\/token/);
    assert.ok(Array.isArray(doc['trace']));
  } finally {
    await server.close();
  }
});

test('discover: an error finding exits 1 and the human view explains it', async () => {
  const server = await startStaticServer({ ...goodDiscoveryRoutes(), '/fhir/.well-known/smart-configuration': (o) => ({ body: smartConfigurationFor(o, { code_challenge_methods_supported: ['plain'] }) }) });
  try {
    const r = await runCli(['discover', `${server.url}/fhir`]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /pkce-s256-not-advertised/);
    assert.match(r.stdout, /What an app can expect/);
  } finally {
    await server.close();
  }
});

test('discover: a malformed URL exits 2', async () => {
  const r = await runCli(['discover', 'not a url']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not an absolute URL/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('discover: refused port and timeout exit 3 with the cause', async () => {
  const server = await startStaticServer({ '/slow/.well-known/smart-configuration': { body: {}, delayMs: 3000 }, '/slow/metadata': { body: {}, delayMs: 3000 } });
  const closed = await startStaticServer();
  const closedUrl = closed.url;
  await closed.close();
  try {
    const refused = await runCli(['discover', `${closedUrl}/fhir`]);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /refused/);
    const slow = await runCli(['discover', `${server.url}/slow`, '--timeout', '200']);
    assert.equal(slow.code, 3);
    assert.match(slow.stderr, /did not answer within 200 ms/);
  } finally {
    await server.close();
  }
});
