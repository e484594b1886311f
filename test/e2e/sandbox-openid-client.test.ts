// Independence: openid-client (which smartctl does not contain) completes an
// authorization-code + PKCE flow against the sandbox, validates the id_token,
// refreshes, and does client_credentials with private_key_jwt. The test does the
// authorize GET itself (with the x-sandbox-auto-approve header) and hands the
// redirect to openid-client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as client from 'openid-client';
import { importPKCS8 } from 'jose';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';

const REDIRECT = 'http://127.0.0.1:7654/callback';

async function followAuthorize(url: URL): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual', headers: { 'x-sandbox-auto-approve': '1' } });
  await res.text();
  assert.equal(res.status, 302);
  return new URL(res.headers.get('location') ?? '');
}

async function publicConfig(sb: SandboxHandle): Promise<client.Configuration> {
  return client.discovery(new URL(sb.issuer), sb.demoClients.public, undefined, client.None(), { execute: [client.allowInsecureRequests] });
}

async function startFlow(sb: SandboxHandle, config: client.Configuration): Promise<{ callback: URL; verifier: string; state: string; nonce: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid fhirUser launch/patient offline_access patient/*.rs',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    aud: sb.fhirBaseUrl,
  });
  return { callback: await followAuthorize(url), verifier, state, nonce };
}

describe('openid-client against the sandbox', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());

  it('authorization code + PKCE, id_token validated, then refresh', async () => {
    const config = await publicConfig(sb);
    const { callback, verifier, state, nonce } = await startFlow(sb, config);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }, { redirect_uri: REDIRECT });
    const claims = tokens.claims();
    assert.ok(claims !== undefined);
    assert.equal(claims.iss, sb.issuer);
    assert.equal(claims.aud, sb.demoClients.public);
    assert.equal(claims.nonce, nonce);
    assert.match(String(claims['fhirUser']), /\/fhir\/(Practitioner|Patient)\//);
    assert.equal(typeof tokens['patient'], 'string');
    assert.ok(tokens.refresh_token);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.access_token);
    assert.notEqual(refreshed.access_token, tokens.access_token);
    assert.equal(refreshed.scope, tokens.scope);

    const read = await client.fetchProtectedResource(config, refreshed.access_token, new URL(`${sb.fhirBaseUrl}/Patient/${String(tokens['patient'])}`), 'GET');
    assert.equal(read.status, 200);
  });

  it('client_credentials with private_key_jwt (ES384, assertion aud = token endpoint as SMART requires)', async () => {
    const backend = sb.clients.find((c) => c.client_id === sb.demoClients.backend);
    assert.ok(backend?.private_key_file !== undefined);
    const kid = String(backend.jwks?.keys[0]?.['kid']);
    const key = await importPKCS8(await readFile(backend.private_key_file, 'utf8'), 'ES384');
    const tokenEndpoint = `${sb.issuer}/token`;
    const auth = client.PrivateKeyJwt({ key, kid }, {
      [client.modifyAssertion]: (_header, payload) => {
        payload.aud = tokenEndpoint;
      },
    });
    const config = await client.discovery(new URL(sb.issuer), backend.client_id, undefined, auth, { execute: [client.allowInsecureRequests] });
    const tokens = await client.clientCredentialsGrant(config, { scope: 'system/*.rs' });
    assert.ok(tokens.access_token);
    assert.equal(tokens.scope, 'system/*.rs');
    assert.equal(tokens.token_type, 'bearer');
  });

  it('refuses the id_token of a sandbox running the id-token-wrong-aud fault', async () => {
    const faulty = await startSandbox({ faults: ['id-token-wrong-aud'] });
    try {
      const config = await publicConfig(faulty);
      const { callback, verifier, state, nonce } = await startFlow(faulty, config);
      await assert.rejects(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }, { redirect_uri: REDIRECT }), (e: Error & { code?: string; cause?: { cause?: { claim?: string } } }) => {
        assert.equal(e.code, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
        assert.equal(e.cause?.cause?.claim, 'aud');
        return true;
      });
    } finally {
      await faulty.close();
    }
  });
});
