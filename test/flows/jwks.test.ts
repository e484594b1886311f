// Key sets from a file, a URL and an issuer's OpenID discovery, over real HTTP on 127.0.0.1;
// every exchange lands in the trace, and each broken answer is a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jwksFromIssuer, loadJwks } from '../../src/flows/jwks.js';
import { HttpClient } from '../../src/http/client.js';
import { Trace } from '../../src/report/trace.js';
import { isSmartctlError } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { startStaticServer } from '../helpers/static-server.js';

const publicJwks = JSON.parse(readFileSync(path.join(REPO_ROOT, 'fixtures/keys/public.jwks.json'), 'utf8')) as { keys: unknown[] };

async function expectError(promise: Promise<unknown>, kind: string, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => isSmartctlError(e) && e.kind === kind && e.code === code);
}

test('a JWKS by URL and by issuer discovery, each exchange traced', async () => {
  const server = await startStaticServer({
    '/jwks': { body: publicJwks },
    '/oidc/.well-known/openid-configuration': (o) => ({ body: { issuer: `${o}/oidc`, jwks_uri: `${o}/jwks` } }),
  });
  const trace = new Trace();
  const client = new HttpClient({ trace, timeoutMs: 3000 });
  try {
    const byUrl = await loadJwks(client, `${server.url}/jwks`);
    assert.equal(byUrl.jwks.keys.length, 2);
    assert.equal(byUrl.from, `${server.url}/jwks`);
    const byIssuer = await jwksFromIssuer(client, `${server.url}/oidc/`);
    assert.equal(byIssuer.from, `${server.url}/jwks`);
    assert.equal(byIssuer.issuer, `${server.url}/oidc/`);
    assert.deepEqual(trace.exchanges().map((e) => e.step), ['jwks', 'openid-configuration', 'jwks']);
  } finally {
    await client.close();
    await server.close();
  }
});

test('broken key sets: no keys, not JSON, no jwks_uri, HTTP error, unreachable', async () => {
  const server = await startStaticServer({
    '/empty': { body: { keys: [] } },
    '/html': { body: '<html>login</html>', headers: { 'content-type': 'text/html' } },
    '/nokeys/.well-known/openid-configuration': { body: { issuer: 'x' } },
  });
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 3000 });
  try {
    await expectError(loadJwks(client, `${server.url}/empty`), 'network', 'jwks-invalid');
    await expectError(loadJwks(client, `${server.url}/html`), 'network', 'not-json');
    await expectError(jwksFromIssuer(client, `${server.url}/nokeys`), 'network', 'jwks-uri-missing');
    await expectError(loadJwks(client, `${server.url}/missing`), 'network', 'http-status');
  } finally {
    await server.close();
  }
  await assert.rejects(loadJwks(client, `${server.url}/jwks`), (e: unknown) => isSmartctlError(e) && e.kind === 'network');
  await client.close();
});

test('a JWKS file: read, or an input error for a missing file and a set without keys', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smartctl-jwks-flow-'));
  writeFileSync(path.join(dir, 'empty.json'), '{"keys":[]}');
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 3000 });
  try {
    const ok = await loadJwks(client, path.join(REPO_ROOT, 'fixtures/keys/public.jwks.json'));
    assert.equal(ok.jwks.keys.length, 2);
    await assert.rejects(loadJwks(client, path.join(dir, 'empty.json')), (e: unknown) => isSmartctlError(e) && e.kind === 'input');
    await assert.rejects(loadJwks(client, path.join(dir, 'absent.json')), (e: unknown) => isSmartctlError(e) && e.kind === 'input');
  } finally {
    await client.close();
  }
});
