import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';

describe('sandbox discovery', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({});
  });
  after(() => sb.close());

  it('serves smart-configuration with SMART 2.x fields and true capabilities', async () => {
    const res = await fetch(`${sb.fhirBaseUrl}/.well-known/smart-configuration`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Record<string, unknown>;
    assert.equal(doc['issuer'], sb.issuer);
    assert.equal(doc['authorization_endpoint'], `${sb.issuer}/authorize`);
    assert.equal(doc['token_endpoint'], `${sb.issuer}/token`);
    assert.equal(doc['jwks_uri'], `${sb.issuer}/jwks`);
    assert.deepEqual(doc['code_challenge_methods_supported'], ['S256']);
    assert.deepEqual(doc['token_endpoint_auth_signing_alg_values_supported'], ['RS384', 'ES384']);
    const caps = doc['capabilities'] as string[];
    for (const c of ['launch-ehr', 'launch-standalone', 'authorize-post', 'client-public', 'client-confidential-asymmetric', 'sso-openid-connect', 'permission-v1', 'permission-v2', 'context-standalone-patient']) {
      assert.ok(caps.includes(c), `capability ${c}`);
    }
  });

  it('serves openid-configuration whose issuer is the issuer', async () => {
    const res = await fetch(`${sb.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Record<string, unknown>;
    assert.equal(doc['issuer'], sb.issuer);
    assert.deepEqual(doc['id_token_signing_alg_values_supported'], ['RS256']);
    assert.deepEqual(doc['response_types_supported'], ['code']);
  });

  it('serves a JWKS with one public RS256 key', async () => {
    const res = await fetch(`${sb.issuer}/jwks`);
    assert.equal(res.status, 200);
    const jwks = (await res.json()) as { keys: Array<Record<string, unknown>> };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]?.['alg'], 'RS256');
    assert.equal(typeof jwks.keys[0]?.['kid'], 'string');
    assert.equal(jwks.keys[0]?.['d'], undefined);
  });

  it('mounts the FHIR API: metadata names the token endpoint', async () => {
    const res = await fetch(`${sb.fhirBaseUrl}/metadata`);
    assert.equal(res.status, 200);
    assert.ok((await res.text()).includes(`${sb.issuer}/token`));
  });

  it('advertises only the scope syntax it grants with --scopes v2', async () => {
    const v2 = await startSandbox({ scopes: 'v2' });
    try {
      const doc = (await (await fetch(`${v2.fhirBaseUrl}/.well-known/smart-configuration`)).json()) as Record<string, unknown>;
      const caps = doc['capabilities'] as string[];
      assert.ok(caps.includes('permission-v2'));
      assert.ok(!caps.includes('permission-v1'));
    } finally {
      await v2.close();
    }
  });

  it('answers 404 with an HTML page for unknown paths and serves error_uri pages', async () => {
    const missing = await fetch(`${sb.issuer}/nothing-here`);
    assert.equal(missing.status, 404);
    await missing.text();
    const page = await fetch(`${sb.issuer}/errors/invalid-authorization-header`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /client_assertion/);
    const unknown = await fetch(`${sb.issuer}/errors/no-such-error`);
    assert.equal(unknown.status, 404);
    await unknown.text();
  });
});
