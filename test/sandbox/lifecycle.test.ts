import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { startSandbox } from '../../src/sandbox/index.js';

describe('sandbox lifecycle', () => {
  it('binds 127.0.0.1 on a free port by default', async () => {
    const sb = await startSandbox();
    try {
      assert.match(sb.fhirBaseUrl, /^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
      assert.match(sb.issuer, /^http:\/\/127\.0\.0\.1:\d+\/oauth$/);
      assert.match(sb.ehrLaunchUrl, /^http:\/\/127\.0\.0\.1:\d+\/ehr\/launch$/);
      assert.deepEqual(sb.demoClients, { public: 'smartctl-public', confidential: 'smartctl-confidential', backend: 'smartctl-backend' });
    } finally {
      await sb.close();
    }
  });

  it('writes the backend client key with mode 0600 and removes it on close', async () => {
    const sb = await startSandbox();
    const file = sb.clients.find((c) => c.client_id === sb.demoClients.backend)?.private_key_file ?? '';
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    await sb.close();
    assert.ok(!existsSync(file));
  });

  it('close() ends idle keep-alive connections and is idempotent', async () => {
    const sb = await startSandbox();
    const url = new URL(`${sb.fhirBaseUrl}/.well-known/smart-configuration`);
    const socketClosed = await new Promise<Promise<void>>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { connection: 'keep-alive' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(new Promise<void>((done) => req.socket?.once('close', () => done()))));
      });
      req.on('error', reject);
      req.end();
    });
    await Promise.all([sb.close(), sb.close()]);
    await socketClosed;
    await assert.rejects(fetch(url));
  });

  it('reports a port in use as a usage error', async () => {
    const sb = await startSandbox();
    const port = Number(new URL(sb.issuer).port);
    try {
      await assert.rejects(startSandbox({ port }), (e: Error & { code?: string; kind?: string }) => {
        assert.equal(e.code, 'sandbox-port-in-use');
        assert.equal(e.kind, 'usage');
        assert.match(e.message, new RegExp(`port ${port}`));
        return true;
      });
    } finally {
      await sb.close();
    }
  });

  it('two sandboxes are independent: one\'s tokens mean nothing to the other', async () => {
    const [a, b] = await Promise.all([startSandbox(), startSandbox()]);
    try {
      assert.notEqual(a.issuer, b.issuer);
      const secretA = a.clients.find((c) => c.client_id === a.demoClients.confidential)?.client_secret;
      const secretB = b.clients.find((c) => c.client_id === b.demoClients.confidential)?.client_secret;
      assert.notEqual(secretA, secretB);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
