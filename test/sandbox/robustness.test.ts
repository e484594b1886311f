// Whatever a client sends, the sandbox answers with a 2xx-4xx (never a 500 or a
// dropped connection): authorize, token, introspect and revoke under random input.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';

const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'aud', 'code_challenge', 'code_challenge_method', 'launch', 'nonce', 'prompt', 'forceAuthn'];
const TOKEN_PARAMS = ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'client_id', 'client_secret', 'refresh_token', 'scope', 'client_assertion_type', 'client_assertion', 'token', 'token_type_hint'];

function value(sb: () => SandboxHandle): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string(),
    fc.constantFrom('code', 'S256', 'plain', 'smartctl-public', 'smartctl-backend', 'http://127.0.0.1/callback', 'openid launch/patient patient/*.rs', 'authorization_code', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'eyJhbGciOiJFUzM4NCJ9.eyJpc3MiOiJ4In0.c2ln', 'none', 'login'),
    fc.constant('').map(() => sb().fhirBaseUrl),
  );
}

function params(names: string[], sb: () => SandboxHandle): fc.Arbitrary<Array<[string, string]>> {
  return fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string()), value(sb)), { maxLength: 12 });
}

describe('sandbox robustness', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox();
  });
  after(() => sb.close());

  it('authorize never fails with a 5xx on random parameters (GET and POST)', async () => {
    await fc.assert(
      fc.asyncProperty(params(AUTHORIZE_PARAMS, () => sb), fc.boolean(), fc.boolean(), async (pairs, post, auto) => {
        const body = new URLSearchParams(pairs);
        const headers: Record<string, string> = auto ? { 'x-sandbox-auto-approve': '1' } : {};
        const res = post
          ? await fetch(`${sb.issuer}/authorize`, { method: 'POST', redirect: 'manual', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() })
          : await fetch(`${sb.issuer}/authorize?${body.toString()}`, { redirect: 'manual', headers });
        await res.text();
        assert.ok(res.status >= 200 && res.status < 500, `status ${res.status}`);
      }),
      { numRuns: 150 },
    );
  });

  it('token, introspect and revoke never fail with a 5xx on random forms and Authorization headers', async () => {
    const header = fc.option(fc.oneof(fc.string(), fc.string().map((s) => `Basic ${s}`), fc.string().map((s) => `Bearer ${s}`), fc.string().map((s) => `Basic ${Buffer.from(s).toString('base64')}`)), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(params(TOKEN_PARAMS, () => sb), header, fc.constantFrom('token', 'introspect', 'revoke'), async (pairs, authorization, endpoint) => {
        const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
        if (authorization !== undefined && /^[\t\x20-\x7e]*$/.test(authorization)) headers['authorization'] = authorization;
        const res = await fetch(`${sb.issuer}/${endpoint}`, { method: 'POST', headers, body: new URLSearchParams(pairs).toString() });
        const text = await res.text();
        assert.ok(res.status >= 200 && res.status < 500, `status ${res.status}: ${text}`);
        if (res.status >= 400) assert.equal(typeof (JSON.parse(text) as Record<string, unknown>)['error'], 'string');
      }),
      { numRuns: 200 },
    );
  });
});
