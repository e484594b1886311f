// Client authentication details beyond the token tests: a client registered with
// jwks_uri (fetched from a real server on 127.0.0.1), RS384 assertions, and
// Basic credentials with form-encoded ids and secrets (RFC 6749 §2.3.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { exportJWK, exportPKCS8, generateKeyPair, SignJWT } from 'jose';
import fc from 'fast-check';
import { startSandbox } from '../../src/sandbox/index.js';
import { parseBasic } from '../../src/sandbox/client-auth.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { backendToken, clientAssertion, postForm, tokenUrl } from './helpers.js';

describe('sandbox client authentication', () => {
  let sb: SandboxHandle;
  let jwksServer: StaticServer;
  let remotePem: string;
  let rsaPem: string;
  before(async () => {
    const remote = await generateKeyPair('ES384', { extractable: true });
    remotePem = await exportPKCS8(remote.privateKey);
    jwksServer = await startStaticServer({ '/jwks.json': { body: { keys: [{ ...(await exportJWK(remote.publicKey)), kid: 'remote-1', alg: 'ES384' }] } } });
    const rsa = await generateKeyPair('RS384', { extractable: true });
    rsaPem = await exportPKCS8(rsa.privateKey);
    sb = await startSandbox({
      clients: [
        { client_id: 'remote-keys', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${jwksServer.url.replace(/\/$/, '')}/jwks.json`, redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/*.rs' },
        { client_id: 'rsa-client', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS384' }] }, redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/*.rs' },
        { client_id: 'id with:colon', client_secret: 'sec ret+&=', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [], grant_types: ['client_credentials'], scope: 'system/*.rs' },
      ],
    });
  });
  after(async () => {
    await sb.close();
    await jwksServer.close();
  });

  async function assertionFor(clientId: string, pem: string, alg: string, kid: string): Promise<string> {
    const { importPKCS8 } = await import('jose');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: clientId, sub: clientId, aud: tokenUrl(sb), exp: now + 200, iat: now, jti: randomUUID() }).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(await importPKCS8(pem, alg));
  }

  it('verifies an assertion against a jwks_uri', async () => {
    const res = await backendToken(sb, await assertionFor('remote-keys', remotePem, 'ES384', 'remote-1'));
    assert.equal(res.status, 200, res.text);
    assert.ok(jwksServer.requests.some((r) => r.url.endsWith('/jwks.json')));
    const unknownKid = await backendToken(sb, await assertionFor('remote-keys', remotePem, 'ES384', 'remote-2'));
    assert.equal(unknownKid.status, 401);
    assert.match(String(unknownKid.json['error_description']), /kid "remote-2"/);
  });

  it('accepts RS384 assertions', async () => {
    const res = await backendToken(sb, await assertionFor('rsa-client', rsaPem, 'RS384', 'rsa-1'));
    assert.equal(res.status, 200, res.text);
  });

  it('refuses an assertion signed for one client but claiming another', async () => {
    const res = await backendToken(sb, await assertionFor('rsa-client', rsaPem, 'RS384', 'rsa-1'), 'system/*.rs');
    assert.equal(res.status, 200);
    const mismatch = await postForm(tokenUrl(sb), { grant_type: 'client_credentials', scope: 'system/*.rs', client_id: 'smartctl-backend', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertionFor('rsa-client', rsaPem, 'RS384', 'rsa-1') });
    assert.equal(mismatch.status, 401);
    assert.match(String(mismatch.json['error_description']), /iss\/sub is not the client id.*\(assertion-iss-sub-mismatch\)/);
    const wrongType = await postForm(tokenUrl(sb), { grant_type: 'client_credentials', client_assertion_type: 'jwt', client_assertion: await clientAssertion(sb) });
    assert.match(String(wrongType.json['error_description']), /client_assertion_type: expected/);
  });

  it('decodes form-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    const basic = Buffer.from(`${encodeURIComponent('id with:colon')}:${encodeURIComponent('sec ret+&=')}`).toString('base64');
    const res = await postForm(tokenUrl(sb), { grant_type: 'client_credentials', scope: 'system/*.rs' }, { authorization: `Basic ${basic}` });
    assert.equal(res.status, 200, res.text);
  });

  it('parseBasic never throws on any header value', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const parsed = parseBasic(`Basic ${value}`);
        if (parsed !== undefined) assert.equal(typeof parsed.id, 'string');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), (id, secret) => {
        fc.pre(id.length > 0);
        const header = `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
        assert.deepEqual(parseBasic(header), { id, secret });
      }),
      { numRuns: 300 },
    );
  });
});
