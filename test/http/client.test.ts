// The traced client against real servers on 127.0.0.1: every failure kind becomes a
// network error with a stable code, and lands in the trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../src/http/client.js';
import { Trace } from '../../src/report/trace.js';
import { isSmartctlError } from '../../src/errors.js';
import { startStaticServer } from '../helpers/static-server.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

async function expectNetworkError(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isSmartctlError(error), `expected SmartctlError, got ${String(error)}`);
    assert.equal(error.kind, 'network');
    assert.equal(error.code, code);
    return true;
  });
}

test('a successful exchange is recorded with request, response and timing', async () => {
  const server = await startStaticServer({ '/x': { body: { hello: 'world' }, headers: { 'x-test': '1' } } });
  const trace = new Trace();
  const client = new HttpClient({ trace, timeoutMs: 2000 });
  try {
    const { json } = await client.requestJson({ step: 'test.get', url: `${server.url}/x` });
    assert.deepEqual(json, { hello: 'world' });
    const [entry] = trace.exchanges();
    assert.equal(entry?.step, 'test.get');
    assert.equal(entry?.response?.status, 200);
    assert.equal(entry?.response?.headers['x-test'], '1');
    assert.ok((entry?.durationMs ?? -1) >= 0);
  } finally {
    await client.close();
    await server.close();
  }
});

test('form bodies are sent as application/x-www-form-urlencoded and recorded', async () => {
  const server = await startStaticServer({ '/token': { body: { ok: true } } });
  const trace = new Trace();
  const client = new HttpClient({ trace, timeoutMs: 2000 });
  try {
    await client.request({ step: 'token', url: `${server.url}/token`, body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    assert.equal(server.requests[0]?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(server.requests[0]?.body, 'grant_type=client_credentials');
    assert.equal(trace.exchanges()[0]?.request.body, 'grant_type=client_credentials');
  } finally {
    await client.close();
    await server.close();
  }
});

test('connection refused', async () => {
  const server = await startStaticServer();
  const url = server.url;
  await server.close();
  const trace = new Trace();
  const client = new HttpClient({ trace, timeoutMs: 2000 });
  await expectNetworkError(client.request({ step: 's', url }), 'connection-refused');
  assert.equal(trace.exchanges()[0]?.error?.code, 'connection-refused');
  await client.close();
});

test('timeout', async () => {
  const server = await startStaticServer({ '/slow': { body: {}, delayMs: 1500 } });
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 200 });
  try {
    await expectNetworkError(client.request({ step: 's', url: `${server.url}/slow` }), 'timeout');
  } finally {
    await client.close();
    await server.close();
  }
});

test('a non-JSON answer where JSON is required', async () => {
  const server = await startStaticServer({ '/html': { body: '<html>login</html>', headers: { 'content-type': 'text/html' } } });
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 2000 });
  try {
    await expectNetworkError(client.requestJson({ step: 's', url: `${server.url}/html` }), 'not-json');
    await expectNetworkError(client.requestJson({ step: 's', url: `${server.url}/missing` }), 'http-status');
  } finally {
    await client.close();
    await server.close();
  }
});

test('a server that hangs up', async () => {
  const server = await startStaticServer({ '/bye': { hangUp: true } });
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 2000 });
  try {
    await expectNetworkError(client.request({ step: 's', url: `${server.url}/bye` }), 'connection-reset');
  } finally {
    await client.close();
    await server.close();
  }
});

test('TLS is verified by default and skipped only with insecure', async () => {
  const server = https.createServer(
    { key: readFileSync(path.join(REPO_ROOT, 'fixtures/tls/localhost.key.pem')), cert: readFileSync(path.join(REPO_ROOT, 'fixtures/tls/localhost.cert.pem')) },
    (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"tls":true}'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const strict = new HttpClient({ trace: new Trace(), timeoutMs: 2000 });
  const lax = new HttpClient({ trace: new Trace(), timeoutMs: 2000, insecure: true });
  try {
    await expectNetworkError(strict.request({ step: 's', url }), 'tls-failure');
    const { json } = await lax.requestJson({ step: 's', url });
    assert.deepEqual(json, { tls: true });
  } finally {
    await strict.close();
    await lax.close();
    server.closeAllConnections();
    server.close();
  }
});

test('a URL that is not http(s) is an input error', async () => {
  const client = new HttpClient({ trace: new Trace(), timeoutMs: 2000 });
  await assert.rejects(client.request({ step: 's', url: 'ftp://example.org/x' }), (e: unknown) => isSmartctlError(e) && e.kind === 'input' && e.code === 'invalid-url');
  await assert.rejects(client.request({ step: 's', url: 'not a url' }), (e: unknown) => isSmartctlError(e) && e.code === 'invalid-url');
  await client.close();
});
