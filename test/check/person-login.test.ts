// Person mode (a terminal, no --login script): the authorize URL goes to "the browser", the
// redirect comes back to a loopback listener on the redirect URI; one login at a time. The
// person here is a function that plays the browser against the sandbox.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { personLogin } from '../../src/check/person-login.js';
import { createPkce, randomToken } from '../../src/protocol/pkce.js';
import { buildAuthorizeUrl } from '../../src/protocol/authorize-request.js';
import { isSmartctlError } from '../../src/errors.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxHandle } from '../../src/sandbox/types.js';
import { freePort } from '../helpers/oidc-peer.js';

describe('person login', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ autoApprove: true });
  });
  after(async () => {
    await sb.close();
  });

  function authorizeUrl(redirectUri: string): { url: string; state: string } {
    const state = randomToken();
    return { url: buildAuthorizeUrl({ authorizationEndpoint: `${sb.issuer}/authorize`, clientId: sb.demoClients.public, redirectUri, scope: 'launch/patient patient/*.rs', state, aud: sb.fhirBaseUrl, codeChallenge: createPkce().challenge }), state };
  }

  /** The person: the browser follows the sandbox's redirect to the listener. */
  const person = async (url: string): Promise<{ opened: true; how: string }> => {
    const answer = await fetch(url, { redirect: 'manual' });
    const location = answer.headers.get('location') ?? '';
    void fetch(location).then((r) => r.text());
    return { opened: true, how: 'a test person' };
  };

  it('opens the URL, waits for the callback at the redirect URI, and returns it; two logins queue on one port', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const told: string[] = [];
    const login = personLogin({ action: (m) => told.push(m), now: () => new Date(), timeoutMs: 5000, open: person });
    const a = authorizeUrl(redirectUri);
    const b = authorizeUrl(redirectUri);
    const [first, second] = await Promise.all([login(a.url, redirectUri), login(b.url, redirectUri)]);
    assert.equal(new URL(first).searchParams.get('state'), a.state);
    assert.equal(new URL(second).searchParams.get('state'), b.state);
    assert.ok(new URL(first).searchParams.has('code'));
    assert.equal(told.length, 2);
    assert.match(told[0] ?? '', /needs a person: sign in in the browser \(a test person\)/);
  });

  it('without a port in the redirect URI there is nothing to listen on: a usage error', async () => {
    const login = personLogin({ action: () => undefined, now: () => new Date(), timeoutMs: 1000, open: person });
    await assert.rejects(login(authorizeUrl('http://127.0.0.1/callback').url, 'http://127.0.0.1/callback'), (e: unknown) => isSmartctlError(e) && e.code === 'person-login-needs-port');
  });

  it('nobody signs in: login-timeout', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const login = personLogin({ action: () => undefined, now: () => new Date(), timeoutMs: 300, open: async () => ({ opened: false, reason: 'no display' }) });
    await assert.rejects(login(authorizeUrl(redirectUri).url, redirectUri), (e: unknown) => isSmartctlError(e) && e.code === 'login-timeout');
  });
});
