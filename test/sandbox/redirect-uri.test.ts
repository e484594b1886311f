// redirect_uri matching: loopback URIs match on any port, but never with a fragment
// (RFC 6749 §3.1.2), not even an empty one. Regression: a registered loopback
// redirect_uri with "#fragment" appended was accepted and no test noticed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redirectUriMatches } from '../../src/sandbox/redirect-uri.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { authorize, authorizeParams, pkce } from './helpers.js';

describe('sandbox redirect_uri matching', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ clients: [{ client_id: 'web', token_endpoint_auth_method: 'none', redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code'], scope: 'openid patient/*.rs' }] });
  });
  after(() => sb.close());

  it('refuses a registered URI with a fragment, loopback or not, at any port', () => {
    for (const [registered, given] of [
      ['http://127.0.0.1/callback', 'http://127.0.0.1:5555/callback#frag'],
      ['http://127.0.0.1/callback', 'http://127.0.0.1:5555/callback#'],
      ['http://127.0.0.1/callback', 'http://127.0.0.1/callback#x'],
      ['http://localhost/callback', 'http://localhost:8080/callback#a=b'],
      ['https://app.example/cb', 'https://app.example/cb#'],
      ['https://app.example/cb', 'https://app.example/cb#top'],
    ] as const) {
      assert.equal(redirectUriMatches(registered, given, []), false, `${given} against ${registered}`);
    }
    assert.equal(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:5555/callback', []), true);
  });

  it('answers the authorize request with an error page, never a redirect, for a fragment', async () => {
    for (const [client, uri] of [
      [sb.demoClients.public, 'http://127.0.0.1:5555/callback#frag'],
      [sb.demoClients.public, 'http://127.0.0.1:5555/callback#'],
      ['web', 'https://app.example/cb#frag'],
    ] as const) {
      const a = await authorize(sb, authorizeParams(sb, pkce(), { client_id: client, redirect_uri: uri, scope: 'openid patient/*.rs' }));
      assert.equal(a.status, 400, `${uri}: ${a.location ?? ''}`);
      assert.equal(a.location, null);
      assert.match(a.body, /not registered|does not match/);
    }
    const control = await authorize(sb, authorizeParams(sb, pkce(), { redirect_uri: 'http://127.0.0.1:5555/callback' }));
    assert.equal(control.status, 302);
  });
});
